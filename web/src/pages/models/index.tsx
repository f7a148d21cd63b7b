// Models: the project's model files by folder, the list of models, and one model's page — its SQL in an
// editor (saved at the version read), the compiled SQL, a preview of its rows, a build, and its lineage.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import type { EditorView } from "@codemirror/view";
import { api, ApiError, seg } from "../../api/client";
import type { Model, ModelDetail, QueryResult, StartedRun } from "../../api/types";
import { DataTable } from "../../components/DataTable";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { SelectField, TextField } from "../../components/Field";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link, useRouter } from "../../router";
import { atLeast, useSession } from "../../session";
import type { PageProps } from "../types";
import { SqlEditor, goToLine } from "../query/SqlEditor";
import { useWarehouseSchema } from "../query/schema";
import { folderProblem, nameProblem, normaliseFolder } from "../query/variables";
import { listFiles, writeFile } from "./files";
import { buildGraph, nodeId } from "./graph";
import { Lineage } from "./Lineage";
import { messages } from "./messages";
import { Problems } from "./Problems";
import { buildTree, modelFiles, modelFolders, modelRoots, type TreeFolder } from "./tree";
import { useProjectFile } from "./useProjectFile";
import "./models.css";

const modelHref = (name: string) => `/models/${encodeURIComponent(name)}`;
const fileHref = (path: string) => `/models?file=${encodeURIComponent(path)}`;
const PAGE = 200;

interface ModelsState { data: Model[] | undefined; error: unknown; loading: boolean; reload: () => void }

export default function Page({ sub }: PageProps) {
  const { search } = useRouter();
  const list = useAsync((signal) => api.get<{ items: Model[] }>("models", { signal }).then((r) => r.items), []);
  const models: ModelsState = { data: list.data, error: list.error, loading: list.loading, reload: list.reload };
  // The lineage graph is outside the model's page: moving to another model keeps it (and how it is set) while that model loads.
  if (sub.length > 0) return <><ModelPage key={sub[0]} name={sub[0]} models={models} /><ModelLineage name={sub[0]} models={models} /></>;
  const file = search.get("file");
  if (file) return <FileView key={file} path={file} models={models} />;
  return <ModelsHome models={models} />;
}

/** Leaving the page with unsaved edits asks first. */
function useLeaveWarning(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => { e.preventDefault(); };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);
}

// ---------------------------------------------------------------------------------------------- the list

