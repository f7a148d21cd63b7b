// The connection form, generated from the connector's option schema (GET /connectors): one labelled
// field per option, secrets as write-only password fields. Without a schema (an older server) the
// settings are plain key/value rows.
import { useMemo, useState } from "react";
import { api, ApiError, seg } from "../../api/client";
import type { Connection, Connector, ConnectorOption } from "../../api/types";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field, SelectField, TextField } from "../../components/Field";
import { YamlPreview } from "../../components/YamlPreview";
import { useAsync } from "../../components/useAsync";
import { useT } from "../../i18n";
import { bodyFromForm, connectionYaml, emptyForm, formFromConnection, humanize, keptSecrets, NAME, newRow, ownMaxConcurrency, redactedUnchanged, type ConnForm, type ExtraRow } from "./connectionForm";
import { messages } from "./messages";
import { useAction } from "./useAction";

/** The connector types and their options; null when the server has no /connectors (then settings are key/value rows). */
export function useConnectors() {
  return useAsync<Connector[] | null>(async (signal) => {
    try {
      return (await api.get<{ items: Connector[] }>("connectors", { signal })).items;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) return null;
      throw e;
    }
  }, []);
}

const invalid = (field: string, message: string) => new ApiError(400, "Invalid", message, `$.${field}`);

export interface Saved { connection: Connection; etag: string | null; created: boolean }

