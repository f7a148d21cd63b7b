// The shell: sign-in, navigation, language switch, user menu, and one lazily loaded bundle per page.
import { lazy, Suspense, useState, type ComponentType, type FormEvent } from "react";
import { ApiError } from "./api/client";
import { ErrorBanner, Loading } from "./components/ErrorBanner";
import { TextField } from "./components/Field";
import { useLang, useT, type Lang } from "./i18n";
import { Link, useRouter } from "./router";
import { atLeast, useSession } from "./session";
import { shell } from "./shell-messages";
import type { PageProps } from "./pages/types";
import type { Level } from "./api/types";

type Key = keyof typeof shell.en;
interface PageEntry { prefix: string; label: Key; level: Level; page: ComponentType<PageProps> }

export const pages: PageEntry[] = [
  { prefix: "/", label: "home", level: "viewer", page: lazy(() => import("./pages/home")) },
  { prefix: "/connections", label: "connections", level: "viewer", page: lazy(() => import("./pages/connections")) },
  { prefix: "/syncs", label: "syncs", level: "viewer", page: lazy(() => import("./pages/syncs")) },
  { prefix: "/models", label: "models", level: "viewer", page: lazy(() => import("./pages/models")) },
  { prefix: "/query", label: "query", level: "analyst", page: lazy(() => import("./pages/query")) },
  { prefix: "/pipelines", label: "pipelines", level: "viewer", page: lazy(() => import("./pages/pipelines")) },
  { prefix: "/activations", label: "activations", level: "viewer", page: lazy(() => import("./pages/activations")) },
  { prefix: "/runs", label: "runs", level: "viewer", page: lazy(() => import("./pages/runs")) },
  { prefix: "/access", label: "access", level: "admin", page: lazy(() => import("./pages/access")) },
  { prefix: "/account", label: "account", level: "viewer", page: lazy(() => import("./pages/account")) },
];

/** The page for a path and the segments after its prefix. */
export function resolve(path: string): { entry: PageEntry; sub: string[] } | null {
  const parts = path.split("/").filter(Boolean);
  if (parts.length === 0) return { entry: pages[0], sub: [] };
  const entry = pages.find((p) => p.prefix === `/${parts[0]}`);
  return entry ? { entry, sub: parts.slice(1).map(decodeURIComponent) } : null;
}

function LanguageSwitch() {
  const { lang, setLang } = useLang();
  const t = useT(shell);
  return (
    <label className="lang">
      <span className="visually-hidden">{t("language")}</span>
      <select aria-label={t("language")} value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        <option value="en">English</option>
        <option value="ja">日本語</option>
      </select>
    </label>
  );
}

function SignIn() {
  const t = useT(shell);
  const { signIn } = useSession();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(name, password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const message = error instanceof ApiError && error.status === 401 ? t("badPassword")
    : error instanceof ApiError && error.status === 429 ? t("tooMany", { s: error.retryAfter ?? 300 }) : null;
  return (
    <main className="sign-in" id="main">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <div className="sign-in-head"><h1 id="sign-in-title">{t("signInTitle")}</h1><LanguageSwitch /></div>
        <TextField label={t("name")} value={name} onChange={setName} autoComplete="username" required />
        <TextField label={t("password")} type="password" value={password} onChange={setPassword} autoComplete="current-password" required />
        {message ? <div className="banner banner-error" role="alert">{message}</div> : <ErrorBanner error={error} />}
        <button type="submit" className="primary" disabled={busy}>{busy ? t("signingIn") : t("signIn")}</button>
        <p className="hint">{t("firstStart")}</p>
      </form>
    </main>
  );
}

function Shell() {
  const t = useT(shell);
  const { session, signOut } = useSession();
  const { path } = useRouter();
  const found = resolve(path);
  const visible = pages.filter((p) => atLeast(session?.level, p.level));
  const Page = found?.entry.page;
  return (
    <div className="app">
      <a href="#main" className="skip">{t("skip")}</a>
      <header className="top">
        <Link to="/" className="brand">Nagare <span lang="ja">流れ</span></Link>
        <div className="top-right">
          <LanguageSwitch />
          <details className="user-menu">
            <summary aria-label={t("userMenu")}>{session?.name} <small>({session?.role})</small></summary>
            <div className="menu">
              <Link to="/account">{t("account")}</Link>
              <button type="button" className="link" onClick={() => void signOut()}>{t("signOut")}</button>
            </div>
          </details>
        </div>
      </header>
      <nav className="side" aria-label={t("mainNav")}>
        <ul>
          {visible.map((p) => {
            const current = found?.entry === p;
            return <li key={p.prefix}><Link to={p.prefix} aria-current={current ? "page" : undefined}>{t(p.label)}</Link></li>;
          })}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          {!Page ? <p>{t("notFound")}</p>
            : !atLeast(session?.level, found.entry.level) ? <div className="banner banner-error" role="alert">{t("noAccess")}</div>
            : <Page key={found.entry.prefix} sub={found.sub} />}
        </Suspense>
      </main>
    </div>
  );
}

const PasswordForm = lazy(() => import("./pages/account/PasswordForm").then((m) => ({ default: m.PasswordForm })));

/** On the first start (or after an admin set the password), the user chooses their own before anything else. */
function FirstPassword() {
  const { refresh } = useSession();
  return (
    <main className="sign-in" id="main">
      <div className="panel first-password">
        <Suspense fallback={<Loading />}>
          <PasswordForm firstStart onDone={() => void refresh()} />
        </Suspense>
      </div>
    </main>
  );
}

export function App() {
  const { session, loading } = useSession();
  if (loading) return <Loading />;
  if (!session) return <SignIn />;
  return session.password_change_required ? <FirstPassword /> : <Shell />;
}
