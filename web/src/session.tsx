// Who is signed in. The session is an HttpOnly cookie set by POST /session; the answer's
// anti-forgery token is also in the readable cookie nagare_csrf that the API client sends back.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, ApiError, setUnauthorizedHandler } from "./api/client";
import type { Level, Session } from "./api/types";

interface SessionState {
  session: Session | null;
  loading: boolean;
  signIn: (name: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
}

const SessionContext = createContext<SessionState>({ session: null, loading: true, signIn: async () => {}, signOut: async () => {}, refresh: async () => {} });

const order: Level[] = ["viewer", "analyst", "editor", "admin"];
/** Whether a level includes another (admin ⊇ editor ⊇ analyst ⊇ viewer). */
export const atLeast = (level: Level | undefined, needed: Level): boolean => level !== undefined && order.indexOf(level) >= order.indexOf(needed);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    try {
      setSession(await api.get<Session>("session", { quiet401: true }));
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      setSession(null);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    setUnauthorizedHandler(() => setSession(null));
    void refresh();
    return () => setUnauthorizedHandler(null);
  }, [refresh]);
  const signIn = useCallback(async (name: string, password: string) => {
    setSession(await api.post<Session>("session", { name, password }, { quiet401: true }));
  }, []);
  const signOut = useCallback(async () => {
    try {
      await api.delete("session");
    } finally {
      setSession(null);
    }
  }, []);
  const value = useMemo(() => ({ session, loading, signIn, signOut, refresh }), [session, loading, signIn, signOut, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}
