// /pipelines/:name: a pipeline's steps as a graph, its schedule, deadline and parameters, forms to run
// and backfill it, and its latest runs.
import { useEffect, useState } from "react";
import { api, seg } from "../../api/client";
import type { Pipeline, Run } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link } from "../../router";
import { atLeast, useSession } from "../../session";
import { SloBadge, StateBadge, useStateName } from "../runs/Badges";
import { elapsed, isActive, type RunPage } from "../runs/model";
import { Dag } from "./Dag";
import { useDeadlineText } from "./format";
import { pipelineMessages } from "./messages";
import { isTemplate } from "./params";
import { BackfillForm, RunForm } from "./RunForm";

const recent = 20;

function PipelineRuns({ name }: { name: string }) {
  const t = useT(pipelineMessages);
  const f = useFormat();
  const stateName = useStateName();
  const runs = useAsync((signal) => api.get<RunPage>(`runs?pipeline=${encodeURIComponent(name)}&limit=${recent}`, { signal }), [name]);
  const active = runs.data?.items.some((r) => isActive(r.state)) ?? false;
  const { reload } = runs;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [active, reload]);
  const items: Run[] = runs.data?.items ?? [];
  const now = Date.now();
  return (
    <>
      <h2 id="pipeline-runs-title">{t("recentRuns")}</h2>
      <ErrorBanner error={runs.error} onRetry={reload} />
      {runs.loading && !runs.data ? <Loading /> : runs.data && items.length === 0 ? <p className="empty">{t("noRuns")}</p> : runs.data && (
        <div className="scroll-x">
          <table className="list" aria-labelledby="pipeline-runs-title">
            <thead><tr><th scope="col">{t("run")}</th><th scope="col">{t("state")}</th><th scope="col">{t("logicalDate")}</th><th scope="col">{t("trigger")}</th><th scope="col">{t("created")}</th><th scope="col" className="num">{t("duration")}</th><th scope="col">{t("deadlineStatus")}</th></tr></thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td><Link to={`/runs/${r.id}`}>{`#${r.id}`}</Link></td>
                  <td><StateBadge state={r.state} /></td>
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
      <p><Link to={`/runs?pipeline=${encodeURIComponent(name)}`}>{t("allRunsOf", { name })}</Link></p>
    </>
  );
}

export function PipelineView({ name }: { name: string }) {
  const t = useT(pipelineMessages);
  const f = useFormat();
  const deadlineText = useDeadlineText();
  const { session } = useSession();
  const { data: pipeline, error, loading, reload } = useAsync((signal) => api.get<Pipeline>(`pipelines/${seg(name)}`, { signal }), [name]);
  const [backfillOpen, setBackfillOpen] = useState(false);

  if (!pipeline) {
    return (
      <section>
        <p><Link to="/pipelines">{t("backToPipelines")}</Link></p>
        <h1>{name}</h1>
        {loading ? <Loading /> : <ErrorBanner error={error} onRetry={reload} />}
      </section>
    );
  }

  const mayRun = atLeast(session?.level, "analyst");
  const detailed = pipeline.steps_detail;
  const dagSteps = detailed ?? pipeline.steps.map((s) => ({ name: s, after: [], kind: "", target: null }));
  return (
    <section aria-labelledby="pipeline-title">
      <p><Link to="/pipelines">{t("backToPipelines")}</Link></p>
      <h1 id="pipeline-title">{pipeline.name}</h1>
      {pipeline.description && <p>{pipeline.description}</p>}
      <ErrorBanner error={error} onRetry={reload} />

      <div className="grid2">
        <div className="panel">
          <dl className="facts">
            <dt>{t("schedule")}</dt><dd>{pipeline.schedule ? <code>{pipeline.schedule}</code> : <span className="muted">{t("manualOnly")}</span>}</dd>
            {pipeline.time_zone && <><dt>{t("timeZone")}</dt><dd>{pipeline.time_zone}</dd></>}
            {pipeline.next_run_at !== undefined && <><dt>{t("nextRun")}</dt><dd>{pipeline.next_run_at ? f.dateTime(pipeline.next_run_at) : <span className="muted">{t("none")}</span>}</dd></>}
            {pipeline.deadline !== undefined && <><dt>{t("deadline")}</dt><dd>{pipeline.deadline ? deadlineText(pipeline.deadline) : <span className="muted">{t("none")}</span>}</dd></>}
            {pipeline.after.length > 0 && <><dt>{t("triggeredBy")}</dt><dd>{pipeline.after.map((a, i) => <span key={a}>{i > 0 && ", "}<Link to={`/pipelines/${encodeURIComponent(a)}`}>{a}</Link></span>)}</dd></>}
            <dt>{t("maxActiveRuns")}</dt><dd>{pipeline.max_active_runs}</dd>
            <dt>{t("file")}</dt><dd><code>{pipeline.file}</code></dd>
            {pipeline.last_run && (
              <><dt>{t("lastRun")}</dt><dd><Link to={`/runs/${pipeline.last_run.id}`}>{`#${pipeline.last_run.id}`}</Link> <StateBadge state={pipeline.last_run.state} /> <SloBadge slo={pipeline.last_run.slo} /> <span className="hint">{pipeline.last_run.logical_date}</span></dd></>
            )}
          </dl>
        </div>
        <div className="panel">
          <h2 id="params-title" className="panel-title">{t("params")}</h2>
          {pipeline.params.length === 0 ? <p className="empty">{t("noParams")}</p> : (
            <table className="list" aria-labelledby="params-title">
              <thead><tr><th scope="col">{t("name")}</th><th scope="col">{t("type")}</th><th scope="col">{t("default")}</th><th scope="col">{t("description")}</th></tr></thead>
              <tbody>
                {pipeline.params.map((p) => (
                  <tr key={p.name}>
                    <td><code>{p.name}</code></td>
                    <td>{p.type}</td>
                    <td>{p.default === null ? <span className="muted">{t("requiredParam")}</span> : <code title={isTemplate(p.default) ? t("templateHint") : undefined}>{p.default}</code>}</td>
                    <td>{p.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>

      <h2 id="steps-title">{t("steps")}</h2>
      <div className="panel">
        <Dag steps={dagSteps} title={t("dagTitle", { name: pipeline.name })} />
        {!detailed && <p className="hint">{t("noDependencies")}</p>}
        {detailed && detailed.length > 0 && (
          <table className="list" aria-labelledby="steps-title" style={{ marginTop: "1rem" }}>
            <thead><tr><th scope="col">{t("step")}</th><th scope="col">{t("kind")}</th><th scope="col">{t("target")}</th><th scope="col">{t("after")}</th><th scope="col">{t("deadline")}</th></tr></thead>
            <tbody>
              {detailed.map((s) => (
                <tr key={s.name}>
                  <td>{s.name}</td><td>{s.kind}</td><td>{s.target ? <code>{s.target}</code> : null}</td>
                  <td>{s.after.join(", ")}</td><td>{s.deadline ? deadlineText(s.deadline) : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>

      {mayRun ? (
        <>
          <RunForm key={`run-${pipeline.name}`} pipeline={pipeline} />
          <details className="panel" open={backfillOpen} onToggle={(e) => setBackfillOpen((e.currentTarget as HTMLDetailsElement).open)}>
            <summary><strong>{t("backfill")}</strong></summary>
            {backfillOpen && <BackfillForm key={`backfill-${pipeline.name}`} pipeline={pipeline} />}
          </details>
        </>
      ) : <p className="hint">{t("analystsRun")}</p>}

      <PipelineRuns name={pipeline.name} />
    </section>
  );
}
