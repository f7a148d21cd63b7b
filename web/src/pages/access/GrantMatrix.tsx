// The grant matrix: roles × datasets (and the patterns the roles' grants already name), one
// select per cell. Changes stay local until "Save changes", which writes each changed role
// once with its ETag and reports per role whether that worked.
import { useMemo, useState, type FormEvent } from "react";
import { api, ApiError, seg } from "../../api/client";
import { Loading } from "../../components/ErrorBanner";
import { TextField } from "../../components/Field";
import { useAsync } from "../../components/useAsync";
import { useT } from "../../i18n";
import { Link } from "../../router";
import { byPattern, grantFor, isWildcard, privileges, resolve, validPattern, withGrant } from "./grants";
import { access } from "./messages";
import { bodyOf, type DatasetView, type Grant, type ListOf, type Privilege, type RoleRecord } from "./types";
import { ProblemBanner, sendVersioned, useAction } from "./ui";

/** A cell's value: the role's own grant for the column, or "" when it has none. */
type Cell = Privilege | "";
type Edits = Record<string, Record<string, { pattern: string; value: Cell }>>;
interface Result { role: string; ok: boolean; error?: unknown }

const own = (role: RoleRecord, pattern: string): Cell => grantFor(role.grants, pattern)?.privilege ?? "";

/** The role's grants with its pending cell changes applied. */
function pending(role: RoleRecord, edits: Edits): Grant[] {
  let grants = role.grants;
  for (const { pattern, value } of Object.values(edits[role.name] ?? {})) grants = withGrant(grants, pattern, value === "" ? null : value);
  return grants;
}

