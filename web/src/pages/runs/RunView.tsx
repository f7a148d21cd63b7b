// /runs/:id: one run — its header, a timeline of its tasks, its steps and tasks, its live log, cancel and retry.
import { useEffect, useMemo, useState } from "react";
import { api, ApiError, seg } from "../../api/client";
import type { Run, RunAttempt, RunDetail } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { useFormat, useT } from "../../i18n";
import { Link } from "../../router";
import { atLeast, useSession } from "../../session";
import { SloBadge, StateBadge, useStateName } from "./Badges";
import { Gantt } from "./Gantt";
import { LogPanel } from "./LogPanel";
import { runMessages } from "./messages";
import { attemptLabels, canCancel, canRerun, elapsed, isFinal, runArguments, taskLabel } from "./model";

const pollEvery = 2000;

/** Polls GET /runs/{id} every 2 s until the run is final (and its deadline result is in); `reload()` starts again (after cancel or retry). */
function useRunDetail(id: string) {
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [now, setNow] = useState(() => Date.now());
  const [round, setRound] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let followUps = 0;
    const load = async () => {
      try {
        const value = await api.get<RunDetail>(`runs/${seg(id)}`, { signal: controller.signal });
        if (controller.signal.aborted) return;
        setDetail(value);
        setError(null);
        setNow(Date.now());
        // A finished run's deadline result comes at the scheduler's next tick: look a few more times for it.
        const settled = !value.run.deadline_at || value.run.slo === "met" || value.run.slo === "missed";
        if (!isFinal(value.run.state) || (!settled && followUps++ < 5)) timer = setTimeout(() => void load(), pollEvery);
      } catch (e) {
        if (controller.signal.aborted) return;
        setError(e);
        // A passing failure (network, 5xx) is tried again; a missing run or a refusal is not.
        if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500) timer = setTimeout(() => void load(), pollEvery * 2);
      }
    };
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [id, round]);
  return { detail, error, now, reload: () => setRound((r) => r + 1), setRun: (run: Run) => setDetail((d) => (d ? { ...d, run } : d)) };
}

function Attempts({ attempts }: { attempts: RunAttempt[] }) {
  const t = useT(runMessages);
  const f = useFormat();
  const stateName = useStateName();
  if (attempts.length === 0) return <>0</>;
  return (
    <details>
      <summary>{attempts.length}</summary>
      <ol className="attempts">
        {attempts.map((a) => (
          <li key={a.id}>
            {t("attemptLine", { n: a.number, state: stateName(a.state), worker: a.worker, at: f.time(a.started_at) })}
            {a.error && <div className="error-text">{a.error}</div>}
          </li>
        ))}
      </ol>
    </details>
  );
}