export function ConnectionEditor({ existing, etag, connectors, onSaved, onReload }: {
  existing: Connection | null;
  etag: string | null;
  connectors: Connector[] | null;
  onSaved: (saved: Saved) => void;
  onReload?: () => void;
}) {
  const t = useT(messages);
  const creating = existing === null;
  const [form, setForm] = useState<ConnForm>(() => {
    if (!existing) return emptyForm(connectors?.length === 1 ? connectors[0].type : "");
    const schema = connectors?.find((c) => c.type === existing.type)?.options ?? null;
    return formFromConnection(existing, schema);
  });
  const [local, setLocal] = useState<ApiError[]>([]);
  const [saved, setSaved] = useState(false);
  const connector = connectors?.find((c) => c.type === form.type) ?? null;
  const options: ConnectorOption[] | null = connector ? connector.options : null;
  const schemaMode = options !== null;
  const body = useMemo(() => bodyFromForm(form, options), [form, options]);
  const yaml = useMemo(() => connectionYaml(form.name, body, keptSecrets(form, body)), [form, body]);

  const update = (change: Partial<ConnForm>) => {
    setForm((f) => ({ ...f, ...change }));
    setSaved(false);
  };
  const setValue = (key: string, value: string) => update({ values: { ...form.values, [key]: value } });
  const setSecret = (key: string, value: string) => update({ secrets: { ...form.secrets, [key]: value } });
  const setRow = (id: number, change: Partial<ExtraRow>) => update({ extras: form.extras.map((r) => (r.id === id ? { ...r, ...change } : r)) });

  const save = useAction(async () => {
    const problems: ApiError[] = [];
    if (creating && !NAME.test(form.name)) problems.push(invalid("name", t("nameInvalid")));
    if (!form.type.trim()) problems.push(invalid("type", t("typeRequired")));
    for (const key of redactedUnchanged(form)) problems.push(invalid(`settings.${key}`, t("redacted")));
    setLocal(problems);
    if (problems.length > 0) return;
    const name = creating ? form.name : existing.name;
    const response = await api.raw("PUT", `connections/${seg(name)}`, body, creating ? { ifNoneMatch: "*" } : { ifMatch: etag });
    const connection = (await response.json()) as Connection;
    setSaved(true);
    setForm((f) => ({ ...f, secrets: {}, secretSet: { ...f.secretSet, ...Object.fromEntries(Object.keys(body.secrets).map((k) => [k, true])) }, extras: f.extras.map((r) => (r.secret && r.value ? { ...r, value: "", stored: true } : r)) }));
    onSaved({ connection, etag: response.headers.get("ETag"), created: creating });
  });

  const errorFor = (field: string): unknown => local.find((e) => e.concerns(field)) ?? save.error;
  const shown = ["name", "type", "settings.max_concurrency", ...(options ?? []).map((o) => (o.secret ? `secrets.${o.name}` : `settings.${o.name}`)),
    ...form.extras.filter((r) => r.key).map((r) => (r.secret ? `secrets.${r.key}` : `settings.${r.key}`))];
  const status = save.error instanceof ApiError ? save.error.status : null;
  const conflict = status === 412 || status === 428;

  const optionField = (o: ConnectorOption) => {
    const label = humanize(o.name);
    const hint = (
      <>
        <code>{o.name}</code>
        {o.required ? ` · ${t("required")}` : ""}
        {o.description ? ` · ${o.description}` : ""}
        {o.default != null && o.default !== "" && o.kind !== "choice" && o.kind !== "boolean" ? ` · ${t("defaultIs", { value: String(o.default) })}` : ""}
        {o.kind === "list" ? ` · ${t("listHint")}` : ""}
      </>
    );
    if (o.secret) {
      const set = form.secretSet[o.name] ?? false;
      return (
        <TextField key={o.name} label={label} type="password" autoComplete="new-password" value={form.secrets[o.name] ?? ""} onChange={(v) => setSecret(o.name, v)}
          field={`secrets.${o.name}`} error={errorFor(`secrets.${o.name}`)} placeholder={set ? t("secretSet") : undefined}
          hint={<>{set ? <strong>{t("secretSet")}</strong> : t("secretNotSet")}{" · "}{t("secretHint")}{" · "}{hint}</>} />
      );
    }
    if (form.shapes[o.name] === "map" || o.kind === "map") {
      return (
        <Field key={o.name} label={label} field={`settings.${o.name}`} error={errorFor(`settings.${o.name}`)} hint={<>{hint} · {t("mapHint")}</>}>
          {(a) => <textarea {...a} rows={4} className="code-input" value={form.values[o.name] ?? ""} onChange={(e) => setValue(o.name, e.target.value)} />}
        </Field>
      );
    }
    if (o.kind === "choice" || o.kind === "boolean") {
      const choices = o.kind === "boolean" ? ["true", "false"] : (o.choices ?? []);
      const empty = o.default != null && o.default !== "" ? t("defaultChoice", { value: String(o.default) }) : t("unset");
      const current = form.values[o.name] ?? "";
      const list = current && !choices.includes(current) ? [...choices, current] : choices;
      return (
        <SelectField key={o.name} label={label} value={current} onChange={(v) => setValue(o.name, v)} field={`settings.${o.name}`} error={errorFor(`settings.${o.name}`)} hint={hint}
          options={[{ value: "", label: empty }, ...list.map((c) => ({ value: c, label: c }))]} />
      );
    }
    return (
      <TextField key={o.name} label={label} value={form.values[o.name] ?? ""} onChange={(v) => setValue(o.name, v)} field={`settings.${o.name}`} error={errorFor(`settings.${o.name}`)}
        hint={hint} placeholder={o.default != null ? String(o.default) : undefined} />
    );
  };

  return (
    <form onSubmit={(e) => { e.preventDefault(); void save.run(); }} noValidate aria-label={t("settings")}>
      {creating && (
        <TextField label={t("connectionName")} value={form.name} onChange={(v) => update({ name: v })} field="name" error={errorFor("name")} hint={t("nameHint")} autoComplete="off" />
      )}
      {connectors !== null ? (
        <SelectField label={t("type")} value={form.type} onChange={(v) => update({ type: v })} field="type" error={errorFor("type")} hint={connector?.description ?? t("typeHint")}
          options={[...(form.type === "" ? [{ value: "", label: t("chooseType") }] : []), ...connectors.map((c) => ({ value: c.type, label: c.type })),
            ...(form.type && !connectors.some((c) => c.type === form.type) ? [{ value: form.type, label: form.type }] : [])]} />
      ) : (
        <TextField label={t("type")} value={form.type} onChange={(v) => update({ type: v })} field="type" error={errorFor("type")} hint="postgres, sqlite, duckdb, files" />
      )}
      {!schemaMode && <p className="hint">{t("noSchema")}</p>}
      {schemaMode && <div className="option-grid">{options.map(optionField)}</div>}
      {ownMaxConcurrency(options) && <TextField label={t("maxConcurrency")} value={form.maxConcurrency} onChange={(v) => update({ maxConcurrency: v })} field="settings.max_concurrency" error={errorFor("settings.max_concurrency")} hint={t("maxConcurrencyHint")} />}
      {(!schemaMode || form.extras.length > 0) && (
        <fieldset className="panel">
          <legend>{schemaMode ? t("otherSettings") : t("settings")}</legend>
          {form.extras.map((row) => (
            <div className="kv-row" key={row.id}>
              <TextField label={t("settingKey")} value={row.key} onChange={(v) => setRow(row.id, { key: v })} field={row.secret ? `secrets.${row.key}` : `settings.${row.key}`} error={row.key ? errorFor(row.secret ? `secrets.${row.key}` : `settings.${row.key}`) : null} />
              {row.shape === "map" ? (
                <Field label={t("settingValue")} hint={t("mapHint")}>
                  {(a) => <textarea {...a} rows={3} className="code-input" value={row.value} onChange={(e) => setRow(row.id, { value: e.target.value })} />}
                </Field>
              ) : (
                <TextField label={t("settingValue")} type={row.secret ? "password" : "text"} value={row.value} onChange={(v) => setRow(row.id, { value: v })}
                  placeholder={row.secret && row.stored ? t("secretSet") : undefined} hint={row.secret && row.stored ? t("secretSet") : row.shape === "list" ? t("listHint") : undefined} autoComplete={row.secret ? "new-password" : "off"} />
              )}
              <label className="inline-check"><input type="checkbox" checked={row.secret} disabled={row.stored} onChange={(e) => setRow(row.id, { secret: e.target.checked })} />{t("secret")}</label>
              <button type="button" className="danger" aria-label={t("removeSetting", { key: row.key })} onClick={() => update({ extras: form.extras.filter((r) => r.id !== row.id) })}>{t("remove")}</button>
            </div>
          ))}
          <button type="button" onClick={() => update({ extras: [...form.extras, newRow()] })}>{t("addSetting")}</button>
        </fieldset>
      )}
      {conflict ? (
        <div className="banner banner-error" role="alert">
          <span>{creating ? t("exists") : t("changedElsewhere")}</span>
          {!creating && onReload && <button type="button" className="link" onClick={onReload}>{t("reload")}</button>}
        </div>
      ) : (
        <ErrorBanner error={save.error} fields={shown} />
      )}
      <YamlPreview yaml={yaml} path={t("yamlPath", { name: form.name || (existing?.name ?? "NAME") })} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy}>{save.busy ? t("saving") : t("save")}</button>
        {saved && <span role="status" className="muted">{t("saved")}</span>}
      </div>
    </form>
  );
}
