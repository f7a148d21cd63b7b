// Roles: the list with a form for a custom one, and one role's page for its level, description,
// column masks and row filters (PUT with the role's ETag). Grants are edited in the grant matrix.
import { useState, type FormEvent } from "react";
import { api, seg } from "../../api/client";
import { Loading } from "../../components/ErrorBanner";
import { SelectField, TextField } from "../../components/Field";
import { useAsync } from "../../components/useAsync";
import { useT } from "../../i18n";
import { Link, useRouter } from "../../router";
import { access } from "./messages";
import { bodyOf, levels, maskKinds, type Level, type ListOf, type Mask, type MaskWith, type RoleRecord, type RowFilter } from "./types";
import { CellInput, ConfirmButton, ProblemBanner, sendVersioned, useAction } from "./ui";

function useLevelOptions() {
  const t = useT(access);
  return levels.map((l) => ({ value: l, label: t(`level_${l}`) }));
}

function NewRole() {
  const t = useT(access);
  const { navigate } = useRouter();
  const [name, setName] = useState("");
  const [level, setLevel] = useState<Level>("viewer");
  const [description, setDescription] = useState("");
  const levelOptions = useLevelOptions();
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const role = await api.post<RoleRecord>("roles", { name: name.trim(), level, grants: [], description: description.trim() || null });
      navigate(`/access/roles/${seg(role.name)}`);
    });
  };
  return (
    <form className="panel acc-form" onSubmit={submit} aria-labelledby="acc-new-role">
      <h2 id="acc-new-role">{t("newRole")}</h2>
      <TextField label={t("name")} value={name} onChange={setName} field="name" error={error} required autoComplete="off" hint={t("nameHint")} />
      <SelectField label={t("level")} value={level} onChange={(v) => setLevel(v as Level)} options={levelOptions} field="level" error={error} hint={t("levelHint")} />
      <TextField label={t("description")} value={description} onChange={setDescription} field="description" error={error} />
      <ProblemBanner error={error} fields={["name", "level", "description"]} />
      <p className="hint">{t("newRoleHint")}</p>
      <button type="submit" className="primary" disabled={busy}>{busy ? t("creating") : t("createRole")}</button>
    </form>
  );
}

