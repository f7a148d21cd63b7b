// Creating or changing a sync: the source, the streams (ticked from discovery or chosen by a
// pattern), per stream its mode, cursor and key with what discovery suggests, the column mapping,
// and the YAML it writes to syncs/NAME.yml — checked by the server before anything is written.
import { useEffect, useMemo, useState } from "react";
import { api, ApiError, seg } from "../../api/client";
import type { Connection, Page, Stream, Sync } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { Field, SelectField, TextField } from "../../components/Field";
import { YamlPreview } from "../../components/YamlPreview";
import { toYaml } from "../../components/yaml";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link, useRouter } from "../../router";
import { atLeast, useSession } from "../../session";
import { globEscape } from "../connections/glob";
import { StreamBrowser } from "../connections/StreamBrowser";
import { useAction } from "../connections/useAction";
import { ColumnMapping, ColumnRulesEditor } from "./ColumnRules";
import { messages } from "./messages";
import {
  effectiveMode, emptySync, fileComments, literalStream, MODES, ruleForPattern, ruleForStream, syncDocument, syncFromDocument, validateSync, WAREHOUSE,
  type Problem, type StreamRuleForm, type SyncForm,
} from "./syncModel";
import { readYamlWithComments } from "./yamlRead";

type T = ReturnType<typeof useT<keyof typeof messages.en>>;

const SYNC_KEYS = new Set(["name", "source", "destination", "target_schema", "mode", "snapshot", "columns", "streams"]);
const STREAM_KEYS = new Set(["select", "mode", "cursor", "primary_key", "columns"]);

const filePath = (path: string) => `project/files/${path.split("/").map(seg).join("/")}`;
const problemError = (t: T, problems: Problem[], field: string): ApiError | null => {
  const p = problems.find((x) => x.field === field);
  return p ? new ApiError(400, "Invalid", t(`p_${p.key}`), `$.${field}`) : null;
};

/** The sync file as it is on the server: its path, text and ETag. */
interface Loaded { path: string; text: string; etag: string | null }