export function GrantMatrix() {
  const t = useT(access);
  const roles = useAsync((signal) => api.get<ListOf<RoleRecord>>("roles", { signal }), []);
  const datasets = useAsync((signal) => api.get<ListOf<DatasetView>>("datasets", { signal }), []);
  const [edits, setEdits] = useState<Edits>({});
  const [extra, setExtra] = useState<string[]>([]);
  const [filter, setFilter] = useState("");
  const [results, setResults] = useState<Result[]>([]);
  const [pattern, setPattern] = useState("");
  const [patternError, setPatternError] = useState<ApiError | null>(null);
  const { busy, run } = useAction();

  const datasetNames = useMemo(() => new Set((datasets.data?.items ?? []).map((d) => d.name.toLowerCase())), [datasets.data]);
  const columns = useMemo(() => {
    const seen = new Map<string, string>();
    const add = (name: string) => { if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name); };
    (datasets.data?.items ?? []).forEach((d) => add(d.name));
    (roles.data?.items ?? []).forEach((r) => r.grants.forEach((g) => add(g.pattern)));
    extra.forEach(add);
    return [...seen.values()].sort(byPattern);
  }, [datasets.data, roles.data, extra]);

  if (roles.loading && !roles.data) return <Loading />;
  if (!roles.data) return <ProblemBanner error={roles.error} onRetry={roles.reload} />;
  const list = roles.data.items;

  const shown = filter.trim() ? columns.filter((c) => c.toLowerCase().includes(filter.trim().toLowerCase())) : columns;
  const changedRoles = list.filter((r) => Object.keys(edits[r.name] ?? {}).length > 0);
  const changedCells = changedRoles.reduce((n, r) => n + Object.keys(edits[r.name]).length, 0);
  const privilegeLabel = (p: Privilege) => t(`priv_${p}`);

  const setCell = (role: RoleRecord, column: string, value: Cell) => {
    setResults([]);
    setEdits((current) => {
      const forRole = { ...(current[role.name] ?? {}) };
      if (value === own(role, column)) delete forRole[column.toLowerCase()];
      else forRole[column.toLowerCase()] = { pattern: column, value };
      const next = { ...current, [role.name]: forRole };
      if (Object.keys(forRole).length === 0) delete next[role.name];
      return next;
    });
  };

  const addPattern = (e: FormEvent) => {
    e.preventDefault();
    const p = pattern.trim();
    const problem = !validPattern(p) ? t("badPattern") : columns.some((c) => c.toLowerCase() === p.toLowerCase()) ? t("duplicatePattern", { p }) : null;
    if (problem) {
      setPatternError(new ApiError(400, "Bad request", problem, "pattern"));
      return;
    }
    setPatternError(null);
    setExtra((x) => [...x, p]);
    setPattern("");
    setFilter("");
  };

  const save = () => void run(async () => {
    const done: Result[] = [];
    let items = list;
    for (const role of changedRoles) {
      try {
        const fresh = await api.getVersioned<RoleRecord>(`roles/${seg(role.name)}`);
        if (fresh.value.version !== role.version) throw new ApiError(412, "Precondition Failed", null, null);
        const body = { ...bodyOf(fresh.value), grants: pending(role, edits) };
        const saved = await sendVersioned<RoleRecord>("PUT", `roles/${seg(role.name)}`, body, fresh.etag ?? `"${fresh.value.version}"`);
        items = items.map((r) => (r.name === role.name ? saved.value : r));
        roles.setData({ items });
        setEdits((current) => { const next = { ...current }; delete next[role.name]; return next; });
        done.push({ role: role.name, ok: true });
      } catch (error) {
        done.push({ role: role.name, ok: false, error });
      }
    }
    setResults(done);
  });

  const reason = (error: unknown): string =>
    error instanceof ApiError
      ? error.status === 412 ? t("staleRole") : error.status === 403 ? t("forbidden") : error.status === 0 ? t("networkError") : (error.detail ?? error.title)
      : String(error);

  const discard = () => { setEdits({}); setResults([]); };
  const reloadAll = () => { discard(); roles.reload(); datasets.reload(); };

  return (
    <section aria-labelledby="acc-grants-title">
      <h2 id="acc-grants-title">{t("grantsTitle")}</h2>
      <p className="hint" id="acc-grants-hint">{t("matrixHint")}</p>
      {list.some((r) => r.level === "admin") && <p className="hint">{t("adminRows", { roles: list.filter((r) => r.level === "admin").map((r) => r.name).join(", ") })}</p>}
      {datasets.error ? <div className="banner banner-warn" role="alert">{t("datasetsFailed")}</div> : null}
      <div className="acc-matrix-tools">
        <form className="acc-inline" onSubmit={addPattern}>
          <TextField label={t("addPattern")} value={pattern} onChange={(v) => { setPattern(v); setPatternError(null); }} field="pattern" error={patternError} hint={t("addPatternHint")} autoComplete="off" />
          <button type="submit">{t("addColumn")}</button>
        </form>
        <TextField label={t("filterColumns")} value={filter} onChange={setFilter} type="search" autoComplete="off" />
      </div>
      {datasets.loading && !datasets.data && <Loading />}
      <div className="acc-matrix">
        <table className="acc-grid" aria-labelledby="acc-grants-title" aria-describedby="acc-grants-hint">
          <thead>
            <tr>
              <th scope="col" className="acc-sticky">{t("role")}</th>
              {shown.map((c) => (
                <th scope="col" key={c}>
                  <span className="acc-col">{c}</span>
                  {isWildcard(c) ? <small className="acc-badge">{t("patternBadge")}</small> : !datasetNames.has(c.toLowerCase()) && datasets.data ? <small className="hint">{t("noDataset")}</small> : null}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.map((role) => {
              const grants = pending(role, edits);
              return (
                <tr key={role.name}>
                  <th scope="row" className="acc-sticky">
                    <Link to={`/access/roles/${seg(role.name)}`}>{role.name}</Link>
                    {role.name !== role.level && <small className="hint"> {t(`level_${role.level}`)}</small>}
                  </th>
                  {role.level === "admin" ? shown.map((c) => (
                    <td key={c} className="acc-admin-cell" title={t("adminRow")}>{privilegeLabel("admin")}</td>
                  )) : shown.map((c) => {
                    const edit = edits[role.name]?.[c.toLowerCase()];
                    const value = edit ? edit.value : own(role, c);
                    const inherited = isWildcard(c) ? t("unset") : t("inherited", { p: privilegeLabel(resolve(grants.filter((g) => g.pattern.toLowerCase() !== c.toLowerCase()), c)) });
                    return (
                      <td key={c} className={edit ? "acc-changed" : undefined}>
                        <select aria-label={t("cellLabel", { role: role.name, dataset: c })} value={value} disabled={busy} onChange={(e) => setCell(role, c, e.target.value as Cell)}>
                          <option value="">{inherited}</option>
                          {privileges.map((p) => <option key={p} value={p}>{privilegeLabel(p)}</option>)}
                        </select>
                        {edit && <span className="visually-hidden"> {t("changedMark")}</span>}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && <p className="hint">{columns.length === 0 ? t("noColumns") : t("noColumnsMatch")}</p>}
      <div className="acc-actions">
        <button type="button" className="primary" disabled={busy || changedCells === 0} onClick={save}>{busy ? t("saving") : t("saveChanges")}</button>
        <button type="button" disabled={busy || changedCells === 0} onClick={discard}>{t("discard")}</button>
        <button type="button" className="link" disabled={busy} onClick={reloadAll}>{t("reload")}</button>
        <span role="status" className="hint">{changedCells === 0 ? t("noChanges") : t("changed", { cells: changedCells, roles: changedRoles.length })}</span>
      </div>
      {results.length > 0 && (
        <ul className="acc-results" aria-label={t("saveResults")}>
          {results.map((r) => (
            <li key={r.role} className={r.ok ? "banner banner-ok" : "banner banner-error"} role={r.ok ? undefined : "alert"}>
              {r.ok ? t("savedRole", { role: r.role }) : t("failedRole", { role: r.role, reason: reason(r.error) })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
