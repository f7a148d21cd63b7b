// Query: SQL with {{ variables }} filled in from a form, previewed on the warehouse, downloaded, charted —
// and saved as a model that a scheduled pipeline builds into a warehouse table, without writing YAML.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { api, ApiError } from "../../api/client";
import type { ApplyResult, Model, ProjectFile, QueryResult, StartedRun } from "../../api/types";
import { Chart } from "../../components/Chart";
import { DataTable } from "../../components/DataTable";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field, SelectField, TextField } from "../../components/Field";
import { YamlPreview } from "../../components/YamlPreview";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link, useRouter } from "../../router";
import { atLeast, useSession } from "../../session";
import type { PageProps } from "../types";
import { Problems } from "../models/Problems";
import { modelFolders } from "../models/tree";
import { chartData, isNumericColumn } from "./chart";
import { fileNameOf, saveBlob } from "./download";
import { messages } from "./messages";
import { useWarehouseSchema } from "./schema";
import { SqlEditor } from "./SqlEditor";
import {
  cronOf, cronProblem, extractVariables, folderProblem, modelPath, modelSql, nameProblem, paramType,
  pipelinePath, pipelineYaml, sqlLiteral, substitute, valueProblem, type ScheduleInput, type ScheduleKind,
} from "./variables";

const SQL_KEY = "nagare.query.sql";

export default function Page(_props: PageProps) {
  const t = useT(messages);
  const format = useFormat();
  const { session } = useSession();
  const canEdit = atLeast(session?.level, "editor");
  const schema = useWarehouseSchema();
  const [sql, setSqlState] = useState(() => sessionStorage.getItem(SQL_KEY) ?? "");
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<"" | "preview" | "csv" | "parquet">("");
  const names = useMemo(() => extractVariables(sql), [sql]);
  const setSql = (value: string) => {
    setSqlState(value);
    sessionStorage.setItem(SQL_KEY, value);
  };
  const text = () => substitute(sql, values);

  const preview = async () => {
    if (!sql.trim()) { setError(new Error(t("sqlEmpty"))); return; }
    setBusy("preview");
    setError(null);
    try {
      setResult(await api.post<QueryResult>("query", { sql: text(), limit: 1000 }));
    } catch (e) {
      setError(e);
      setResult(null);
    } finally {
      setBusy("");
    }
  };

  const download = async (kind: "csv" | "parquet") => {
    if (!sql.trim()) { setError(new Error(t("sqlEmpty"))); return; }
    setBusy(kind);
    setError(null);
    try {
      const response = await api.raw("POST", "query", { sql: text(), format: kind, limit: 1_000_000 }, { headers: { Accept: kind === "csv" ? "text/csv" : "application/vnd.apache.parquet" } });
      saveBlob(await response.blob(), fileNameOf(response.headers.get("Content-Disposition"), `query-result.${kind}`));
    } catch (e) {
      setError(e);
    } finally {
      setBusy("");
    }
  };

  return (
    <section className="query-layout">
      <h1>{t("title")}</h1>
      <div className="panel">
        <SelectField label={t("connection")} value="warehouse" onChange={() => {}} options={[{ value: "warehouse", label: t("warehouse") }]} hint={t("connectionHint")} disabled />
        <Field label={t("sql")} hint={t("sqlHint")}>
          {(a) => (
            <SqlEditor
              id={a.id}
              label={t("sql")}
              value={sql}
              onChange={setSql}
              schema={schema}
              onRun={() => void preview()}
              placeholder={t("sqlPlaceholder")}
            />
          )}
        </Field>
        {names.length > 0 && (
          <fieldset className="variables">
            <legend>{t("variables")}</legend>
            <p className="hint">{t("variablesHint")}</p>
            <div className="grid">
              {names.map((name) => (
                <TextField
                  key={name}
                  label={name}
                  value={values[name] ?? ""}
                  onChange={(v) => setValues((old) => ({ ...old, [name]: v }))}
                  hint={t("insertedAs", { value: sqlLiteral(values[name] ?? "") })}
                />
              ))}
            </div>
          </fieldset>
        )}
        <div className="toolbar">
          <button type="button" className="primary" onClick={() => void preview()} disabled={busy !== ""} aria-keyshortcuts="Control+Enter">{busy === "preview" ? t("running") : t("preview")}</button>
          <button type="button" onClick={() => void download("csv")} disabled={busy !== ""}>{busy === "csv" ? t("downloading") : t("downloadCsv")}</button>
          <button type="button" onClick={() => void download("parquet")} disabled={busy !== ""}>{busy === "parquet" ? t("downloading") : t("downloadParquet")}</button>
          <span className="hint">{t("runHint")}</span>
        </div>
        <ErrorBanner error={error} />
      </div>

      {result && (
        <div className="panel">
          <h2>{t("result")}</h2>
          <p role="status">{t("rowCount", { n: format.number(result.row_count) })}{result.truncated ? ` ${t("truncated", { n: format.number(result.rows.length) })}` : ""}</p>
          <DataTable columns={result.columns} rows={result.rows} label={t("resultTable")} />
          <ChartPanel result={result} />
        </div>
      )}

      <SaveForm sql={sql} values={values} canEdit={canEdit} />
    </section>
  );
}