function ModelsHome({ models }: { models: ModelsState }) {
  const t = useT(messages);
  const { session } = useSession();
  const canEdit = atLeast(session?.level, "editor");
  const [query, setQuery] = useState("");
  const [type, setType] = useState("");
  const [shown, setShown] = useState(PAGE);
  const files = useAsync((signal) => (canEdit ? listFiles(signal).then((fs) => fs.map((f) => f.path)) : Promise.resolve(null)), [canEdit]);
  const items = useMemo(() => models.data ?? [], [models.data]);
  const roots = useMemo(() => modelRoots(items.filter((m) => m.type === "model" || m.type === "seed").map((m) => m.path)), [items]);
  const folders = useMemo(() => modelFolders(items), [items]);
  const paths = useMemo(() => {
    if (files.data) return modelFiles(files.data, roots);
    return [...new Set(items.filter((m) => m.type === "model" || m.type === "seed").map((m) => m.path))];
  }, [files.data, items, roots]);
  const tree = useMemo(() => buildTree(paths, query), [paths, query]);
  const byPath = useMemo(() => {
    const map = new Map<string, string>();
    // Models and seeds have a file each, and so do singular tests (generic ones live in shared YAML files).
    for (const m of items) if (m.type === "model" || m.type === "seed" || (m.type === "test" && m.path.endsWith(".sql"))) map.set(m.path, m.name);
    return map;
  }, [items]);
  const types = useMemo(() => [...new Set(items.map((m) => m.type))].sort(), [items]);
  const needle = query.trim().toLowerCase();
  const matching = useMemo(() => items
    .filter((m) => (type ? m.type === type : m.type !== "test" && m.type !== "source"))
    .filter((m) => !needle || m.name.toLowerCase().includes(needle) || m.path.toLowerCase().includes(needle) || (m.relation ?? "").toLowerCase().includes(needle))
    .sort((a, b) => a.name.localeCompare(b.name)), [items, type, needle]);

  return (
    <section>
      <h1>{t("title")}</h1>
      <div className="toolbar">
        <TextField label={t("search")} value={query} onChange={(v) => { setQuery(v); setShown(PAGE); }} placeholder={t("searchPlaceholder")} />
        <SelectField label={t("type")} value={type} onChange={(v) => { setType(v); setShown(PAGE); }} options={[{ value: "", label: t("modelsAndSeeds") }, ...types.map((x) => ({ value: x, label: x }))]} />
      </div>
      {models.error ? <Problems error={models.error} title={t("compileProblem")} actions={<button type="button" className="link" onClick={models.reload}>{t("retry")}</button>} /> : null}
      <div className="models-layout">
        <nav className="panel model-tree" aria-labelledby="files-title">
          <h2 id="files-title">{t("files")}</h2>
          {files.error ? <ErrorBanner error={files.error} onRetry={files.reload} /> : null}
          {(files.loading && canEdit) || (models.loading && !files.data) ? <Loading /> : tree.count === 0 ? <p className="hint">{needle ? t("noMatch") : t("noFiles")}</p> : (
            <ul className="tree-root">
              {tree.folders.map((f) => <Folder key={f.path} folder={f} open={!!needle || tree.count <= 300} byPath={byPath} canEdit={canEdit} />)}
              {tree.files.map((f) => <FileItem key={f.path} name={f.name} path={f.path} byPath={byPath} canEdit={canEdit} />)}
            </ul>
          )}
        </nav>
        <div className="model-list">
          <h2 id="models-title">{t("modelList")}</h2>
          {models.loading && !models.data ? <Loading /> : matching.length === 0 ? <p className="hint">{items.length === 0 ? t("noModels") : t("noMatch")}</p> : (
            <>
              <table className="list" aria-labelledby="models-title">
                <thead><tr><th scope="col">{t("name")}</th><th scope="col">{t("type")}</th><th scope="col">{t("materialized")}</th><th scope="col">{t("relation")}</th><th scope="col">{t("file")}</th></tr></thead>
                <tbody>
                  {matching.slice(0, shown).map((m) => (
                    <tr key={`${m.type}:${m.name}:${m.path}`}>
                      <td>{m.type === "model" || m.type === "seed" || m.type === "test" ? <Link to={modelHref(m.name)}>{m.name}</Link> : m.name}</td>
                      <td>{m.type}</td>
                      <td>{m.materialized ?? "–"}</td>
                      <td><code>{m.relation ?? "–"}</code></td>
                      <td className="hint">{m.path}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="hint" role="status">{t("showing", { shown: Math.min(shown, matching.length), total: matching.length })}</p>
              {shown < matching.length && <button type="button" onClick={() => setShown(shown + PAGE)}>{t("showMore")}</button>}
            </>
          )}
        </div>
      </div>
      {canEdit ? <NewModel roots={folders} models={models} /> : <p className="hint">{t("viewerNote")}</p>}
    </section>
  );
}

function Folder({ folder, open, byPath, canEdit }: { folder: TreeFolder; open: boolean; byPath: Map<string, string>; canEdit: boolean }) {
  // A closed folder renders nothing inside: thousands of files cost nothing until they are shown.
  const [isOpen, setOpen] = useState(open);
  useEffect(() => setOpen(open), [open]);
  return (
    <li>
      <details open={isOpen} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>{folder.name}/ <small className="hint">{folder.count}</small></summary>
        {isOpen && (
          <ul>
            {folder.folders.map((f) => <Folder key={f.path} folder={f} open={open} byPath={byPath} canEdit={canEdit} />)}
            {folder.files.map((f) => <FileItem key={f.path} name={f.name} path={f.path} byPath={byPath} canEdit={canEdit} />)}
          </ul>
        )}
      </details>
    </li>
  );
}

function FileItem({ name, path, byPath, canEdit }: { name: string; path: string; byPath: Map<string, string>; canEdit: boolean }) {
  const model = byPath.get(path);
  return (
    <li className="tree-file">
      {model ? <Link to={modelHref(model)} title={path}>{name}</Link> : canEdit ? <Link to={fileHref(path)} title={path}>{name}</Link> : <span>{name}</span>}
    </li>
  );
}

function NewModel({ roots, models }: { roots: string[]; models: ModelsState }) {
  const t = useT(messages);
  const { navigate } = useRouter();
  const [name, setName] = useState("");
  const [folder, setFolder] = useState("models/");
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const nameError = nameProblem(name) ?? (models.data?.some((m) => (m.type === "model" || m.type === "seed") && m.name === name) ? "nameTaken" : null);
  const folderError = folderProblem(folder, roots);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (nameError || folderError) return;
    setBusy(true);
    setError(null);
    try {
      await writeFile(`${normaliseFolder(folder)}${name}.sql`, "select 1 as id\n", null);
      models.reload();
      navigate(modelHref(name));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-model-title" noValidate>
      <h2 id="new-model-title">{t("newModel")}</h2>
      <div className="grid2">
        <TextField label={t("modelName")} value={name} onChange={setName} required hint={t("nameHint")} error={tried && nameError ? new ApiError(400, "", t(nameError, { name }), "name") : null} field="name" />
        <TextField label={t("folder")} value={folder} onChange={setFolder} required hint={t("folderHint", { roots: roots.join(", ") })} error={tried && folderError ? new ApiError(400, "", t(folderError), "folder") : null} field="folder" />
      </div>
      <Problems error={error} title={t("notCreated")} />
      <button type="submit" className="primary" disabled={busy}>{t("createModel")}</button>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------- one model

function ModelPage({ name, models }: { name: string; models: ModelsState }) {
  const t = useT(messages);
  const format = useFormat();
  const { session } = useSession();
  const canEdit = atLeast(session?.level, "editor");
  const canQuery = atLeast(session?.level, "analyst");
  const detail = useAsync((signal) => api.get<ModelDetail>(`models/${seg(name)}`, { signal }), [name]);
  const failed = !!detail.error && !(detail.error instanceof ApiError && detail.error.status === 404);
  // When the project does not compile, an editor still finds the file by its name and can fix it.
  const files = useAsync((signal) => (canEdit && failed ? listFiles(signal) : Promise.resolve(null)), [canEdit, failed]);
  const roots = useMemo(() => modelRoots((models.data ?? []).map((m) => m.path)), [models.data]);
  const path = detail.data?.model.path.replace(/\\/g, "/")
    ?? files.data?.map((f) => f.path).find((p) => roots.includes(p.split("/")[0]) && (p.endsWith(`/${name}.sql`) || p.endsWith(`/${name}.csv`)));
  const onSaved = useCallback(() => { detail.reload(); models.reload(); }, [detail.reload, models.reload]); // eslint-disable-line react-hooks/exhaustive-deps
  const file = useProjectFile(canEdit ? path : undefined, onSaved);
  const schema = useWarehouseSchema();
  const refs = useMemo(() => (models.data ?? []).filter((m) => m.type === "model" || m.type === "seed").map((m) => m.name), [models.data]);
  const view = useRef<EditorView | null>(null);
  useLeaveWarning(file.dirty);

  const [limit, setLimit] = useState("100");
  const preview = useAction<QueryResult>();
  const build = useAction<StartedRun>();

  if (detail.loading && !detail.data) return <section><p><Link to="/models">{t("allModels")}</Link></p><h1>{name}</h1><Loading /></section>;
  if (detail.error instanceof ApiError && detail.error.status === 404 && !path) {
    return <section><p><Link to="/models">{t("allModels")}</Link></p><h1>{name}</h1><p role="alert">{t("notFound", { name })}</p></section>;
  }
  const model = detail.data?.model;
  const type = model?.type ?? "model";
  const editable = canEdit && !!path && !file.loading && !file.loadError;
  const text = canEdit && path ? file.content : detail.data?.raw_sql ?? "";
  const isSql = !path || path.endsWith(".sql");

  return (
    <section>
      <p><Link to="/models">{t("allModels")}</Link></p>
      <h1>{name} {file.dirty && <small className="dirty">{t("unsaved")}</small>}</h1>
      {model && (
        <dl className="model-meta">
          <div><dt>{t("type")}</dt><dd>{model.type}</dd></div>
          <div><dt>{t("materialized")}</dt><dd>{model.materialized ?? "–"}</dd></div>
          <div><dt>{t("relation")}</dt><dd><code>{model.relation ?? "–"}</code></dd></div>
          <div><dt>{t("file")}</dt><dd><code>{model.path}</code></dd></div>
          {model.description && <div><dt>{t("description")}</dt><dd>{model.description}</dd></div>}
        </dl>
      )}
      {failed && <Problems error={detail.error} title={t("compileProblem")} path={path} onGoTo={(line) => view.current && goToLine(view.current, line)} actions={<button type="button" className="link" onClick={detail.reload}>{t("retry")}</button>} />}

      <div className="model-grid">
        <div className="panel">
          <h2 id="sql-title">{t("sql")}</h2>
          {file.loadError ? <ErrorBanner error={file.loadError} onRetry={file.reload} /> : null}
          {canEdit && path && file.loading ? <Loading /> : (
            <SqlEditor
              label={t("editorLabel", { name })}
              value={text}
              onChange={editable ? file.setContent : undefined}
              readOnly={!editable}
              schema={schema}
              refs={refs}
              language={isSql ? "sql" : "text"}
              onRun={canQuery ? () => void preview.run(() => api.post<QueryResult>(`models/${seg(name)}/preview`, { limit: Number(limit) })) : undefined}
              viewRef={(v) => { view.current = v; }}
              height="360px"
            />
          )}
          {!canEdit && <p className="hint">{t("readOnly")}</p>}
          {canEdit && (
            <div className="toolbar actions">
              <button type="button" className="primary" disabled={!editable || !file.dirty || file.saving} onClick={() => void file.save()}>{file.saving ? t("saving") : t("save")}</button>
              {file.dirty && <button type="button" onClick={() => file.setContent(file.saved)}>{t("discard")}</button>}
              {file.justSaved && !file.dirty && <span className="saved" role="status">{t("saved")}</span>}
            </div>
          )}
          <Problems
            error={file.saveError}
            title={file.saveError instanceof ApiError && file.saveError.status === 412 ? t("changedElsewhere") : t("notSaved")}
            path={path}
            onGoTo={(line) => view.current && goToLine(view.current, line)}
            actions={file.saveError instanceof ApiError && (file.saveError.status === 412 || file.saveError.status === 428)
              ? <button type="button" onClick={() => { if (window.confirm(t("reloadConfirm"))) file.reload(); }}>{t("reloadFile")}</button> : null}
          />
        </div>
        <div className="panel">
          <h2 id="compiled-title">{t("compiled")}</h2>
          {detail.data?.compiled_sql ? <pre className="code" aria-labelledby="compiled-title" tabIndex={0}>{detail.data.compiled_sql}</pre> : <p className="hint">{failed ? t("notCompiled") : t("noCompiled")}</p>}
          {file.dirty && <p className="hint">{t("compiledOfSaved")}</p>}
        </div>
      </div>

      <div className="panel">
        <h2>{t("runIt")}</h2>
        <div className="toolbar">
          {canQuery && <SelectField label={t("rows")} value={limit} onChange={setLimit} options={["10", "100", "1000", "10000"].map((v) => ({ value: v, label: format.number(Number(v)) }))} />}
          {canQuery && <button type="button" onClick={() => void preview.run(() => api.post<QueryResult>(`models/${seg(name)}/preview`, { limit: Number(limit) }))} disabled={preview.busy || failed}>{preview.busy ? t("previewing") : t("preview")}</button>}
          {canEdit && <button type="button" onClick={() => void build.run(() => api.post<StartedRun>("models/build", { select: name }))} disabled={build.busy}>{t("build")}</button>}
        </div>
        {file.dirty && <p className="hint">{t("savedVersionHint")}</p>}
        {!canQuery && <p className="hint">{t("previewNeedsAnalyst")}</p>}
        {build.value && (
          <div className="banner banner-ok" role="status">
            <span>{t("buildStarted")} <Link to={`/runs/${build.value.id}`}>{t("openRun", { id: build.value.id })}</Link></span>
          </div>
        )}
        <ErrorBanner error={build.error} />
        <ErrorBanner error={preview.error} />
        {preview.value && (
          <>
            <p role="status">{t("rowCount", { n: format.number(preview.value.row_count) })}{preview.value.truncated ? ` ${t("truncated", { n: format.number(preview.value.rows.length) })}` : ""}</p>
            <DataTable columns={preview.value.columns} rows={preview.value.rows} label={t("previewOf", { name })} />
          </>
        )}
      </div>

      {type === "test" && <p className="hint">{t("testNoLineage")}</p>}
    </section>
  );
}

/** The lineage graph focused on model `name`, as the model list knows it (tests have none). */
function ModelLineage({ name, models }: { name: string; models: ModelsState }) {
  const graph = useMemo(() => buildGraph(models.data ?? []), [models.data]);
  const focus = (models.data ?? []).filter((m) => m.name === name).map((m) => nodeId(m.type, m.name)).find((id) => graph.nodes.has(id));
  if (focus) return <Lineage graph={graph} focus={focus} name={name} />;
  return models.loading ? <Loading /> : null;
}

/** A request started by a button: busy while it runs, then its value or its error. */
function useAction<V>() {
  const [state, setState] = useState<{ busy: boolean; value: V | null; error: unknown }>({ busy: false, value: null, error: null });
  const run = useCallback(async (action: () => Promise<V>) => {
    setState((s) => ({ ...s, busy: true, error: null }));
    try {
      const value = await action();
      setState({ busy: false, value, error: null });
    } catch (e) {
      setState({ busy: false, value: null, error: e });
    }
  }, []);
  return { ...state, run };
}

// ---------------------------------------------------------------------------------------------- other files

function FileView({ path, models }: { path: string; models: ModelsState }) {
  const t = useT(messages);
  const { session } = useSession();
  const canEdit = atLeast(session?.level, "editor");
  const file = useProjectFile(canEdit ? path : undefined, models.reload);
  const view = useRef<EditorView | null>(null);
  useLeaveWarning(file.dirty);
  if (!canEdit) return <section><p><Link to="/models">{t("allModels")}</Link></p><p role="alert">{t("filesNeedEditor")}</p></section>;
  return (
    <section>
      <p><Link to="/models">{t("allModels")}</Link></p>
      <h1><code>{path}</code> {file.dirty && <small className="dirty">{t("unsaved")}</small>}</h1>
      <ErrorBanner error={file.loadError} onRetry={file.reload} />
      {file.loading ? <Loading /> : !file.loadError && (
        <div className="panel">
          <SqlEditor label={t("fileLabel", { path })} value={file.content} onChange={file.setContent} language={path.endsWith(".sql") ? "sql" : "text"} viewRef={(v) => { view.current = v; }} height="480px" />
          <div className="toolbar actions">
            <button type="button" className="primary" disabled={!file.dirty || file.saving} onClick={() => void file.save()}>{file.saving ? t("saving") : t("save")}</button>
            {file.dirty && <button type="button" onClick={() => file.setContent(file.saved)}>{t("discard")}</button>}
            {file.justSaved && !file.dirty && <span className="saved" role="status">{t("saved")}</span>}
          </div>
          <Problems error={file.saveError} title={t("notSaved")} path={path} onGoTo={(line) => view.current && goToLine(view.current, line)}
            actions={file.saveError instanceof ApiError && file.saveError.status === 412 ? <button type="button" onClick={() => { if (window.confirm(t("reloadConfirm"))) file.reload(); }}>{t("reloadFile")}</button> : null} />
        </div>
      )}
    </section>
  );
}
