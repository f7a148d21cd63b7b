// /activations (the list) and /activations/NAME: a dry run of what a run would send now
// (counts, sample records and, for an HTTP API, the first requests), then a run of exactly that.
import { useState } from "react";
import { api, seg } from "../../api/client";
import type { Activation, ActivationPlan, ActivationPlanRequest, ActivationRejectedList, ActivationRequest, ActivationSample, StartedRun } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link } from "../../router";
import { atLeast, useSession } from "../../session";
import { useAction } from "../connections/useAction";
import type { PageProps } from "../types";
import { destinationKind, prettyJson, type DestinationKind } from "./destination";
import { messages } from "./messages";
import "./activations.css";

const kinds = ["insert", "update", "delete"] as const;

/** What a run sends: the changes, the whole result, or (HTTP APIs) only the records rejected before. */
type Send = "changes" | "full" | "retry";

const requestBody = (send: Send): ActivationRequest => (send === "retry" ? { retry_rejected: true } : { full: send === "full" });

/** The order in which a dry run's requests are shown, by operation; any other operation follows. */
const operations = ["insert", "update", "delete", "send"] as const;
type Operation = (typeof operations)[number];
const isOperation = (o: string): o is Operation => (operations as readonly string[]).includes(o);

/** The destination's kind as the server names it, or as its display says (a server that does not name it). */
const kindOf = (a: Activation): DestinationKind | null => a.destination_type ?? destinationKind(a.destination, a.mode);

function KindLabel({ kind }: { kind: DestinationKind | null }) {
  const t = useT(messages);
  return <>{kind ? t(`dest_${kind}`) : "–"}</>;
}