/** Looks up what discovery says of the one table a selection names (a selection read from the file). */
function useStreamLookup(source: string, rule: StreamRuleForm, onFound: (stream: Stream | null) => void) {
  const name = literalStream(rule);
  const wanted = rule.stream === undefined && name !== null && source !== "";
  useEffect(() => {
    if (!wanted || name === null) return;
    const controller = new AbortController();
    api.get<Page<Stream>>(`connections/${seg(source)}/streams?select=${encodeURIComponent(globEscape(name))}&limit=5`, { signal: controller.signal }).then(
      (page) => onFound(page.items.find((s) => s.stream === name) ?? null),
      () => { if (!controller.signal.aborted) onFound(null); },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted, name, source]);
  return wanted;
}

function Selection({ form, rule, index, problems, onChange, onStream, onRemove }: {
  form: SyncForm; rule: StreamRuleForm; index: number; problems: Problem[]; onChange: (rule: StreamRuleForm) => void; onStream: (stream: Stream | null) => void; onRemove: () => void;
}) {
  const t = useT(messages);
  const f = useFormat();
  const looking = useStreamLookup(form.source, rule, onStream);
  const literal = literalStream(rule);
  const stream = rule.stream ?? null;
  const at = `streams[${index}]`;
  const mode = effectiveMode(form, rule);
  const title = literal ?? rule.select.join(", ");
  const kept = Object.keys(rule.raw).filter((k) => !STREAM_KEYS.has(k));
  const candidates = stream?.cursor_candidates ?? [];
  const showCursor = mode === "incremental" || mode === "merge" || rule.cursor !== "";
  const showKey = mode === "merge" || rule.primaryKey !== "";
  const cursorHint = (
    <>
      {mode === "incremental" ? t("cursorHintIncremental") : mode === "merge" ? t("cursorHintMerge") : t("cursorHintOther")}
      {candidates.length > 0 && <> {t("cursorSuggestions", { list: candidates.join(", ") })}</>}
    </>
  );
  const cursorOptions = stream ? [
    { value: "", label: t("cursorNone") },
    ...candidates.map((c) => ({ value: c, label: t("cursorSuggested", { column: c }) })),
    ...stream.columns.filter((c) => !candidates.includes(c.name)).map((c) => ({ value: c.name, label: `${c.name} (${c.type})` })),
    ...(rule.cursor && !stream.columns.some((c) => c.name === rule.cursor) ? [{ value: rule.cursor, label: rule.cursor }] : []),
  ] : [];
  const columnsRuleCount = rule.columns.length;
  return (
    <fieldset className="selection">
      <legend>{title || t("select")}</legend>
      {literal === null && (
        <TextField label={t("select")} value={rule.select.join(",")} onChange={(v) => onChange({ ...rule, select: v.split(","), stream: undefined })}
          hint={t("selectHint")} field={`${at}.select`} error={problemError(t, problems, `${at}.select`)} />
      )}
      {stream && <p className="hint">{stream.estimated_rows != null ? t("discoveredAs", { n: stream.columns.length, rows: f.number(stream.estimated_rows) }) : t("discoveredColumns", { n: stream.columns.length })}</p>}
      {looking && <p className="hint" role="status">{t("loadingTable")}</p>}
      {literal !== null && rule.stream === null && <p className="hint">{t("tableNotFound", { name: literal })}</p>}
      <div className="selection-grid">
        <SelectField label={t("mode")} value={rule.mode} onChange={(v) => onChange({ ...rule, mode: v as StreamRuleForm["mode"] })} field={`${at}.mode`} error={problemError(t, problems, `${at}.mode`)}
          options={[{ value: "", label: t("modeDefault", { mode: form.mode || "full_refresh" }) }, ...MODES.map((m) => ({ value: m, label: t(`mode_${m}`) }))]} />
        {showCursor && (stream ? (
          <SelectField label={t("cursorLabel")} value={rule.cursor} onChange={(v) => onChange({ ...rule, cursor: v })} options={cursorOptions}
            field={`${at}.cursor`} error={problemError(t, problems, `${at}.cursor`)} hint={cursorHint} />
        ) : (
          <TextField label={t("cursorLabel")} value={rule.cursor} onChange={(v) => onChange({ ...rule, cursor: v })} placeholder="updated_at"
            field={`${at}.cursor`} error={problemError(t, problems, `${at}.cursor`)} hint={cursorHint} />
        ))}
        {showKey && (
          <TextField label={t("primaryKey")} value={rule.primaryKey} onChange={(v) => onChange({ ...rule, primaryKey: v })} placeholder={stream?.primary_key.join(", ") || "id"}
            field={`${at}.primary_key`} error={problemError(t, problems, `${at}.primary_key`)}
            hint={t("primaryKeyHint", { key: stream ? (stream.primary_key.join(", ") || t("noSourceKey")) : "…" })} />
        )}
      </div>
      <details open={columnsRuleCount > 0 || undefined}>
        <summary>{t("columnMapping", { n: columnsRuleCount })}</summary>
        {stream ? (
          <ColumnMapping connection={form.source} stream={stream} rules={rule.columns} syncRules={form.columns} onChange={(columns) => onChange({ ...rule, columns })} at={`${at}.columns`} problems={problems} />
        ) : (
          <ColumnRulesEditor rules={rule.columns} onChange={(columns) => onChange({ ...rule, columns })} at={`${at}.columns`} problems={problems} />
        )}
      </details>
      {kept.length > 0 && <p className="hint">{t("keptKeys", { keys: kept.join(", ") })}</p>}
      <div className="actions">
        <button type="button" className="danger" aria-label={t("removeOf", { select: title })} onClick={onRemove}>{t("remove")}</button>
      </div>
    </fieldset>
  );
}

/** A problem of the save: the project check's message keeps its lines (file:line:column: key: …). */
function SaveError({ error, creating, onReload }: { error: unknown; creating: boolean; onReload?: () => void }) {
  const t = useT(messages);
  if (!(error instanceof ApiError)) return <ErrorBanner error={error} />;
  if (error.status === 412 || error.status === 428) {
    return (
      <div className="banner banner-error" role="alert">
        <span>{creating ? t("exists") : t("changedElsewhere")}</span>
        {!creating && onReload && <button type="button" className="link" onClick={onReload}>{t("reload")}</button>}
      </div>
    );
  }
  if (error.status === 400) {
    return (
      <div className="banner banner-error" role="alert">
        <div><strong>{t("loadProblem")}</strong><pre className="problem-text">{error.detail ?? error.title}</pre></div>
      </div>
    );
  }
  return <ErrorBanner error={error} />;
}

function Editor({ loaded, connections, onReload }: { loaded: Loaded | null; connections: Connection[]; onReload: () => void }) {
  const t = useT(messages);
  const { navigate } = useRouter();
  const creating = loaded === null;
  const stem = loaded ? loaded.path.replace(/^.*\//, "").replace(/\.ya?ml$/, "") : "";
  const initial = useMemo((): { form: SyncForm; header: string; dropped: number[] } | { raw: string; reason: string } => {
    if (!loaded) return { form: emptySync(), header: "", dropped: [] };
    try {
      const read = readYamlWithComments(loaded.text);
      return { form: syncFromDocument(read.value, stem), ...fileComments(loaded.text, read.comments) };
    } catch (e) {
      return { raw: loaded.text, reason: e instanceof Error ? e.message : String(e) };
    }
  }, [loaded, stem]);
  const [form, setForm] = useState<SyncForm>("form" in initial ? initial.form : emptySync());
  const [rawText, setRawText] = useState("raw" in initial ? initial.raw : "");
  const rawMode = "raw" in initial;
  const [attempted, setAttempted] = useState(false);
  const [pattern, setPattern] = useState("");

  // The comments at the top of the file stay at its top; the form cannot place the others.
  const header = "header" in initial ? initial.header : "";
  const dropped = "dropped" in initial ? initial.dropped : [];
  const yaml = useMemo(() => (rawMode ? rawText : header + toYaml(syncDocument(form))), [rawMode, rawText, header, form]);
  const problems = useMemo(() => (rawMode || !attempted ? [] : validateSync(form, creating)), [rawMode, attempted, form, creating]);
  const path = loaded ? loaded.path : `syncs/${form.name || "NAME"}.yml`;
  const picked = useMemo(() => new Set(form.streams.map(literalStream).filter((s): s is string => s !== null)), [form.streams]);
  const kept = Object.keys(form.raw).filter((k) => !SYNC_KEYS.has(k));

  const update = (change: Partial<SyncForm>) => setForm((f) => ({ ...f, ...change }));
  const setRule = (key: number, rule: StreamRuleForm) => setForm((f) => ({ ...f, streams: f.streams.map((r) => (r.key === key ? rule : r)) }));
  const toggle = (stream: Stream, on: boolean) => setForm((f) => ({
    ...f,
    streams: on ? (f.streams.some((r) => literalStream(r) === stream.stream) ? f.streams : [...f.streams, ruleForStream(stream)]) : f.streams.filter((r) => literalStream(r) !== stream.stream),
  }));
  const addPattern = () => {
    if (!pattern.trim()) return;
    setForm((f) => ({ ...f, streams: [...f.streams, ruleForPattern(pattern)] }));
    setPattern("");
  };
  const changeSource = (source: string) => setForm((f) => ({ ...f, source, streams: f.streams.map((r) => ({ ...r, stream: undefined })) }));

  const save = useAction(async () => {
    setAttempted(true);
    if (!rawMode && validateSync(form, creating).length > 0) return;
    const target = creating ? `syncs/${form.name}.yml` : loaded.path;
    await api.put(filePath(target), { content: yaml }, creating ? { ifNoneMatch: "*" } : { ifMatch: loaded.etag });
    navigate(`/syncs/${encodeURIComponent(rawMode ? stem : form.name)}`);
  });

  const sources = connections.map((c) => ({ value: c.name, label: c.problem ? `${c.name} (${c.type}) ⚠` : `${c.name} (${c.type})` }));
  const destinations = connections.map((c) => ({ value: c.name, label: c.name }));
  if (!connections.some((c) => c.name === WAREHOUSE)) destinations.unshift({ value: WAREHOUSE, label: WAREHOUSE });
  if (form.source && !connections.some((c) => c.name === form.source)) sources.push({ value: form.source, label: form.source });
  if (form.destination && !destinations.some((d) => d.value === form.destination)) destinations.push({ value: form.destination, label: form.destination });

  if (rawMode) {
    return (
      <form onSubmit={(e) => { e.preventDefault(); void save.run(); }} noValidate>
        <div className="banner banner-warn" role="note"><span>{t("rawMode", { reason: initial.reason })}</span></div>
        <Field label={t("rawLabel", { path })}>
          {(a) => <textarea {...a} className="code-input" rows={24} value={rawText} onChange={(e) => setRawText(e.target.value)} spellCheck={false} />}
        </Field>
        <SaveError error={save.error} creating={false} onReload={onReload} />
        <div className="actions"><button type="submit" className="primary" disabled={save.busy}>{save.busy ? t("saving") : t("save")}</button></div>
      </form>
    );
  }

  const streamsProblem = problemError(t, problems, "streams");
  return (
    <form onSubmit={(e) => { e.preventDefault(); void save.run(); }} noValidate aria-label={creating ? t("newTitle") : t("editTitle", { name: form.name })}>
      <div className="panel">
        {creating && <TextField label={t("syncName")} value={form.name} onChange={(v) => update({ name: v })} hint={t("nameHint")} field="name" error={problemError(t, problems, "name")} autoComplete="off" />}
        <div className="grid2">
          <SelectField label={t("sourceConnection")} value={form.source} onChange={changeSource} hint={t("sourceHint")} field="source" error={problemError(t, problems, "source")}
            options={[...(form.source ? [] : [{ value: "", label: t("chooseSource") }]), ...sources]} />
          <SelectField label={t("destinationConnection")} value={form.destination} onChange={(v) => update({ destination: v })} hint={t("destinationHint")} options={destinations} />
        </div>
        <div className="grid2">
          <TextField label={t("targetSchema")} value={form.targetSchema} onChange={(v) => update({ targetSchema: v })} hint={t("targetSchemaHint")} placeholder="lake" />
          <SelectField label={t("defaultMode")} value={form.mode} onChange={(v) => update({ mode: v as SyncForm["mode"] })} hint={t("defaultModeHint")}
            options={[{ value: "", label: t("modeDefault", { mode: "full_refresh" }) }, ...MODES.map((m) => ({ value: m, label: t(`mode_${m}`) }))]} />
        </div>
        <div className="grid2">
          <SelectField label={t("snapshot")} value={form.snapshot} onChange={(v) => update({ snapshot: v as SyncForm["snapshot"] })} hint={t("snapshotHint")}
            options={[{ value: "", label: t("snapshotTable") }, { value: "run", label: t("snapshotRun") }]} />
        </div>
        {kept.length > 0 && <p className="hint">{t("keptKeys", { keys: kept.join(", ") })}</p>}
        {dropped.length > 0 && <p className="hint">{t("commentsLost", { lines: dropped.join(", ") })}</p>}
      </div>

      <h2>{t("streamsTitle")}</h2>
      <p className="hint">{t("streamsHint")}</p>
      <div>
        <div className="panel">
          <h3>{t("chooseTables")}</h3>
          {form.source ? <StreamBrowser key={form.source} connection={form.source} picked={picked} onToggle={toggle} /> : <p className="hint">{t("chooseSourceFirst")}</p>}
          <div className="add-pattern">
            <div className="add-pattern-input" onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); addPattern(); } }}>
              <TextField label={t("pattern")} value={pattern} onChange={setPattern} hint={t("patternHint")} placeholder="public.*" />
            </div>
            <button type="button" onClick={addPattern} disabled={!pattern.trim()}>{t("addPattern")}</button>
          </div>
        </div>
        <div>
          <h3>{t("selections", { n: form.streams.length })}</h3>
          {streamsProblem && <div className="field-error" role="alert">{streamsProblem.detail}</div>}
          {form.streams.length === 0 && <p className="hint">{t("noSelections")}</p>}
          {form.streams.map((rule, i) => (
            <Selection key={rule.key} form={form} rule={rule} index={i} problems={problems}
              onChange={(r) => setRule(rule.key, r)} onStream={(stream) => setForm((f) => ({ ...f, streams: f.streams.map((r) => (r.key === rule.key ? { ...r, stream } : r)) }))} onRemove={() => setForm((f) => ({ ...f, streams: f.streams.filter((r) => r.key !== rule.key) }))} />
          ))}
        </div>
      </div>

      <details className="panel" open={form.columns.length > 0 || undefined}>
        <summary>{t("syncColumnRules")} ({form.columns.length})</summary>
        <ColumnRulesEditor rules={form.columns} onChange={(columns) => update({ columns })} at="columns" problems={problems} />
      </details>

      <YamlPreview yaml={yaml} path={path} />
      <div className="save-bar">
        {problems.length > 0 && <div className="banner banner-error" role="alert"><span>{t("fixFirst")}</span></div>}
        <SaveError error={save.error} creating={creating} onReload={onReload} />
        <div className="actions">
          <button type="submit" className="primary" disabled={save.busy}>{save.busy ? t("saving") : t("save")}</button>
          <Link to={creating ? "/syncs" : `/syncs/${encodeURIComponent(form.name)}`}>{t("cancel")}</Link>
        </div>
      </div>
    </form>
  );
}