export function RoleList() {
  const t = useT(access);
  const roles = useAsync((signal) => api.get<ListOf<RoleRecord>>("roles", { signal }), []);
  return (
    <section aria-labelledby="acc-roles-title">
      <h2 id="acc-roles-title" className="visually-hidden">{t("tabRoles")}</h2>
      {roles.loading && !roles.data ? <Loading /> : roles.error ? <ProblemBanner error={roles.error} onRetry={roles.reload} /> : (
        <table className="list acc-table">
          <caption className="visually-hidden">{t("tabRoles")}</caption>
          <thead><tr>
            <th scope="col">{t("name")}</th><th scope="col">{t("level")}</th><th scope="col">{t("description")}</th>
            <th scope="col">{t("grants")}</th><th scope="col">{t("masks")}</th><th scope="col">{t("rowFilters")}</th>
          </tr></thead>
          <tbody>
            {roles.data?.items.map((r) => (
              <tr key={r.name}>
                <th scope="row"><Link to={`/access/roles/${seg(r.name)}`}>{r.name}</Link> {r.builtin && <span className="state">{t("builtin")}</span>}</th>
                <td>{t(`level_${r.level}`)}</td>
                <td>{r.description ?? <span className="hint">{t("none")}</span>}</td>
                <td>{r.grants.length === 0 ? <span className="hint">{t("none")}</span> : r.grants.map((g) => `${g.pattern} ${t(`priv_${g.privilege}`)}`).join(", ")}</td>
                <td>{r.masks?.length ?? 0}</td>
                <td>{r.row_filters?.length ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <NewRole />
    </section>
  );
}

interface Draft { level: Level; description: string; masks: Mask[]; row_filters: RowFilter[] }

const draftOf = (role: RoleRecord): Draft => {
  const body = bodyOf(role);
  return { level: body.level, description: body.description ?? "", masks: body.masks, row_filters: body.row_filters };
};

export function RoleEditor({ name }: { name: string }) {
  const t = useT(access);
  const { navigate } = useRouter();
  const levelOptions = useLevelOptions();
  const loaded = useAsync((signal) => api.getVersioned<RoleRecord>(`roles/${seg(name)}`, { signal }), [name]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const remove = useAction();
  if (loaded.loading && !loaded.data) return <Loading />;
  if (!loaded.data) return <ProblemBanner error={loaded.error} onRetry={loaded.reload} />;
  const { value: role, etag } = loaded.data;
  const d = draft ?? draftOf(role);
  const change = (next: Partial<Draft>) => { setSaved(false); setDraft({ ...d, ...next }); };
  const setMask = (i: number, m: Partial<Mask>) => change({ masks: d.masks.map((x, j) => (j === i ? { ...x, ...m } : x)) });
  const setFilter = (i: number, f: Partial<RowFilter>) => change({ row_filters: d.row_filters.map((x, j) => (j === i ? { ...x, ...f } : x)) });
  const lockedLevel = role.builtin && role.name === "admin";
  const reload = () => { setDraft(null); setSaved(false); loaded.reload(); };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const body = { ...bodyOf(role), level: d.level, description: d.description.trim() || null, masks: d.masks, row_filters: d.row_filters };
      loaded.setData(await sendVersioned<RoleRecord>("PUT", `roles/${seg(role.name)}`, body, etag ?? `"${role.version}"`));
      setDraft(null);
      setSaved(true);
    });
  };
  return (
    <section aria-labelledby="acc-role-title">
      <p><Link to="/access/roles">← {t("allRoles")}</Link></p>
      <h2 id="acc-role-title">{t("roleTitle", { name: role.name })} {role.builtin && <span className="state">{t("builtin")}</span>}</h2>
      {role.builtin && <p className="hint">{t("builtinNote")}</p>}
      <form className="panel acc-form acc-wide" onSubmit={submit}>
        <SelectField label={t("level")} value={d.level} onChange={(v) => change({ level: v as Level })} options={levelOptions} field="level" error={error}
          disabled={lockedLevel} hint={lockedLevel ? t("adminLevelNote") : t("levelHint")} />
        <TextField label={t("description")} value={d.description} onChange={(v) => change({ description: v })} field="description" error={error} />
        {d.level === "admin" && <div className="banner banner-warn">{t("adminNoEffect")}</div>}

        <h3>{t("grants")}</h3>
        <p>{role.grants.length === 0 ? t("noGrants") : role.grants.map((g) => `${g.pattern} ${t(`priv_${g.privilege}`)}`).join(", ")}</p>
        <p><Link to="/access/grants">{t("editGrants")}</Link></p>

        <h3 id="acc-masks">{t("masks")}</h3>
        <p className="hint">{t("masksHint")}</p>
        {d.masks.length === 0 ? <p className="hint">{t("noMasks")}</p> : (
          <table className="list acc-rows" aria-labelledby="acc-masks">
            <thead><tr><th scope="col">{t("table")}</th><th scope="col">{t("column")}</th><th scope="col">{t("maskWith")}</th><th scope="col"><span className="visually-hidden">{t("actions")}</span></th></tr></thead>
            <tbody>
              {d.masks.map((m, i) => (
                <tr key={i}>
                  <td><CellInput label={t("maskTable", { n: i + 1 })} value={m.table} onChange={(v) => setMask(i, { table: v })} field={`masks[${i}].table`} error={error} placeholder="mart_sales.customers" /></td>
                  <td><CellInput label={t("maskColumn", { n: i + 1 })} value={m.column} onChange={(v) => setMask(i, { column: v })} field={`masks[${i}].column`} error={error} placeholder="email" /></td>
                  <td>
                    <select aria-label={t("maskKind", { n: i + 1 })} value={m.with} onChange={(e) => setMask(i, { with: e.target.value as MaskWith })}>
                      {maskKinds.map((k) => <option key={k} value={k}>{t(`mask_${k}`)}</option>)}
                    </select>
                  </td>
                  <td><button type="button" onClick={() => change({ masks: d.masks.filter((_, j) => j !== i) })}>{t("remove")}<span className="visually-hidden"> {t("maskN", { n: i + 1 })}</span></button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <button type="button" onClick={() => change({ masks: [...d.masks, { table: "", column: "", with: "hash" }] })}>{t("addMask")}</button>

        <h3 id="acc-filters">{t("rowFilters")}</h3>
        <p className="hint">{t("filtersHint")}</p>
        {d.row_filters.length === 0 ? <p className="hint">{t("noFilters")}</p> : (
          <table className="list acc-rows" aria-labelledby="acc-filters">
            <thead><tr><th scope="col">{t("table")}</th><th scope="col">{t("where")}</th><th scope="col"><span className="visually-hidden">{t("actions")}</span></th></tr></thead>
            <tbody>
              {d.row_filters.map((f, i) => (
                <tr key={i}>
                  <td><CellInput label={t("filterTable", { n: i + 1 })} value={f.table} onChange={(v) => setFilter(i, { table: v })} field={`row_filters[${i}].table`} error={error} placeholder="mart_sales.orders" /></td>
                  <td className="acc-grow"><CellInput label={t("filterWhere", { n: i + 1 })} value={f.where} onChange={(v) => setFilter(i, { where: v })} field={`row_filters[${i}].where`} error={error} placeholder="company_id = 42" /></td>
                  <td><button type="button" onClick={() => change({ row_filters: d.row_filters.filter((_, j) => j !== i) })}>{t("remove")}<span className="visually-hidden"> {t("filterN", { n: i + 1 })}</span></button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <button type="button" onClick={() => change({ row_filters: [...d.row_filters, { table: "", where: "" }] })}>{t("addFilter")}</button>

        <ProblemBanner error={error} fields={["level", "description", "masks", "row_filters"]} onReload={reload} />
        {saved && <div className="banner banner-ok" role="status">{t("saved")}</div>}
        <div className="acc-actions">
          <button type="submit" className="primary" disabled={busy || draft === null}>{busy ? t("saving") : t("saveRole")}</button>
          {draft !== null && <button type="button" onClick={() => { setDraft(null); setSaved(false); }} disabled={busy}>{t("discard")}</button>}
        </div>
      </form>
      {!role.builtin && (
        <div className="panel">
          <h3>{t("deleteRole")}</h3>
          <ConfirmButton label={t("deleteRole")} question={t("deleteRoleQ", { name: role.name })} confirmLabel={t("yesDelete")}
            onConfirm={() => remove.run(async () => { await api.delete(`roles/${seg(role.name)}`); navigate("/access/roles"); })} />
          <ProblemBanner error={remove.error} />
        </div>
      )}
    </section>
  );
}