function ActivationList() {
  const t = useT(messages);
  const list = useAsync((signal) => api.get<{ items: Activation[] }>("activations", { signal }), []);
  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby="activations-title">
      <div className="page-head">
        <h1 id="activations-title">{t("title")}</h1>
      </div>
      <p className="hint">{t("intro")}</p>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : list.data && (
        items.length === 0 ? <p>{t("none")}</p> : (
          <table className="list">
            <thead>
              <tr>
                <th scope="col">{t("name")}</th><th scope="col">{t("destinationKind")}</th><th scope="col">{t("destination")}</th><th scope="col">{t("mode")}</th>
                <th scope="col">{t("file")}</th><th scope="col">{t("problem")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.name}>
                  <td><Link to={`/activations/${encodeURIComponent(a.name)}`}>{a.name}</Link></td>
                  <td><KindLabel kind={kindOf(a)} /></td>
                  <td className="act-destination">{a.destination ?? "–"}</td>
                  <td>{a.mode ?? "–"}</td>
                  <td><code>{a.file}</code></td>
                  <td>{a.problem ? <span className="field-error">{a.problem}</span> : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </section>
  );
}

function Samples({ kind, rows }: { kind: (typeof kinds)[number]; rows: ActivationSample[] }) {
  const t = useT(messages);
  if (rows.length === 0) return null;
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const title = t("samplesOf", { kind: t(`kind_${kind}`) });
  return (
    <>
      <h3>{title}</h3>
      <table className="list" aria-label={title}>
        <thead><tr>{fields.map((f) => <th scope="col" key={f}>{f}</th>)}</tr></thead>
        <tbody>
          {rows.map((r, i) => <tr key={i}>{fields.map((f) => <td key={f}>{r[f] ?? "–"}</td>)}</tr>)}
        </tbody>
      </table>
    </>
  );
}

function RequestItem({ request, title }: { request: ActivationPlanRequest; title: string }) {
  const t = useT(messages);
  const f = useFormat();
  return (
    <li>
      <article aria-label={title} className="act-request">
        <p className="act-request-line">
          <code data-testid="request-line"><strong>{request.method}</strong> {request.url}</code>
          <span className="hint">{t("requestRecords", { count: f.number(request.records) })}</span>
        </p>
        {request.body == null
          ? <p className="hint">{t("noBody")}</p>
          : <pre className="code" tabIndex={0} aria-label={t("bodyOf", { request: title })}>{prettyJson(request.body)}</pre>}
      </article>
    </li>
  );
}

function Requests({ requests }: { requests: ActivationPlanRequest[] }) {
  const t = useT(messages);
  if (requests.length === 0) return null;
  const seen = [...new Set(requests.map((r) => r.operation))];
  const groups = [...operations.filter((o) => seen.includes(o)), ...seen.filter((o) => !isOperation(o))];
  const label = (operation: string) => (isOperation(operation) ? t(`op_${operation}`) : operation);
  return (
    <section aria-labelledby="act-requests-title">
      <h3 id="act-requests-title">{t("requestsTitle")}</h3>
      <p className="hint">{t("requestsHint")}</p>
      {groups.map((operation) => {
        const title = t("requestsOf", { kind: label(operation) });
        return (
          <section key={operation} aria-label={title}>
            <h4>{title}</h4>
            <ol className="act-requests">
              {requests.filter((r) => r.operation === operation).map((r, i) => (
                <RequestItem key={i} request={r} title={t("requestN", { kind: label(operation), n: i + 1 })} />
              ))}
            </ol>
          </section>
        );
      })}
    </section>
  );
}

function PlanView({ plan, send }: { plan: ActivationPlan; send: Send }) {
  const t = useT(messages);
  const f = useFormat();
  const changes = plan.inserts + plan.updates + plan.deletes;
  return (
    <div aria-label={t("previewTitle")} role="region">
      {send === "retry" && (
        <p data-testid="plan-rejected">{t("rejectedToRetry", { count: f.number(changes) })}</p>
      )}
      <dl className="summary">
        <dt>{t("resultRows")}</dt><dd>{f.number(plan.result_rows)}</dd>
        <dt>{t("inserts")}</dt><dd data-testid="plan-inserts">{f.number(plan.inserts)}</dd>
        <dt>{t("updates")}</dt><dd data-testid="plan-updates">{f.number(plan.updates)}</dd>
        <dt>{t("deletes")}</dt><dd data-testid="plan-deletes">{f.number(plan.deletes)}</dd>
        <dt>{t("unchanged")}</dt><dd data-testid="plan-unchanged">{f.number(plan.unchanged)}</dd>
      </dl>
      {plan.first_run && send !== "retry" && <p className="hint">{t("firstRun")}</p>}
      {!plan.first_run && plan.sends_all && <p className="hint">{t("sendsAll")}</p>}
      {!plan.sends_all && changes === 0 && <p className="hint">{send === "retry" ? t("noRejected") : t("noChanges")}</p>}
      {kinds.map((k) => <Samples key={k} kind={k} rows={plan.samples[k] ?? []} />)}
      <Requests requests={plan.requests ?? []} />
    </div>
  );
}

/** The records an HTTP API rejected and no later run delivered, newest first, with the API's answer. */
function Rejected({ name, tick }: { name: string; tick: number }) {
  const t = useT(messages);
  const format = useFormat();
  const rejected = useAsync((signal) => api.get<ActivationRejectedList>(`activations/${seg(name)}/rejected?limit=50`, { signal }), [name, tick]);
  return (
    <>
      <h2>{t("rejectedTitle")}</h2>
      <ErrorBanner error={rejected.error} onRetry={rejected.reload} />
      {rejected.loading && !rejected.data ? <Loading /> : rejected.data && (rejected.data.total === 0 ? <p className="hint">{t("rejectedNone")}</p> : (
        <>
          <p>{t("rejectedCount", { n: format.number(rejected.data.total) })}</p>
          <table className="list" aria-label={t("rejectedOf", { name })}>
            <thead>
              <tr>
                <th scope="col">{t("rejectedKey")}</th><th scope="col">{t("rejectedOperation")}</th><th scope="col">{t("rejectedStatus")}</th>
                <th scope="col">{t("rejectedError")}</th><th scope="col">{t("rejectedAnswer")}</th><th scope="col">{t("rejectedRun")}</th><th scope="col">{t("rejectedAt")}</th>
              </tr>
            </thead>
            <tbody>
              {rejected.data.items.map((r) => (
                <tr key={r.key + r.operation}>
                  <td><code title={r.record}>{r.key}</code></td>
                  <td>{r.operation}</td>
                  <td>{r.http_status ?? "–"}</td>
                  <td>{r.error}</td>
                  <td>{r.response ? <code className="act-answer" title={r.response}>{r.response.length > 120 ? r.response.slice(0, 120) + "…" : r.response}</code> : "–"}</td>
                  <td>{r.run_id != null ? <Link to={`/runs/${r.run_id}`}>#{r.run_id}</Link> : "–"}</td>
                  <td>{r.rejected_at ? format.dateTime(r.rejected_at) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ))}
    </>
  );
}

function ActivationDetail({ name }: { name: string }) {
  const t = useT(messages);
  const { session } = useSession();
  const canRun = atLeast(session?.level, "editor");
  const list = useAsync((signal) => api.get<{ items: Activation[] }>("activations", { signal }), []);
  const activation = list.data?.items.find((a) => a.name === name);
  const kind = activation ? kindOf(activation) : null;
  const [send, setSend] = useState<Send>("changes");
  // The plan and the choice it was computed with: a run sends what was previewed.
  const [plan, setPlan] = useState<{ plan: ActivationPlan; send: Send } | null>(null);
  const [started, setStarted] = useState<StartedRun | null>(null);
  const preview = useAction(async () => {
    setPlan(null);
    setStarted(null);
    const chosen = send;
    setPlan({ plan: await api.post<ActivationPlan>(`activations/${seg(name)}/plan`, requestBody(chosen)), send: chosen });
  });
  const start = useAction(async () => {
    if (!plan) return;
    setStarted(await api.post<StartedRun>(`activations/${seg(name)}/runs`, requestBody(plan.send)));
  });
  const choose = (next: Send) => { setSend(next); setPlan(null); };
  return (
    <section aria-labelledby="activation-title">
      <div className="page-head">
        <h1 id="activation-title">{name}</h1>
        <div className="actions"><Link to="/activations">{t("back")}</Link></div>
      </div>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : list.data && (!activation ? <p>{t("notFound", { name })}</p> : (
        <>
          <dl className="summary">
            <dt>{t("destinationKind")}</dt><dd data-testid="destination-kind"><KindLabel kind={kind} /></dd>
            <dt>{t("destination")}</dt><dd className="act-destination">{activation.destination ?? "–"}</dd>
            <dt>{t("mode")}</dt><dd>{activation.mode ?? "–"}</dd>
            {activation.description && <><dt>{t("description")}</dt><dd>{activation.description}</dd></>}
            <dt>{t("file")}</dt><dd><code>{activation.file}</code></dd>
          </dl>
          {activation.problem ? <p className="field-error">{t("cannotRun", { problem: activation.problem })}</p> : canRun && (
            <>
              <h2>{t("previewTitle")}</h2>
              <p className="hint">{t("previewHint")}</p>
              <fieldset className="act-send">
                <legend>{t("sendLegend")}</legend>
                <label>
                  <input type="radio" name="act-send" value="changes" checked={send === "changes"} onChange={() => choose("changes")} />{t("changes")}
                </label>
                <label>
                  <input type="radio" name="act-send" value="full" checked={send === "full"} onChange={() => choose("full")} />{t("full")}
                </label>
                {kind === "http" && (
                  <>
                    <label>
                      <input type="radio" name="act-send" value="retry" checked={send === "retry"} aria-describedby="act-retry-hint" onChange={() => choose("retry")} />{t("retryRejected")}
                    </label>
                    <p className="hint" id="act-retry-hint">{t("retryRejectedHint")}</p>
                  </>
                )}
              </fieldset>
              <div className="actions">
                <button type="button" disabled={preview.busy} onClick={() => void preview.run()}>{preview.busy ? t("previewing") : t("preview")}</button>
                <button type="button" className="primary" disabled={!plan || start.busy} title={plan ? undefined : t("runHint")} onClick={() => void start.run()}>
                  {start.busy ? t("starting") : t("runNow")}
                </button>
              </div>
              <ErrorBanner error={preview.error} />
              <ErrorBanner error={start.error} />
              {started && (
                <div className="banner banner-ok" role="status">
                  <span>{t("runStarted", { id: started.id })} <Link to={`/runs/${started.id}`}>{t("openRun", { id: started.id })}</Link></span>
                </div>
              )}
              {plan && <PlanView plan={plan.plan} send={plan.send} />}
              {kind === "http" && <Rejected name={name} tick={started?.id ?? 0} />}
            </>
          )}
        </>
      ))}
    </section>
  );
}

export default function Page({ sub }: PageProps) {
  if (sub.length === 0) return <ActivationList />;
  return <ActivationDetail key={sub[0]} name={sub[0]} />;
}
