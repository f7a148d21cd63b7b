// Home: how today goes — runs by state, recent failures, runs late or at risk against their deadlines,
// and rows moved per day. Kept light (no graph or editor libraries) so it is the fastest page to open.
import { useEffect } from "react";
import { api, ApiError } from "../../api/client";
import type { DailyStat, Run } from "../../api/types";
import { Chart } from "../../components/Chart";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link } from "../../router";
import { SloBadge, StateBadge } from "../runs/Badges";
import { isActive, isFinal, isSameLocalDay, type RunPage } from "../runs/model";
import type { PageProps } from "../types";
import { homeMessages } from "./messages";

const recentLimit = 200;
const refreshEvery = 10_000;

/** Runs whose deadline is in question: at risk or late, or unfinished with a deadline; the most urgent first. */
export function deadlineWatch(runs: Run[]): Run[] {
  const rank = (r: Run) => (r.slo === "late" ? 0 : r.slo === "at_risk" ? 1 : 2);
  return runs
    .filter((r) => r.slo === "at_risk" || r.slo === "late" || (!isFinal(r.state) && r.deadline_at))
    .sort((a, b) => rank(a) - rank(b) || (a.deadline_at ?? "").localeCompare(b.deadline_at ?? ""));
}

const cardStates = ["running", "queued", "succeeded", "failed", "cancelled"] as const;

export default function Page(_: PageProps) {
  const t = useT(homeMessages);
  const f = useFormat();
  const runs = useAsync((signal) => api.get<RunPage>(`runs?limit=${recentLimit}`, { signal }), []);
  const failures = useAsync((signal) => api.get<RunPage>("runs?state=failed&limit=8", { signal }), []);
  const stats = useAsync(async (signal) => {
    try {
      return (await api.get<{ items: DailyStat[] }>("stats/daily?days=14", { signal })).items ?? [];
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return [];
      throw e;
    }
  }, []);

  const all = runs.data?.items ?? [];
  const active = all.some((r) => isActive(r.state));
  const reloadRuns = runs.reload;
  const reloadFailures = failures.reload;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => { reloadRuns(); reloadFailures(); }, refreshEvery);
    return () => clearInterval(timer);
  }, [active, reloadRuns, reloadFailures]);

  const today = new Date();
  const todays = all.filter((r) => isSameLocalDay(r.created_at, today));
  const count = (state: string) => todays.filter((r) => r.state === state).length;
  const watch = deadlineWatch(all);
  const days = stats.data ?? [];

  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{t("title")}</h1>

      <h2 id="today-title">{t("today")}</h2>
      <ErrorBanner error={runs.error} onRetry={runs.reload} />
      {runs.loading && !runs.data ? <Loading /> : (
        <div className="cards" role="list" aria-labelledby="today-title">
          <div className="card" role="listitem"><div className="value">{f.number(todays.length)}</div><div>{t("runsToday")}</div></div>
          {cardStates.map((s) => (
            <div className="card" role="listitem" key={s}><div className="value">{f.number(count(s))}</div><div><StateBadge state={s} /></div></div>
          ))}
        </div>
      )}
      <p><Link to="/runs">{t("allRuns")}</Link></p>

      <div className="grid2">
        <div className="panel">
          <h2 id="watch-title" className="panel-title">{t("deadlines")}</h2>
          <p className="hint">{t("deadlinesHint")}</p>
          {runs.data && (watch.length === 0 ? <p className="empty">{t("noDeadlineTrouble")}</p> : (
            <table className="list" aria-labelledby="watch-title">
              <thead><tr><th scope="col">{t("run")}</th><th scope="col">{t("deadline")}</th><th scope="col">{t("eta")}</th><th scope="col">{t("status")}</th></tr></thead>
              <tbody>
                {watch.map((r) => (
                  <tr key={r.id}>
                    <td><Link to={`/runs/${r.id}`}>{`#${r.id} ${r.pipeline}`}</Link> <StateBadge state={r.state} /><div className="hint">{r.logical_date}</div></td>
                    <td>{f.dateTime(r.deadline_at)}</td>
                    <td>{r.eta ? f.dateTime(r.eta) : <span className="muted">{t("unknown")}</span>}</td>
                    <td><SloBadge slo={r.slo} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </div>

        <div className="panel">
          <h2 id="failures-title" className="panel-title">{t("failures")}</h2>
          <ErrorBanner error={failures.error} onRetry={failures.reload} />
          {failures.loading && !failures.data ? <Loading /> : failures.data && (failures.data.items.length === 0 ? <p className="empty">{t("noFailures")}</p> : (
            <ul className="failures" aria-labelledby="failures-title">
              {failures.data.items.map((r) => (
                <li key={r.id}>
                  <Link to={`/runs/${r.id}`}>{`#${r.id} ${r.pipeline}`}</Link> <span className="hint">{r.logical_date} · {f.dateTime(r.finished_at ?? r.created_at)}</span>
                  {r.error && <div className="error-text">{r.error.length > 240 ? `${r.error.slice(0, 239)}…` : r.error}</div>}
                </li>
              ))}
            </ul>
          ))}
        </div>
      </div>

      <h2 id="rows-title">{t("rowsPerDay")}</h2>
      <div className="panel">
        <ErrorBanner error={stats.error} onRetry={stats.reload} />
        {stats.loading && !stats.data ? <Loading /> : !stats.error && (days.length === 0 ? <p className="empty">{t("noStats")}</p> : (
          <>
            <Chart kind="bar" title={t("rowsChart", { n: days.length })} labels={days.map((d) => d.date.slice(5))} series={[{ name: t("rows"), values: days.map((d) => d.rows) }]} />
            <p className="hint">{t("statsTotal", { rows: f.number(days.reduce((s, d) => s + d.rows, 0)), bytes: f.bytes(days.reduce((s, d) => s + d.bytes, 0)), runs: f.number(days.reduce((s, d) => s + d.runs, 0)), failed: f.number(days.reduce((s, d) => s + d.failed, 0)) })}</p>
          </>
        ))}
      </div>
    </section>
  );
}
