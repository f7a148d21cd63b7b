// Access: users, roles, the grant matrix and the audit log, for admins. Sections are tabs that
// are links (/access/users, /access/roles, /access/grants, /access/audit); /access shows users.
import { useT } from "../../i18n";
import { Link } from "../../router";
import { atLeast, useSession } from "../../session";
import type { PageProps } from "../types";
import "./access.css";
import { AuditLog } from "./AuditLog";
import { GrantMatrix } from "./GrantMatrix";
import { access } from "./messages";
import { RoleEditor, RoleList } from "./Roles";
import { UserEditor, UserList } from "./Users";

const tabs = [
  { id: "users", label: "tabUsers" },
  { id: "roles", label: "tabRoles" },
  { id: "grants", label: "tabGrants" },
  { id: "audit", label: "tabAudit" },
] as const;

function Section({ tab, rest }: { tab: string; rest: string[] }) {
  const t = useT(access);
  switch (tab) {
    case "users": return rest[0] ? <UserEditor key={rest[0]} id={rest[0]} /> : <UserList />;
    case "roles": return rest[0] ? <RoleEditor key={rest[0]} name={rest[0]} /> : <RoleList />;
    case "grants": return <GrantMatrix />;
    case "audit": return <AuditLog />;
    default: return <p>{t("notFound")}</p>;
  }
}

export default function Page({ sub }: PageProps) {
  const t = useT(access);
  const { session } = useSession();
  const tab = sub[0] ?? "users";
  const allowed = !session || atLeast(session.level, "admin");
  return (
    <section className="acc" aria-labelledby="acc-title">
      <h1 id="acc-title">{t("title")}</h1>
      <nav aria-label={t("sections")}>
        <ul className="acc-tabs">
          {tabs.map((x) => (
            <li key={x.id}><Link to={`/access/${x.id}`} aria-current={tab === x.id ? "page" : undefined}>{t(x.label)}</Link></li>
          ))}
        </ul>
      </nav>
      {allowed ? <Section tab={tab} rest={sub.slice(1)} /> : <div className="banner banner-error" role="alert">{t("adminOnlyPage")}</div>}
    </section>
  );
}
