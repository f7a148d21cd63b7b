// Users: the list with a form for a new one, and one user's page to change their role,
// disable them, set a new password or delete them (each change sends the user's ETag).
import { useState, type FormEvent } from "react";
import { api, seg } from "../../api/client";
import { Loading } from "../../components/ErrorBanner";
import { SelectField, TextField } from "../../components/Field";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { Link, useRouter } from "../../router";
import { useSession } from "../../session";
import { access } from "./messages";
import type { ListOf, RoleRecord, UserRecord } from "./types";
import { ConfirmButton, ProblemBanner, sendVersioned, useAction } from "./ui";

const builtinRoles = ["admin", "editor", "analyst", "viewer"];

/** The role names for a select: the server's, or the built-in ones when they cannot be read. */
function useRoleNames(): string[] {
  const roles = useAsync((signal) => api.get<ListOf<RoleRecord>>("roles", { signal }), []);
  return roles.data?.items.map((r) => r.name) ?? builtinRoles;
}

function NewUser({ roles, onCreated }: { roles: string[]; onCreated: (user: UserRecord) => void }) {
  const t = useT(access);
  const [name, setName] = useState("");
  const [role, setRole] = useState("viewer");
  const [password, setPassword] = useState("");
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const user = await api.post<UserRecord>("users", { name: name.trim(), role, password });
      setName("");
      setPassword("");
      onCreated(user);
    });
  };
  const options = (roles.includes(role) ? roles : [...roles, role]).map((r) => ({ value: r, label: r }));
  return (
    <form className="panel acc-form" onSubmit={submit} aria-labelledby="acc-new-user">
      <h2 id="acc-new-user">{t("newUser")}</h2>
      <TextField label={t("name")} value={name} onChange={setName} field="name" error={error} required autoComplete="off" hint={t("nameHint")} />
      <SelectField label={t("role")} value={role} onChange={setRole} options={options} field="role" error={error} />
      <TextField label={t("initialPassword")} type="password" value={password} onChange={setPassword} field="password" error={error} required autoComplete="new-password" hint={t("initialPasswordHint")} />
      <ProblemBanner error={error} fields={["name", "role", "password"]} />
      <button type="submit" className="primary" disabled={busy}>{busy ? t("creating") : t("createUser")}</button>
    </form>
  );
}

export function UserList() {
  const t = useT(access);
  const f = useFormat();
  const roles = useRoleNames();
  const users = useAsync((signal) => api.get<ListOf<UserRecord>>("users", { signal }), []);
  const [created, setCreated] = useState<string | null>(null);
  return (
    <section aria-labelledby="acc-users-title">
      <h2 id="acc-users-title" className="visually-hidden">{t("tabUsers")}</h2>
      {created && <div className="banner banner-ok" role="status">{t("userCreated", { name: created })}</div>}
      {users.loading && !users.data ? <Loading /> : users.error ? <ProblemBanner error={users.error} onRetry={users.reload} /> : (
        <table className="list acc-table">
          <caption className="visually-hidden">{t("tabUsers")}</caption>
          <thead><tr><th scope="col">{t("name")}</th><th scope="col">{t("role")}</th><th scope="col">{t("status")}</th><th scope="col">{t("created")}</th><th scope="col"><span className="visually-hidden">{t("actions")}</span></th></tr></thead>
          <tbody>
            {users.data?.items.length === 0 && <tr><td colSpan={5}>{t("noUsers")}</td></tr>}
            {users.data?.items.map((u) => (
              <tr key={u.id}>
                <th scope="row"><Link to={`/access/users/${u.id}`}>{u.name}</Link></th>
                <td>{u.role}</td>
                <td><span className={`state ${u.disabled ? "state-failed" : "state-ok"}`}>{u.disabled ? t("disabled") : t("active")}</span></td>
                <td>{f.dateTime(u.created_at)}</td>
                <td><Link to={`/access/users/${u.id}`} title={t("editUser", { name: u.name })}>{t("edit")}<span className="visually-hidden"> {u.name}</span></Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <NewUser roles={roles} onCreated={(u) => { setCreated(u.name); users.reload(); }} />
    </section>
  );
}

export function UserEditor({ id }: { id: string }) {
  const t = useT(access);
  const f = useFormat();
  const { navigate } = useRouter();
  const { session } = useSession();
  const roles = useRoleNames();
  const loaded = useAsync((signal) => api.getVersioned<UserRecord>(`users/${seg(id)}`, { signal }), [id]);
  const [role, setRole] = useState<string | null>(null);
  const [disabled, setDisabled] = useState<boolean | null>(null);
  const [password, setPassword] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const remove = useAction();
  if (loaded.loading && !loaded.data) return <Loading />;
  if (!loaded.data) return <ProblemBanner error={loaded.error} onRetry={loaded.reload} />;
  const { value: user, etag } = loaded.data;
  const currentRole = role ?? user.role;
  const currentDisabled = disabled ?? user.disabled;
  const self = session?.name === user.name;
  const reload = () => { setRole(null); setDisabled(null); setPassword(""); setNote(null); loaded.reload(); };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNote(null);
    const change: { role?: string; disabled?: boolean; password?: string } = {};
    if (currentRole !== user.role) change.role = currentRole;
    if (currentDisabled !== user.disabled) change.disabled = currentDisabled;
    if (password) change.password = password;
    if (Object.keys(change).length === 0) {
      setNote(t("nothingChanged"));
      return;
    }
    void run(async () => {
      loaded.setData(await sendVersioned<UserRecord>("PATCH", `users/${seg(user.id)}`, change, etag ?? `"${user.version}"`));
      setRole(null);
      setDisabled(null);
      setPassword("");
      setNote(t("saved"));
    });
  };
  const options = (roles.includes(currentRole) ? roles : [...roles, currentRole]).map((r) => ({ value: r, label: r }));
  return (
    <section aria-labelledby="acc-user-title">
      <p><Link to="/access/users">← {t("allUsers")}</Link></p>
      <h2 id="acc-user-title">{t("userTitle", { name: user.name })}</h2>
      <p className="hint">{t("createdAt", { at: f.dateTime(user.created_at) })}</p>
      <form className="panel acc-form" onSubmit={submit}>
        <SelectField label={t("role")} value={currentRole} onChange={setRole} options={options} field="role" error={error} />
        <div className="field">
          <label className="acc-check">
            <input type="checkbox" checked={currentDisabled} onChange={(e) => setDisabled(e.target.checked)} />
            {t("disabledLabel")}
          </label>
        </div>
        <TextField label={t("newPassword")} type="password" value={password} onChange={setPassword} field="password" error={error} autoComplete="new-password" hint={t("resetHint")} />
        <ProblemBanner error={error} fields={["role", "disabled", "password"]} onReload={reload} />
        {note && <div className="banner banner-ok" role="status">{note}</div>}
        <button type="submit" className="primary" disabled={busy}>{busy ? t("saving") : t("saveUser")}</button>
      </form>
      <div className="panel">
        <h3>{t("deleteUser")}</h3>
        {self ? <p className="hint">{t("cannotDeleteSelf")}</p> : (
          <ConfirmButton label={t("deleteUser")} question={t("deleteUserQ", { name: user.name })} confirmLabel={t("yesDelete")}
            onConfirm={() => remove.run(async () => { await api.delete(`users/${seg(user.id)}`); navigate("/access/users"); })} />
        )}
        <ProblemBanner error={remove.error} />
      </div>
    </section>
  );
}
