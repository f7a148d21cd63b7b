// /runs: every run, newest first, filtered by pipeline and state (kept in the URL), with older pages on request.
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../api/client";
import type { Pipeline, Run } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { SelectField } from "../../components/Field";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link, useRouter } from "../../router";
import { SloBadge, StateBadge, useStateName } from "./Badges";
import { runMessages } from "./messages";
import { beforeOf, elapsed, isActive, runStates, type RunPage } from "./model";

export const pageSize = 50;
const refreshEvery = 3000;

/** The runs query for the filters: `runs?limit=…&pipeline=…&state=…[&before=…]`. */
export function runsQuery(filters: { pipeline: string; state: string }, limit: number, before?: string | null): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (filters.pipeline) q.set("pipeline", filters.pipeline);
  if (filters.state) q.set("state", filters.state);
  if (before) q.set("before", before);
  return `runs?${q.toString()}`;
}

export function RunsList() {
  const t = useT(runMessages);
  const f = useFormat();
  const stateName = useStateName();
  const { search, navigate } = useRouter();
  const pipeline = search.get("pipeline") ?? "";
  const state = search.get("state") ?? "";
  const pipelines = useAsync((signal) => api.get<{ items: Pipeline[] }>("pipelines", { signal }), []);
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [more, setMore] = useState(false);
  const request = useRef(0);

  /** Loads the newest `limit` runs, replacing what is shown (a newer request wins). */
  const load = useCallback(async (limit: number, signal?: AbortSignal) => {
    const mine = ++request.current;
    try {
      const page = await api.get<RunPage>(runsQuery({ pipeline, state }, limit), { signal });
      if (mine !== request.current) return;
      setRuns(page.items);
      setNext(page.next ?? null);
      setError(null);
    } catch (e) {
      if (mine !== request.current || (e instanceof DOMException && e.name === "AbortError")) return;
      setError(e);
    }
  }, [pipeline, state]);

  useEffect(() => {
    const controller = new AbortController();
    setRuns(null);
    setNext(null);
    void load(pageSize, controller.signal);
    return () => controller.abort();
  }, [load]);

  // While something is queued or running, load the shown runs again every few seconds.
  const active = runs?.some((r) => isActive(r.state)) ?? false;
  const shown = runs?.length ?? 0;
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(() => void load(Math.min(1000, Math.max(pageSize, shown))), refreshEvery);
    return () => clearTimeout(timer);
  }, [active, shown, runs, load]);

  const older = async () => {
    const before = beforeOf(next);
    if (!before || !runs) return;
    setMore(true);
    const mine = request.current;
    try {
      const page = await api.get<RunPage>(runsQuery({ pipeline, state }, pageSize, before));
      if (mine !== request.current) return;
      const seen = new Set(runs.map((r) => r.id));
      setRuns([...runs, ...page.items.filter((r) => !seen.has(r.id))]);
      setNext(page.next ?? null);
    } catch (e) {
      setError(e);
    } finally {
      setMore(false);
    }
  };

  const setFilter = (key: "pipeline" | "state", value: string) => {
    const q = new URLSearchParams(search);
    if (value) q.set(key, value);
    else q.delete(key);
    const text = q.toString();
    navigate(`/runs${text ? `?${text}` : ""}`, true);
  };

  const names = (pipelines.data?.items ?? []).map((p) => p.name);
  if (pipeline && !names.includes(pipeline)) names.push(pipeline);
  const now = Date.now();
  return (
    <section aria-labelledby="runs-title">
      <div className="page-head">
        <h1 id="runs-title">{t("runsTitle")}</h1>
        <div className="actions">
          {active && <span className="hint" role="status">{t("autoRefresh")}</span>}
          <button type="button" onClick={() => void load(Math.min(1000, Math.max(pageSize, shown)))}>{t("refresh")}</button>
        </div>
      </div>
      <form className="toolbar" role="search" aria-label={t("filters")} onSubmit={(e) => e.preventDefault()}>
        <SelectField label={t("pipeline")} value={pipeline} onChange={(v) => setFilter("pipeline", v)}
          options={[{ value: "", label: t("allPipelines") }, ...names.sort().map((n) => ({ value: n, label: n }))]} />
        <SelectField label={t("state")} value={state} onChange={(v) => setFilter("state", v)}
          options={[{ value: "", label: t("allStates") }, ...runStates.map((s) => ({ value: s, label: stateName(s) }))]} />
      </form>
      <ErrorBanner error={error} onRetry={() => void load(pageSize)} />
      {runs === null ? (!error && <Loading />) : runs.length === 0 ? (
        <p className="empty">{pipeline || state ? t("noRunsFiltered") : t("noRuns")}</p>
      ) : (
        <div className="scroll-x">
          <table className="list">
            <caption className="visually-hidden">{t("runsTitle")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("run")}</th><th scope="col">{t("pipeline")}</th><th scope="col">{t("state")}</th><th scope="col">{t("logicalDate")}</th>
                <th scope="col">{t("trigger")}</th><th scope="col">{t("created")}</th><th scope="col" className="num">{t("duration")}</th><th scope="col">{t("deadlineStatus")}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td><Link to={`/runs/${r.id}`}>{`#${r.id}`}</Link></td>
                  <td><Link to={`/pipelines/${encodeURIComponent(r.pipeline)}`}>{r.pipeline}</Link></td>
                  <td><StateBadge state={r.state} />{r.error && <div className="error-text hint" title={r.error}>{r.error.length > 120 ? `${r.error.slice(0, 119)}…` : r.error}</div>}</td>
                  <td>{r.logical_date}</td>
                  <td>{stateName(r.trigger)}</td>
                  <td>{f.dateTime(r.created_at)}</td>
                  <td className="num">{f.duration(elapsed(r.started_at, r.finished_at, now))}</td>
                  <td><SloBadge slo={r.slo} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs !== null && next && beforeOf(next) && (
        <p><button type="button" onClick={() => void older()} disabled={more}>{more ? t("loadingOlder") : t("older")}</button></p>
      )}
    </section>
  );
}
