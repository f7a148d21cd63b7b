// One sync: run it now (all or some streams, with full refresh or not), what it remembers per
// stream (with a reset), and its runs.
import { useState } from "react";
import { api, seg } from "../../api/client";
import type { Page, Run, StartedRun, StreamState, Sync, SyncState } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { TextField } from "../../components/Field";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link } from "../../router";
import { atLeast, useSession } from "../../session";
import { useAction } from "../connections/useAction";
import { messages } from "./messages";
import { RunStarted } from "./SyncList";

function RunPanel({ name, onStarted }: { name: string; onStarted: () => void }) {
  const t = useT(messages);
  const [select, setSelect] = useState("");
  const [full, setFull] = useState(false);
  const [started, setStarted] = useState<StartedRun | null>(null);
  const start = useAction(async () => {
    setStarted(null);
    const body: { select?: string; full_refresh?: boolean } = {};
    if (select.trim()) body.select = select.trim();
    if (full) body.full_refresh = true;
    setStarted(await api.post<StartedRun>(`syncs/${seg(name)}/runs`, body));
    onStarted();
  });
  return (
    <form className="panel" onSubmit={(e) => { e.preventDefault(); void start.run(); }} aria-label={t("runNow")}>
      <TextField label={t("onlyStreams")} value={select} onChange={setSelect} hint={t("onlyStreamsHint")} field="select" error={start.error} placeholder="public.orders*" />
      <label className="inline-check"><input type="checkbox" checked={full} onChange={(e) => setFull(e.target.checked)} />{t("fullRefresh")}</label>
      <p className="hint">{t("fullRefreshHint")}</p>
      <ErrorBanner error={start.error} fields={["select"]} />
      {started && <RunStarted run={started} />}
      <button type="submit" className="primary" disabled={start.busy}>{start.busy ? t("starting") : t("runNow")}</button>
    </form>
  );
}

