// Starting a run of a pipeline (POST /pipelines/{name}/runs), and a backfill of a range of logical dates.
import { useState, type FormEvent } from "react";
import { api, ApiError, seg } from "../../api/client";
import type { Pipeline, StartedRun } from "../../api/types";
import { ErrorBanner } from "../../components/ErrorBanner";
import { TextField } from "../../components/Field";
import { useT } from "../../i18n";
import { Link, useRouter } from "../../router";
import { StateBadge } from "../runs/Badges";
import { pipelineMessages } from "./messages";
import { ParamFields } from "./ParamFields";
import { initialValues, missingParams, paramsToSend } from "./params";

/** The answer of POST /pipelines/{name}/backfill: its runs, oldest first (`state` from newer servers). */
interface BackfillAnswer { runs: { id: number; logical_date: string; existing: boolean; state?: string }[] }

/** A problem to show beside a parameter the form found empty. */
const requiredError = (name: string, detail: string) => new ApiError(400, "Bad request", detail, `$.params.${name}`);

export function RunForm({ pipeline }: { pipeline: Pipeline }) {
  const t = useT(pipelineMessages);
  const { navigate } = useRouter();
  const [values, setValues] = useState(() => initialValues(pipeline.params));
  const [date, setDate] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const missing = missingParams(pipeline.params, values);
    if (missing.length > 0) {
      setError(requiredError(missing[0], t("required")));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body: { params: Record<string, string>; date?: string } = { params: paramsToSend(pipeline.params, values) };
      if (date) body.date = date;
      const run = await api.post<StartedRun>(`pipelines/${seg(pipeline.name)}/runs`, body);
      navigate(`/runs/${run.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const fields = [...pipeline.params.map((p) => `params.${p.name}`), "date"];
  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="run-form-title" noValidate>
      <h2 id="run-form-title" className="panel-title">{t("runTitle")}</h2>
      <div className="form-grid">
        <ParamFields params={pipeline.params} values={values} onChange={(n, v) => setValues((old) => ({ ...old, [n]: v }))} error={error} disabled={busy} />
        <TextField label={t("logicalDate")} type="date" value={date} onChange={setDate} field="date" error={error} hint={t("logicalDateHint")} disabled={busy} />
      </div>
      <ErrorBanner error={error} fields={fields} />
      <button type="submit" className="primary" disabled={busy}>{busy ? t("starting") : t("run")}</button>
    </form>
  );
}

export function BackfillForm({ pipeline }: { pipeline: Pipeline }) {
  const t = useT(pipelineMessages);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [values, setValues] = useState(() => initialValues(pipeline.params));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<BackfillAnswer["runs"] | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    if (!from || !to) {
      setError(new ApiError(400, "Bad request", t("required"), from ? "$.to" : "$.from"));
      return;
    }
    if (to < from) {
      setError(new ApiError(400, "Bad request", t("toBeforeFrom"), "$.to"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const params = paramsToSend(pipeline.params, values);
      const body: { from: string; to: string; params?: Record<string, string> } = { from, to };
      if (Object.keys(params).length > 0) body.params = params;
      const answer = await api.post<BackfillAnswer>(`pipelines/${seg(pipeline.name)}/backfill`, body);
      setCreated(answer.runs ?? []);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fields = [...pipeline.params.map((p) => `params.${p.name}`), "from", "to"];
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t("backfill")} noValidate>
      <p className="hint">{t("backfillHint")}</p>
      <div className="form-grid">
        <TextField label={t("from")} type="date" value={from} onChange={setFrom} field="from" error={error} required disabled={busy} />
        <TextField label={t("to")} type="date" value={to} onChange={setTo} field="to" error={error} required disabled={busy} />
        <ParamFields params={pipeline.params} values={values} onChange={(n, v) => setValues((old) => ({ ...old, [n]: v }))} error={error} disabled={busy} />
      </div>
      <ErrorBanner error={error} fields={fields} />
      <button type="submit" className="primary" disabled={busy}>{busy ? t("starting") : t("startBackfill")}</button>
      {created && (
        <div className="banner banner-ok" role="status">
          <div>
            <p>{t("backfillCreated", { n: created.filter((r) => !r.existing).length, m: created.filter((r) => r.existing).length })}</p>
            {created.length > 0 && (
              <ul>
                {created.map((r) => (
                  <li key={r.id}><Link to={`/runs/${r.id}`}>{`#${r.id}`}</Link> {r.logical_date}{r.existing ? ` ${t("existingRun")}` : ""} {r.state && <StateBadge state={r.state} />}</li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </form>
  );
}
