// One action at a time: a button that sends a request stays busy until the answer, and a second
// click (a double-click fires two before React re-renders the disabled button) sends nothing.
import { useCallback, useRef, useState } from "react";

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<void>;
  busy: boolean;
  error: unknown;
  setError: (error: unknown) => void;
}

export function useAction<A extends unknown[]>(work: (...args: A) => Promise<void>): Action<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const running = useRef(false);
  const current = useRef(work);
  current.current = work;
  const run = useCallback(async (...args: A) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      await current.current(...args);
    } catch (e) {
      setError(e);
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return { run, busy, error, setError };
}