export function RunView({ id }: { id: string }) {
  const t = useT(runMessages);
  const f = useFormat();
  const stateName = useStateName();
  const { session } = useSession();
  const { detail, error, now, reload, setRun } = useRunDetail(id);
  const [busy, setBusy] = useState<"cancel" | "rerun" | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const labels = useMemo(() => (detail ? attemptLabels(detail.tasks, detail.attempts) : new Map<number, string>()), [detail]);

  if (!detail) {
    return (
      <section>
        <h1>{t("runTitle", { id })}</h1>
        {error ? <ErrorBanner error={error} /> : <Loading />}
        <p><Link to="/runs">{t("backToRuns")}</Link></p>
      </section>
    );
  }

  const { run, steps, tasks, attempts } = detail;
  const mayRun = atLeast(session?.level, "analyst");
  const act = async (what: "cancel" | "rerun") => {
    setBusy(what);
    setActionError(null);
    try {
      setRun(await api.post<Run>(`runs/${seg(run.id)}/${what}`));
      reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };
  const { params, builtins } = runArguments(run.params);
  const orderedSteps = [...steps].sort((a, b) => a.ordinal - b.ordinal);
  const stepOrder = new Map(orderedSteps.map((s, i) => [s.name, i]));
  const orderedTasks = [...tasks].sort((a, b) => (stepOrder.get(a.step) ?? 1e9) - (stepOrder.get(b.step) ?? 1e9) || a.id - b.id);
  return (
    <section aria-labelledby="run-title">
      <p><Link to="/runs">{t("backToRuns")}</Link></p>
      <div className="page-head">
        <div className="actions">
          <h1 id="run-title">{t("runHeading", { id: run.id, pipeline: run.pipeline })}</h1>
          <span role="status" aria-label={t("runState")}><StateBadge state={run.state} /></span>
        </div>
        {mayRun && (
          <div className="actions">
            {canCancel(run.state) && <button type="button" className="danger" onClick={() => void act("cancel")} disabled={busy !== null}>{busy === "cancel" ? t("cancelling") : t("cancelRun")}</button>}
            {canRerun(run.state) && <button type="button" className="primary" onClick={() => void act("rerun")} disabled={busy !== null}>{busy === "rerun" ? t("retrying") : t("retryRun")}</button>}
          </div>
        )}
      </div>
      <ErrorBanner error={actionError} />
      {error ? <ErrorBanner error={error} /> : null}
      <div className="panel">
        <dl className="facts">
          <dt>{t("pipeline")}</dt><dd><Link to={`/pipelines/${encodeURIComponent(run.pipeline)}`}>{run.pipeline}</Link></dd>
          <dt>{t("state")}</dt><dd><StateBadge state={run.state} /></dd>
          <dt>{t("logicalDate")}</dt><dd>{run.logical_date}</dd>
          <dt>{t("params")}</dt>
          <dd>
            {params.length === 0 ? <span className="muted">{t("noParams")}</span> : <ul className="params" aria-label={t("params")}>{params.map(([k, v]) => <li key={k}><code>{k}={v}</code></li>)}</ul>}
            {builtins.length > 0 && (
              <details>
                <summary className="hint">{t("builtins")}</summary>
                <ul className="params">{builtins.map(([k, v]) => <li key={k}><code>{k}={v}</code></li>)}</ul>
              </details>
            )}
          </dd>
          <dt>{t("trigger")}</dt><dd>{stateName(run.trigger)}</dd>
          <dt>{t("created")}</dt><dd>{f.dateTime(run.created_at)}</dd>
          <dt>{t("started")}</dt><dd>{f.dateTime(run.started_at)}</dd>
          <dt>{t("finished")}</dt><dd>{f.dateTime(run.finished_at)}</dd>
          <dt>{t("duration")}</dt><dd>{f.duration(elapsed(run.started_at, run.finished_at, now))}</dd>
          <dt>{t("deadline")}</dt><dd>{run.deadline_at ? f.dateTime(run.deadline_at) : <span className="muted">{t("noDeadline")}</span>}</dd>
          {run.eta && <><dt>{t("eta")}</dt><dd>{f.dateTime(run.eta)}</dd></>}
          {run.slo && <><dt>{t("deadlineStatus")}</dt><dd><SloBadge slo={run.slo} /></dd></>}
          {run.error && <><dt>{t("error")}</dt><dd className="error-text">{run.error}</dd></>}
        </dl>
      </div>

      <h2>{t("timeline")}</h2>
      <div className="panel"><Gantt run={run} steps={steps} tasks={tasks} now={now} /></div>

      <h2 id="steps-title">{t("steps")}</h2>
      <div className="scroll-x">
        <table className="list" aria-labelledby="steps-title">
          <thead><tr><th scope="col">{t("step")}</th><th scope="col">{t("state")}</th><th scope="col" className="num">{t("doneOfTotal")}</th><th scope="col" className="num">{t("failedCount")}</th><th scope="col">{t("started")}</th><th scope="col" className="num">{t("duration")}</th></tr></thead>
          <tbody>
            {orderedSteps.map((s) => (
              <tr key={s.name}>
                <td>{s.name}{s.after.length > 0 && <div className="hint">{t("after", { steps: s.after.join(", ") })}</div>}</td>
                <td><StateBadge state={s.state} /></td>
                <td className="num">{`${s.done} / ${s.total}`}</td>
                <td className="num">{s.failed}</td>
                <td>{f.time(s.started_at)}</td>
                <td className="num">{f.duration(elapsed(s.started_at, s.finished_at, now))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="tasks-title">{t("tasks")}</h2>
      <div className="scroll-x">
        <table className="list" aria-labelledby="tasks-title">
          <thead><tr><th scope="col">{t("task")}</th><th scope="col">{t("state")}</th><th scope="col">{t("attempts")}</th><th scope="col" className="num">{t("rows")}</th><th scope="col" className="num">{t("bytes")}</th><th scope="col">{t("started")}</th><th scope="col" className="num">{t("duration")}</th><th scope="col">{t("error")}</th></tr></thead>
          <tbody>
            {orderedTasks.map((task) => (
              <tr key={task.id}>
                <td>{taskLabel(task)}</td>
                <td><StateBadge state={task.state} /></td>
                <td><Attempts attempts={attempts.filter((a) => a.task_id === task.id).sort((a, b) => a.number - b.number)} /></td>
                <td className="num">{f.number(task.rows)}</td>
                <td className="num">{f.bytes(task.bytes)}</td>
                <td>{f.time(task.started_at)}</td>
                <td className="num">{f.duration(elapsed(task.started_at, task.finished_at, now))}</td>
                <td>{task.error ? <span className="error-text">{task.error}</span> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t("logTitle")}</h2>
      <LogPanel key={run.id} runId={run.id} active={!isFinal(run.state)} labels={labels} />
    </section>
  );
}