function StateRow({ sync, state, canReset, onReset }: { sync: string; state: StreamState; canReset: boolean; onReset: (stream: string) => void }) {
  const t = useT(messages);
  const f = useFormat();
  const [confirming, setConfirming] = useState(false);
  const reset = useAction(async () => {
    await api.delete(`syncs/${seg(sync)}/state/${seg(state.stream)}`);
    setConfirming(false);
    onReset(state.stream);
  });
  return (
    <>
      <tr>
        <td><code>{state.stream}</code></td>
        <td>{state.cursor_column ?? "–"}</td>
        <td>{state.cursor ?? "–"}</td>
        <td>{state.chunks_staged.length > 0 ? state.chunks_staged.length : "–"}</td>
        <td>{f.dateTime(state.updated_at)}</td>
        {canReset && (
          <td>
            {!confirming && <button type="button" className="danger" aria-label={t("resetOf", { stream: state.stream })} onClick={() => setConfirming(true)}>{t("reset")}</button>}
          </td>
        )}
      </tr>
      {confirming && (
        <tr>
          <td colSpan={6}>
            <div className="confirm" role="group" aria-label={t("resetOf", { stream: state.stream })}>
              <p>{t("resetConfirm", { stream: state.stream })}</p>
              <ErrorBanner error={reset.error} />
              <div className="actions">
                <button type="button" className="danger" disabled={reset.busy} onClick={() => void reset.run()}>{reset.busy ? t("resetting") : t("resetYes")}</button>
                <button type="button" disabled={reset.busy} onClick={() => setConfirming(false)}>{t("cancel")}</button>
              </div>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function StatePanel({ name, canReset, tick }: { name: string; canReset: boolean; tick: number }) {
  const t = useT(messages);
  const state = useAsync((signal) => api.get<SyncState>(`syncs/${seg(name)}/state`, { signal }), [name, tick]);
  const [done, setDone] = useState<string | null>(null);
  const streams = state.data?.streams ?? [];
  return (
    <div>
      <p className="hint">{t("stateHint")}</p>
      <ErrorBanner error={state.error} onRetry={state.reload} />
      {done && <div className="banner banner-ok" role="status">{t("resetDone", { stream: done })}</div>}
      {state.loading && !state.data ? <Loading /> : state.data && (streams.length === 0 ? <p>{t("noState")}</p> : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">{t("stream")}</th><th scope="col">{t("cursorColumn")}</th><th scope="col">{t("cursor")}</th>
              <th scope="col">{t("chunksStaged")}</th><th scope="col">{t("lastCommit")}</th>{canReset && <th scope="col">{t("actions")}</th>}
            </tr>
          </thead>
          <tbody>
            {streams.map((s) => <StateRow key={s.stream} sync={name} state={s} canReset={canReset} onReset={(stream) => { setDone(stream); state.reload(); }} />)}
          </tbody>
        </table>
      ))}
    </div>
  );
}

/** The runs of sync:NAME and of its full refreshes (sync:NAME:full-refresh), newest first. */
function HistoryPanel({ name, tick }: { name: string; tick: number }) {
  const t = useT(messages);
  const f = useFormat();
  const runs = useAsync(async (signal) => {
    const pipelines = [`sync:${name}`, `sync:${name}:full-refresh`];
    const pages = await Promise.all(pipelines.map((p) => api.get<Page<Run>>(`runs?pipeline=${encodeURIComponent(p)}&limit=25`, { signal })));
    return pages.flatMap((p) => p.items).sort((a, b) => b.id - a.id).slice(0, 25);
  }, [name, tick]);
  const items = runs.data ?? [];
  return (
    <div>
      <ErrorBanner error={runs.error} onRetry={runs.reload} />
      {runs.loading && !runs.data ? <Loading /> : runs.data && (items.length === 0 ? <p>{t("noRuns")}</p> : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">{t("run")}</th><th scope="col">{t("state")}</th><th scope="col">{t("kind")}</th><th scope="col">{t("trigger")}</th>
              <th scope="col">{t("started")}</th><th scope="col">{t("finished")}</th><th scope="col">{t("error")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td><Link to={`/runs/${r.id}`}>#{r.id}</Link></td>
                <td><span className={`state state-${r.state}`}>{r.state}</span></td>
                <td>{r.pipeline.endsWith(":full-refresh") ? t("kindFull") : t("kindNormal")}</td>
                <td>{r.trigger}</td>
                <td>{f.dateTime(r.started_at ?? r.created_at)}</td>
                <td>{f.dateTime(r.finished_at)}</td>
                <td>{r.error ? <span className="field-error">{r.error}</span> : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

export function SyncDetail({ name }: { name: string }) {
  const t = useT(messages);
  const { session } = useSession();
  const canRun = atLeast(session?.level, "analyst");
  const canEdit = atLeast(session?.level, "editor");
  const list = useAsync((signal) => api.get<{ items: Sync[] }>("syncs", { signal }), []);
  const [tick, setTick] = useState(0);
  const sync = list.data?.items.find((s) => s.name === name);
  return (
    <section aria-labelledby="sync-title">
      <div className="page-head">
        <h1 id="sync-title">{name}</h1>
        <div className="actions">
          {canEdit && sync && !sync.problem && <Link to={`/syncs/${encodeURIComponent(name)}/edit`} className="button">{t("editSync")}</Link>}
          <Link to="/syncs">{t("back")}</Link>
        </div>
      </div>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : list.data && (!sync ? <p>{t("notFound", { name })}</p> : sync.problem ? (
        <>
          <div className="banner banner-error" role="alert">{t("broken")} <span className="problem-text">{sync.problem}</span></div>
          <dl className="summary"><dt>{t("file")}</dt><dd><code>{sync.file}</code></dd></dl>
        </>
      ) : (
        <>
          <dl className="summary">
            <dt>{t("source")}</dt><dd><Link to={`/connections/${encodeURIComponent(sync.source)}`}>{sync.source}</Link></dd>
            <dt>{t("destination")}</dt><dd>{sync.destination}</dd>
            <dt>{t("targetSchema")}</dt><dd>{sync.target_schema ?? "–"}</dd>
            <dt>{t("streams")}</dt><dd>{sync.streams}</dd>
            <dt>{t("file")}</dt><dd><code>{sync.file}</code></dd>
          </dl>
          {canRun && (
            <>
              <h2>{t("runNow")}</h2>
              <RunPanel name={name} onStarted={() => setTick((x) => x + 1)} />
            </>
          )}
          <h2>{t("stateTitle")}</h2>
          <StatePanel name={name} canReset={canRun} tick={tick} />
          <h2>{t("historyTitle")}</h2>
          <HistoryPanel name={name} tick={tick} />
        </>
      ))}
    </section>
  );
}