// ---------------------------------------------------------------------------------------------- chart

function ChartPanel({ result }: { result: QueryResult }) {
  const t = useT(messages);
  const numeric = useMemo(() => result.columns.filter((c, i) => isNumericColumn(c, result.rows, i)).map((c) => c.name), [result]);
  const [kind, setKind] = useState<"line" | "bar">("bar");
  const [x, setX] = useState(() => result.columns.find((c) => !numeric.includes(c.name))?.name ?? result.columns[0]?.name ?? "");
  const [ys, setYs] = useState<string[]>(() => numeric.filter((n) => n !== x).slice(0, 1));
  // A new result with other columns starts again from its own defaults.
  useEffect(() => {
    const nextX = result.columns.some((c) => c.name === x) ? x : result.columns.find((c) => !numeric.includes(c.name))?.name ?? result.columns[0]?.name ?? "";
    setX(nextX);
    setYs((old) => {
      const kept = old.filter((y) => numeric.includes(y));
      return kept.length > 0 ? kept : numeric.filter((n) => n !== nextX).slice(0, 1);
    });
  }, [result]); // eslint-disable-line react-hooks/exhaustive-deps
  const data = useMemo(() => chartData(result.columns, result.rows, x, ys), [result, x, ys]);
  if (result.columns.length === 0) return null;
  return (
    <section aria-labelledby="chart-title">
      <h2 id="chart-title">{t("chart")}</h2>
      <div className="toolbar">
        <SelectField label={t("chartKind")} value={kind} onChange={(v) => setKind(v as "line" | "bar")} options={[{ value: "bar", label: t("bar") }, { value: "line", label: t("line") }]} />
        <SelectField label={t("xAxis")} value={x} onChange={setX} options={result.columns.map((c) => ({ value: c.name, label: c.name }))} />
      </div>
      {numeric.length === 0 ? <p className="hint">{t("noNumeric")}</p> : (
        <fieldset className="checks">
          <legend>{t("yAxis")}</legend>
          {numeric.map((n) => (
            <label key={n}>
              <input type="checkbox" checked={ys.includes(n)} onChange={(e) => setYs(e.target.checked ? [...ys, n] : ys.filter((y) => y !== n))} />
              {n}
            </label>
          ))}
        </fieldset>
      )}
      {ys.length > 0 && x && <Chart kind={kind} labels={data.labels} series={data.series} title={t("chartTitle", { y: ys.join(", "), x })} />}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------- save

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.("timeZone") ?? [];
  return [...new Set(["UTC", ...zones])];
}

function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

function SaveForm({ sql, values, canEdit }: { sql: string; values: Record<string, string>; canEdit: boolean }) {
  const t = useT(messages);
  const { navigate } = useRouter();
  const [name, setName] = useState("");
  const [folder, setFolder] = useState("models/");
  const [schedule, setSchedule] = useState<ScheduleInput>({ kind: "daily", time: "06:00", weekday: 1, cron: "0 6 * * *" });
  const [timeZone, setTimeZone] = useState(browserZone);
  const [replace, setReplace] = useState(false);
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saved, setSaved] = useState<{ name: string; result: ApplyResult } | null>(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<unknown>(null);
  const zones = useMemo(timeZones, []);
  const files = useAsync((signal) => (canEdit ? api.get<{ items: ProjectFile[] }>("project/files", { signal }).then((r) => r.items) : Promise.resolve([] as ProjectFile[])), [canEdit]);
  const models = useAsync((signal) => api.get<{ items: Model[] }>("models", { signal }).then((r) => r.items).catch(() => [] as Model[]), []);
  const roots = useMemo(() => modelFolders(models.data ?? []), [models.data]);

  const input = { name, folder, sql, values, schedule, timeZone };
  const paths = { model: modelPath(input), pipeline: pipelinePath(name) };
  const names = extractVariables(sql);
  const existing = (files.data ?? []).filter((f) => f.path === paths.model || f.path === paths.pipeline);
  const elsewhere = (models.data ?? []).find((m) => (m.type === "model" || m.type === "seed") && m.name === name && m.path !== paths.model);
  const nameError = nameProblem(name) ?? (elsewhere ? "nameElsewhere" : null);
  const folderError = folderProblem(folder, roots);
  const cron = cronOf(schedule);
  const cronError = schedule.kind === "custom" ? (schedule.cron.trim() === "" ? "cronRequired" : cronProblem(schedule.cron)) : null;
  const timeError = (schedule.kind === "daily" || schedule.kind === "weekly") && !/^([01]\d|2[0-3]):[0-5]\d$/.test(schedule.time) ? "timeInvalid" : null;
  const badValue = names.find((n) => valueProblem(values[n] ?? ""));
  const sqlError = sql.trim() === "" ? "sqlEmpty" : null;
  const ready = !nameError && !folderError && !cronError && !timeError && !badValue && !sqlError && (existing.length === 0 || replace);
  const fieldError = (key: string | null, field: string) => (tried && key ? new ApiError(400, "", t(key as keyof typeof messages.en, { name, path: elsewhere?.path ?? "" }), field) : null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!ready || !canEdit) return;
    setSaving(true);
    setSaveError(null);
    try {
      const body = {
        files: { [paths.model]: modelSql(sql, values), [paths.pipeline]: pipelineYaml(input) },
        base: Object.fromEntries(existing.map((f) => [f.path, f.sha256])),
      };
      const result = await api.post<ApplyResult>("project/apply", body);
      setSaved({ name, result });
      // The files are now this form's own: saving again (after a change) replaces them.
      setReplace(true);
      setTried(false);
      files.reload();
      models.reload();
    } catch (err) {
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  const runNow = async (pipeline: string) => {
    setRunning(true);
    setRunError(null);
    try {
      const run = await api.post<StartedRun>(`pipelines/${encodeURIComponent(pipeline)}/runs`, {});
      navigate(`/runs/${run.id}`);
    } catch (err) {
      setRunError(err);
      setRunning(false);
    }
  };

  const scheduleOptions: { value: ScheduleKind; label: string }[] = [
    { value: "hourly", label: t("hourly") },
    { value: "daily", label: t("daily") },
    { value: "weekly", label: t("weekly") },
    { value: "custom", label: t("custom") },
    { value: "none", label: t("manual") },
  ];

  return (
    <form className="panel" onSubmit={submit} noValidate aria-labelledby="save-title">
      <h2 id="save-title">{t("saveTitle")}</h2>
      <p className="hint">{t("saveIntro")}</p>
      {!canEdit && <p className="banner banner-warn" role="note">{t("saveNeedsEditor")}</p>}
      <fieldset disabled={!canEdit} className="save-fields">
        <legend className="visually-hidden">{t("saveTitle")}</legend>
        <div className="grid2">
          <TextField label={t("modelName")} value={name} onChange={(v) => { setName(v); setSaved(null); }} required field="name" error={fieldError(nameError, "name")} hint={t("nameHint")} />
          <TextField label={t("folder")} value={folder} onChange={setFolder} required field="folder" error={fieldError(folderError, "folder")} hint={t("folderHint", { path: paths.model })} />
          <SelectField label={t("schedule")} value={schedule.kind} onChange={(v) => setSchedule({ ...schedule, kind: v as ScheduleKind })} options={scheduleOptions} hint={cron ? t("cronIs", { cron }) : t("noSchedule")} />
          {(schedule.kind === "daily" || schedule.kind === "weekly") && (
            <TextField label={t("time")} type="time" value={schedule.time} onChange={(v) => setSchedule({ ...schedule, time: v })} field="time" error={fieldError(timeError, "time")} />
          )}
          {schedule.kind === "weekly" && (
            <SelectField label={t("weekday")} value={String(schedule.weekday)} onChange={(v) => setSchedule({ ...schedule, weekday: Number(v) })} options={WEEKDAYS.map((d, i) => ({ value: String(i), label: t(d) }))} />
          )}
          {schedule.kind === "custom" && (
            <TextField label={t("cron")} value={schedule.cron} onChange={(v) => setSchedule({ ...schedule, cron: v })} field="cron" error={fieldError(cronError, "cron")} hint={t("cronHint")} />
          )}
          {schedule.kind !== "none" && (
            <SelectField label={t("timeZone")} value={timeZone} onChange={setTimeZone} options={(zones.includes(timeZone) ? zones : [timeZone, ...zones]).map((z) => ({ value: z, label: z }))} />
          )}
        </div>
        {names.length > 0 && (
          <p className="hint">{t("paramsNote", { list: names.map((n) => `${n} (${paramType(values[n] ?? "")})`).join(", ") })}</p>
        )}
        {tried && badValue && <p className="field-error" role="alert">{t("valueTemplate", { name: badValue })}</p>}
        {tried && sqlError && <p className="field-error" role="alert">{t("sqlEmpty")}</p>}
        {existing.length > 0 && (
          <div className="banner banner-warn">
            <label><input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} /> {t("replaceExisting", { files: existing.map((f) => f.path).join(", ") })}</label>
          </div>
        )}
        {tried && existing.length > 0 && !replace && <p className="field-error" role="alert">{t("replaceRequired")}</p>}

        <div className="written">
          <figure>
            <figcaption>{t("modelFile", { path: paths.model })}</figcaption>
            <pre className="code" data-testid="model-sql" tabIndex={0}>{modelSql(sql, values)}</pre>
          </figure>
          <YamlPreview yaml={pipelineYaml(input)} path={paths.pipeline} />
        </div>

        <Problems error={saveError} title={saveError instanceof ApiError && saveError.status === 409 ? t("conflict") : t("notSaved")} />
        <button type="submit" className="primary" disabled={saving || !canEdit || (canEdit && files.loading)}>{saving ? t("saving") : t("save")}</button>
      </fieldset>

      {saved && (
        <div className="banner banner-ok" role="status">
          <div>
            <p>{t("savedFiles", { created: saved.result.created.join(", ") || "–", changed: saved.result.changed.join(", ") || "–" })}</p>
            <p className="toolbar">
              <Link to={`/pipelines/${encodeURIComponent(saved.name)}`}>{t("openPipeline", { name: saved.name })}</Link>
              <Link to={`/models/${encodeURIComponent(saved.name)}`}>{t("openModel", { name: saved.name })}</Link>
              <button type="button" className="primary" onClick={() => void runNow(saved.name)} disabled={running}>{running ? t("starting") : t("runNow")}</button>
            </p>
          </div>
        </div>
      )}
      <ErrorBanner error={runError} />
    </form>
  );
}
