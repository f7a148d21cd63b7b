// /activations (the list) and /activations/NAME: a dry run of what a run would send now
// (counts and sample records), then a run of exactly that.
import { useState } from "react";
import { api, seg } from "../../api/client";
import type { Activation, ActivationPlan, ActivationSample, StartedRun } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link } from "../../router";
import { atLeast, useSession } from "../../session";
import { useAction } from "../connections/useAction";
import type { PageProps } from "../types";
import { messages } from "./messages";

const kinds = ["insert", "update", "delete"] as const;

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
                <th scope="col">{t("name")}</th><th scope="col">{t("destination")}</th><th scope="col">{t("mode")}</th>
                <th scope="col">{t("file")}</th><th scope="col">{t("problem")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.name}>
                  <td><Link to={`/activations/${encodeURIComponent(a.name)}`}>{a.name}</Link></td>
                  <td>{a.destination ?? "–"}</td>
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

function PlanView({ plan }: { plan: ActivationPlan }) {
  const t = useT(messages);
  const f = useFormat();
  const changes = plan.inserts + plan.updates + plan.deletes;
  return (
    <div aria-label={t("previewTitle")} role="region">
      <dl className="summary">
        <dt>{t("resultRows")}</dt><dd>{f.number(plan.result_rows)}</dd>
        <dt>{t("inserts")}</dt><dd data-testid="plan-inserts">{f.number(plan.inserts)}</dd>
        <dt>{t("updates")}</dt><dd data-testid="plan-updates">{f.number(plan.updates)}</dd>
        <dt>{t("deletes")}</dt><dd data-testid="plan-deletes">{f.number(plan.deletes)}</dd>
        <dt>{t("unchanged")}</dt><dd data-testid="plan-unchanged">{f.number(plan.unchanged)}</dd>
      </dl>
      {plan.first_run && <p className="hint">{t("firstRun")}</p>}
      {!plan.first_run && plan.sends_all && <p className="hint">{t("sendsAll")}</p>}
      {!plan.sends_all && changes === 0 && <p className="hint">{t("noChanges")}</p>}
      {kinds.map((k) => <Samples key={k} kind={k} rows={plan.samples[k] ?? []} />)}
    </div>
  );
}

function ActivationDetail({ name }: { name: string }) {
  const t = useT(messages);
  const { session } = useSession();
  const canRun = atLeast(session?.level, "editor");
  const list = useAsync((signal) => api.get<{ items: Activation[] }>("activations", { signal }), []);
  const activation = list.data?.items.find((a) => a.name === name);
  const [full, setFull] = useState(false);
  const [plan, setPlan] = useState<ActivationPlan | null>(null);
  const [started, setStarted] = useState<StartedRun | null>(null);
  const preview = useAction(async () => {
    setPlan(null);
    setStarted(null);
    setPlan(await api.post<ActivationPlan>(`activations/${seg(name)}/plan`, { full }));
  });
  const start = useAction(async () => {
    setStarted(await api.post<StartedRun>(`activations/${seg(name)}/runs`, { full }));
  });
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
            <dt>{t("destination")}</dt><dd>{activation.destination ?? "–"}</dd>
            <dt>{t("mode")}</dt><dd>{activation.mode ?? "–"}</dd>
            {activation.description && <><dt>{t("description")}</dt><dd>{activation.description}</dd></>}
            <dt>{t("file")}</dt><dd><code>{activation.file}</code></dd>
          </dl>
          {activation.problem ? <p className="field-error">{t("cannotRun", { problem: activation.problem })}</p> : canRun && (
            <>
              <h2>{t("previewTitle")}</h2>
              <p className="hint">{t("previewHint")}</p>
              <label className="inline-check">
                <input type="checkbox" checked={full} onChange={(e) => { setFull(e.target.checked); setPlan(null); }} />{t("full")}
              </label>
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
              {plan && <PlanView plan={plan} />}
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
