// One connection: its settings (a form for editors), a test, discovery of its streams, and delete.
import { useState } from "react";
import { api, ApiError, seg } from "../../api/client";
import type { Connection, ConnectionTest, SettingValue, Stream } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { useAsync } from "../../components/useAsync";
import { useT } from "../../i18n";
import { Link, useRouter } from "../../router";
import { atLeast, useSession } from "../../session";
import { ConnectionEditor, useConnectors, type Saved } from "./ConnectionEditor";
import { messages } from "./messages";
import { StreamBrowser, StreamColumns } from "./StreamBrowser";
import { useAction } from "./useAction";

export function NewConnection() {
  const t = useT(messages);
  const { navigate } = useRouter();
  const connectors = useConnectors();
  const { session } = useSession();
  if (!atLeast(session?.level, "editor")) {
    return <section><h1>{t("newConnection")}</h1><p>{t("readOnly")}</p></section>;
  }
  return (
    <section aria-labelledby="new-connection-title">
      <div className="page-head">
        <h1 id="new-connection-title">{t("newConnection")}</h1>
        <Link to="/connections">{t("back")}</Link>
      </div>
      {connectors.loading ? <Loading /> : (
        <div className="panel">
          <ErrorBanner error={connectors.error} />
          <ConnectionEditor existing={null} etag={null} connectors={connectors.data ?? null} onSaved={(s) => navigate(`/connections/${encodeURIComponent(s.connection.name)}`)} />
        </div>
      )}
    </section>
  );
}

function settingText(v: SettingValue, t: (k: "secretSet" | "secretNotSet") => string): string {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && (v as { secret?: unknown }).secret === true) return (v as { set: boolean }).set ? t("secretSet") : t("secretNotSet");
  if (Array.isArray(v)) return v.join(", ");
  if (v !== null && typeof v === "object") return Object.entries(v).map(([k, x]) => `${k}: ${String(x)}`).join("; ");
  return v === null ? "" : String(v);
}

function TestPanel({ name }: { name: string }) {
  const t = useT(messages);
  const [result, setResult] = useState<ConnectionTest | null>(null);
  const test = useAction(async () => {
    setResult(null);
    setResult(await api.post<ConnectionTest>(`connections/${seg(name)}/test`));
  });
  return (
    <div>
      <p className="hint">{t("testHint")}</p>
      <button type="button" onClick={() => void test.run()} disabled={test.busy}>{test.busy ? t("testing") : t("test")}</button>
      <ErrorBanner error={test.error} />
      {result && (result.ok ? (
        <div className="banner banner-ok" role="status">
          <span><strong>{t("testOk")}</strong>{" "}{t("testOkDetail", { type: result.type ?? "", seconds: result.seconds != null ? result.seconds.toFixed(2) : "–" })}{result.version ? ` ${t("testVersion", { version: result.version })}` : ""}</span>
        </div>
      ) : (
        <div className="banner banner-error" role="alert"><span><strong>{t("testFailed")}</strong>{result.error ? `: ${result.error}` : ""}</span></div>
      ))}
    </div>
  );
}

function DeletePanel({ name, etag }: { name: string; etag: string | null }) {
  const t = useT(messages);
  const { navigate } = useRouter();
  const [confirming, setConfirming] = useState(false);
  const remove = useAction(async () => {
    await api.delete(`connections/${seg(name)}`, { ifMatch: etag });
    navigate("/connections");
  });
  return (
    <div>
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>{t("deleteButton")}</button>
      ) : (
        <div className="confirm" role="group" aria-label={t("deleteButton")}>
          <p>{t("deleteConfirm", { name })}</p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => void remove.run()} disabled={remove.busy}>{remove.busy ? t("deleting") : t("deleteYes")}</button>
            <button type="button" onClick={() => setConfirming(false)} disabled={remove.busy}>{t("cancel")}</button>
          </div>
        </div>
      )}
      <ErrorBanner error={remove.error} />
    </div>
  );
}

function DiscoverPanel({ name }: { name: string }) {
  const [chosen, setChosen] = useState<Stream | null>(null);
  return (
    <div className="grid2">
      <StreamBrowser connection={name} chosen={chosen?.stream ?? null} onChoose={setChosen} />
      <div>{chosen ? <StreamColumns stream={chosen} /> : <DiscoverHint />}</div>
    </div>
  );
}

function DiscoverHint() {
  const t = useT(messages);
  return <p className="hint">{t("discoverHint")}</p>;
}

export function ConnectionDetail({ name }: { name: string }) {
  const t = useT(messages);
  const { session } = useSession();
  const canEdit = atLeast(session?.level, "editor");
  const loaded = useAsync((signal) => api.getVersioned<Connection>(`connections/${seg(name)}`, { signal }), [name]);
  const connectors = useConnectors();
  const [version, setVersion] = useState(0);
  const onSaved = (s: Saved) => {
    loaded.setData({ value: s.connection, etag: s.etag });
  };
  const reload = () => {
    loaded.reload();
    setVersion((v) => v + 1);
  };
  const c = loaded.data?.value;
  const notFound = loaded.error instanceof ApiError && loaded.error.status === 404;
  return (
    <section aria-labelledby="connection-title">
      <div className="page-head">
        <h1 id="connection-title">{name} {c && <small className="muted">{c.type}</small>}</h1>
        <Link to="/connections">{t("back")}</Link>
      </div>
      {notFound ? <p>{t("notFound", { name })}</p> : <ErrorBanner error={loaded.error} onRetry={loaded.reload} />}
      {(loaded.loading && !c) || (canEdit && connectors.loading) ? <Loading /> : c && (
        <>
          {c.problem && <div className="banner banner-error" role="alert"><span className="problem-text">{c.problem}</span></div>}
          {c.builtin && <p className="hint">{t("builtinNote")}</p>}
          <p className="muted"><code>{c.file}</code></p>
          <h2>{t("settings")}</h2>
          {canEdit && !c.builtin ? (
            <div className="panel">
              {c.problem && <p className="hint">{t("brokenNote")}</p>}
              <ErrorBanner error={connectors.error} />
              <ConnectionEditor key={`${version}`} existing={c} etag={loaded.data?.etag ?? null} connectors={connectors.data ?? null} onSaved={onSaved} onReload={reload} />
            </div>
          ) : (
            <>
              {!canEdit && <p className="hint">{t("readOnly")}</p>}
              <table className="list">
                <thead><tr><th scope="col">{t("settingKey")}</th><th scope="col">{t("settingValue")}</th></tr></thead>
                <tbody>
                  {c.max_concurrency != null && <tr><td><code>max_concurrency</code></td><td>{c.max_concurrency}</td></tr>}
                  {Object.entries(c.settings).map(([k, v]) => <tr key={k}><td><code>{k}</code></td><td>{settingText(v, t)}</td></tr>)}
                </tbody>
              </table>
            </>
          )}
          {canEdit && !c.builtin && !c.problem && (
            <>
              <h2>{t("test")}</h2>
              <TestPanel name={name} />
              <h2>{t("discover")}</h2>
              <DiscoverPanel name={name} />
            </>
          )}
          {canEdit && !c.builtin && (
            <>
              <h2>{t("deleteTitle")}</h2>
              <DeletePanel name={name} etag={loaded.data?.etag ?? null} />
            </>
          )}
        </>
      )}
    </section>
  );
}
