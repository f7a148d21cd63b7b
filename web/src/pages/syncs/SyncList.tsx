// Every sync of the project: where it reads and writes, a way to run it now, and to a new one.
import { useState } from "react";
import { api, seg } from "../../api/client";
import type { StartedRun, Sync } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { useAsync } from "../../components/useAsync";
import { useT } from "../../i18n";
import { Link } from "../../router";
import { atLeast, useSession } from "../../session";
import { useAction } from "../connections/useAction";
import { messages } from "./messages";

/** "Run #42 started." with a link to the run. */
export function RunStarted({ run }: { run: StartedRun }) {
  const t = useT(messages);
  return (
    <div className="banner banner-ok" role="status">
      <span>{t("runStarted", { id: run.id })} <Link to={`/runs/${run.id}`}>{t("openRun", { id: run.id })}</Link></span>
    </div>
  );
}

export function SyncList() {
  const t = useT(messages);
  const { session } = useSession();
  const canRun = atLeast(session?.level, "analyst");
  const canEdit = atLeast(session?.level, "editor");
  const list = useAsync((signal) => api.get<{ items: Sync[] }>("syncs", { signal }), []);
  const [started, setStarted] = useState<StartedRun | null>(null);
  const [runningName, setRunningName] = useState<string | null>(null);
  const start = useAction(async (name: string) => {
    setStarted(null);
    setRunningName(name);
    try {
      setStarted(await api.post<StartedRun>(`syncs/${seg(name)}/runs`, {}));
    } finally {
      setRunningName(null);
    }
  });
  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby="syncs-title">
      <div className="page-head">
        <h1 id="syncs-title">{t("title")}</h1>
        {canEdit && <Link to="/syncs/new" className="button primary">{t("newSync")}</Link>}
      </div>
      <p className="hint">{t("intro")}</p>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      <ErrorBanner error={start.error} />
      {started && <RunStarted run={started} />}
      {list.loading && !list.data ? <Loading /> : list.data && (
        items.length === 0 ? <p>{t("none")}</p> : (
          <table className="list">
            <thead>
              <tr>
                <th scope="col">{t("name")}</th><th scope="col">{t("source")}</th><th scope="col">{t("destination")}</th>
                <th scope="col">{t("targetSchema")}</th><th scope="col">{t("streams")}</th><th scope="col">{t("file")}</th>
                {canRun && <th scope="col">{t("actions")}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((s) => s.problem ? (
                <tr key={s.name} className="broken">
                  <td><Link to={`/syncs/${encodeURIComponent(s.name)}`}>{s.name}</Link></td>
                  <td colSpan={4}><span className="problem-text" title={s.problem}>{t("brokenShort")}: {s.problem}</span></td>
                  <td><code>{s.file}</code></td>
                  {canRun && <td />}
                </tr>
              ) : (
                <tr key={s.name}>
                  <td><Link to={`/syncs/${encodeURIComponent(s.name)}`}>{s.name}</Link></td>
                  <td><Link to={`/connections/${encodeURIComponent(s.source)}`}>{s.source}</Link></td>
                  <td>{s.destination}</td>
                  <td>{s.target_schema ?? "–"}</td>
                  <td>{s.streams}</td>
                  <td><code>{s.file}</code></td>
                  {canRun && (
                    <td>
                      <button type="button" aria-label={t("runNowOf", { name: s.name })} disabled={start.busy} onClick={() => void start.run(s.name)}>
                        {runningName === s.name ? t("starting") : t("runNow")}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </section>
  );
}