/** /syncs/new and /syncs/NAME/edit. */
export function SyncEditor({ name }: { name: string | null }) {
  const t = useT(messages);
  const { session } = useSession();
  const connections = useAsync((signal) => api.get<{ items: Connection[] }>("connections", { signal }), []);
  const [version, setVersion] = useState(0);
  const existing = useAsync(async (signal): Promise<Loaded | null> => {
    if (name === null) return null;
    const syncs = await api.get<{ items: Sync[] }>("syncs", { signal });
    const sync = syncs.items.find((s) => s.name === name);
    // A sync whose file has a problem is not listed; its file is still syncs/NAME.yml.
    const path = (sync?.file ?? `syncs/${name}.yml`).replace(/\\/g, "/");
    const response = await api.raw("GET", filePath(path), undefined, { signal, headers: { Accept: "text/plain" } });
    return { path, text: await response.text(), etag: response.headers.get("ETag") };
  }, [name, version]);
  const title = name === null ? t("newTitle") : t("editTitle", { name });
  if (!atLeast(session?.level, "editor")) {
    return <section><h1>{title}</h1><p>{t("readOnly")}</p></section>;
  }
  const notFound = existing.error instanceof ApiError && existing.error.status === 404;
  return (
    <section aria-labelledby="sync-editor-title">
      <div className="page-head">
        <h1 id="sync-editor-title">{title}</h1>
        <Link to={name === null ? "/syncs" : `/syncs/${encodeURIComponent(name)}`}>{name === null ? t("back") : name}</Link>
      </div>
      <ErrorBanner error={connections.error} onRetry={connections.reload} />
      {notFound ? <p>{t("notFound", { name: name ?? "" })}</p> : <ErrorBanner error={existing.error} onRetry={existing.reload} />}
      {(existing.loading || connections.loading) && !(existing.data !== undefined && connections.data) ? <Loading /> : existing.data !== undefined && connections.data && (
        <Editor key={`${version}:${existing.data?.etag ?? ""}`} loaded={existing.data} connections={connections.data.items} onReload={() => setVersion((v) => v + 1)} />
      )}
    </section>
  );
}
