// English and Japanese. Each page keeps its own messages beside it (`messages.ts` with
// `en` and `ja`); the shell's are below. The language is detected from the browser, can be
// switched in the header, and is remembered in localStorage.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

export type Lang = "en" | "ja";
export type Messages<K extends string> = { en: Record<K, string>; ja: Record<K, string> };

/** Declares a page's messages; both languages must have every key (checked by the compiler). */
export function defineMessages<K extends string>(messages: Messages<K>): Messages<K> {
  return messages;
}

const LangContext = createContext<{ lang: Lang; setLang: (lang: Lang) => void }>({ lang: "en", setLang: () => {} });

export function detectLang(): Lang {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem("nagare.lang") : null;
  if (saved === "en" || saved === "ja") return saved;
  const browser = typeof navigator !== "undefined" ? (navigator.languages?.[0] ?? navigator.language ?? "en") : "en";
  return browser.toLowerCase().startsWith("ja") ? "ja" : "en";
}

export function LangProvider({ children, initial }: { children: ReactNode; initial?: Lang }) {
  const [lang, setLangState] = useState<Lang>(initial ?? detectLang());
  // Also for a language detected from the browser: screen readers and font choice follow <html lang>.
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    localStorage.setItem("nagare.lang", next);
  }, []);
  const value = useMemo(() => ({ lang, setLang }), [lang, setLang]);
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useLang(): { lang: Lang; setLang: (lang: Lang) => void } {
  return useContext(LangContext);
}

/** `t(key, { name: "x" })` replaces `{name}` in the message of the current language. */
export function useT<K extends string>(messages: Messages<K>): (key: K, vars?: Record<string, string | number>) => string {
  const { lang } = useLang();
  return useCallback(
    (key: K, vars?: Record<string, string | number>) => {
      let text = messages[lang][key] ?? messages.en[key] ?? key;
      if (vars) for (const [k, v] of Object.entries(vars)) text = text.split(`{${k}}`).join(String(v));
      return text;
    },
    [lang, messages],
  );
}

/** Numbers and times in the current language. */
export function useFormat() {
  const { lang } = useLang();
  return useMemo(() => {
    const locale = lang === "ja" ? "ja-JP" : "en-US";
    const number = new Intl.NumberFormat(locale);
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" });
    const time = new Intl.DateTimeFormat(locale, { timeStyle: "short" });
    return {
      number: (n: number | null | undefined) => (n == null ? "–" : number.format(n)),
      bytes: (n: number | null | undefined) => {
        if (n == null) return "–";
        const units = ["B", "KB", "MB", "GB", "TB"];
        let v = n;
        let i = 0;
        while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
        return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
      },
      dateTime: (s: string | null | undefined) => (s ? dateTime.format(new Date(s)) : "–"),
      time: (s: string | null | undefined) => (s ? time.format(new Date(s)) : "–"),
      duration: (ms: number | null | undefined) => {
        if (ms == null) return "–";
        const s = Math.round(ms / 1000);
        if (s < 60) return `${s}s`;
        const m = Math.floor(s / 60);
        if (m < 60) return `${m}m ${s % 60}s`;
        return `${Math.floor(m / 60)}h ${m % 60}m`;
      },
    };
  }, [lang]);
}
