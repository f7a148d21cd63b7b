// /pipelines: every pipeline with its schedule, next run, deadline and last run.
import { api } from "../../api/client";
import type { Pipeline } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link } from "../../router";
import { SloBadge, StateBadge } from "../runs/Badges";
import { useDeadlineText } from "./format";
import { pipelineMessages } from "./messages";

export function PipelinesList() {
  const t = useT(pipelineMessages);
  const f = useFormat();
  const deadlineText = useDeadlineText();
  const { data, error, loading, reload } = useAsync((signal) => api.get<{ items: Pipeline[] }>("pipelines", { signal }), []);
  const items = [...(data?.items ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  // Fields a server may not send yet: their columns show only when some pipeline has them.
  const hasNext = items.some((p) => p.next_run_at !== undefined);
  const hasDeadline = items.some((p) => p.deadline !== undefined);
  const hasLast = items.some((p) => p.last_run !== undefined);
  return (
    <section aria-labelledby="pipelines-title">
      <h1 id="pipelines-title">{t("pipelinesTitle")}</h1>
      <ErrorBanner error={error} onRetry={reload} />
      {loading && !data ? <Loading /> : data && items.length === 0 ? <p className="empty">{t("noPipelines")}</p> : data && (
        <div className="scroll-x">
          <table className="list">
            <caption className="visually-hidden">{t("pipelinesTitle")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("name")}</th><th scope="col">{t("schedule")}</th>
                {hasNext && <th scope="col">{t("nextRun")}</th>}
                {hasDeadline && <th scope="col">{t("deadline")}</th>}
                {hasLast && <th scope="col">{t("lastRun")}</th>}
                <th scope="col">{t("steps")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.name}>
                  <td><Link to={`/pipelines/${encodeURIComponent(p.name)}`}>{p.name}</Link>{p.description && <div className="hint">{p.description}</div>}</td>
                  <td>{p.schedule ? <><code>{p.schedule}</code>{p.time_zone && <div className="hint">{p.time_zone}</div>}</> : <span className="muted">{t("manualOnly")}</span>}</td>
                  {hasNext && <td>{p.next_run_at ? f.dateTime(p.next_run_at) : <span className="muted">{t("none")}</span>}</td>}
                  {hasDeadline && <td>{p.deadline ? deadlineText(p.deadline) : <span className="muted">{t("none")}</span>}</td>}
                  {hasLast && (
                    <td>
                      {p.last_run ? (
                        <>
                          <Link to={`/runs/${p.last_run.id}`}>{`#${p.last_run.id}`}</Link> <StateBadge state={p.last_run.state} /> <SloBadge slo={p.last_run.slo} />
                          <div className="hint">{p.last_run.logical_date}{p.last_run.finished_at ? ` · ${f.dateTime(p.last_run.finished_at)}` : ""}</div>
                        </>
                      ) : <span className="muted">{t("never")}</span>}
                    </td>
                  )}
                  <td className="num">{p.steps_detail?.length ?? p.steps.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
