// The audit log, newest first. The filters and the page (before=) live in the URL, so a view
// can be shared and the browser's Back returns to newer lines; "Older" follows the API's next.
import { useEffect, useState, type FormEvent } from "react";
import { api } from "../../api/client";
import { Loading } from "../../components/ErrorBanner";
import { TextField } from "../../components/Field";
import { useAsync } from "../../components/useAsync";
import { useFormat, useT } from "../../i18n";
import { useRouter } from "../../router";
import { access } from "./messages";
import type { AuditPage } from "./types";
import { ProblemBanner } from "./ui";

const limit = 50;

function href(params: { actor?: string; action?: string; before?: string | null }): string {
  const q = new URLSearchParams();
  if (params.actor) q.set("actor", params.actor);
  if (params.action) q.set("action", params.action);
  if (params.before) q.set("before", params.before);
  const s = q.toString();
  return `/access/audit${s ? `?${s}` : ""}`;
}

/** The before= of the API's next URL. */
function beforeOf(next: string): string | null {
  try {
    return new URL(next, "http://x").searchParams.get("before");
  } catch {
    return null;
  }
}

const outcomeClass = (outcome: string) => (outcome === "allowed" ? "state-ok" : outcome === "denied" || outcome === "failed" ? "state-failed" : "");

export function AuditLog() {
  const t = useT(access);
  const f = useFormat();
  const { search, navigate } = useRouter();
  const actor = search.get("actor") ?? "";
  const action = search.get("action") ?? "";
  const before = search.get("before");
  const [actorInput, setActorInput] = useState(actor);
  const [actionInput, setActionInput] = useState(action);
  useEffect(() => { setActorInput(actor); setActionInput(action); }, [actor, action]);
  const page = useAsync((signal) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (actor) q.set("actor", actor);
    if (action) q.set("action", action);
    if (before) q.set("before", before);
    return api.get<AuditPage>(`audit?${q.toString()}`, { signal });
  }, [actor, action, before]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    navigate(href({ actor: actorInput.trim(), action: actionInput.trim() }));
  };
  const outcome = (o: string) => (o === "allowed" || o === "denied" || o === "failed" ? t(`outcome_${o}`) : o);
  const older = page.data?.next ? beforeOf(page.data.next) : null;
  return (
    <section aria-labelledby="acc-audit-title">
      <h2 id="acc-audit-title">{t("auditTitle")}</h2>
      <form className="toolbar" onSubmit={apply} role="search" aria-label={t("auditFilters")}>
        <TextField label={t("actor")} value={actorInput} onChange={setActorInput} placeholder="hanako" autoComplete="off" />
        <TextField label={t("action")} value={actionInput} onChange={setActionInput} placeholder="role.update" autoComplete="off" />
        <div className="field"><button type="submit">{t("applyFilter")}</button></div>
        {(actor || action) && <div className="field"><button type="button" className="link" onClick={() => navigate(href({}))}>{t("clearFilter")}</button></div>}
      </form>
      {before && <p className="hint">{t("olderThan", { id: before })}</p>}
      {page.loading && !page.data ? <Loading /> : page.error ? <ProblemBanner error={page.error} onRetry={page.reload} /> : (
        <div className="acc-scroll">
          <table className="list acc-table" aria-busy={page.loading}>
            <caption className="visually-hidden">{t("auditTitle")}</caption>
            <thead><tr>
              <th scope="col">{t("at")}</th><th scope="col">{t("actor")}</th><th scope="col">{t("action")}</th><th scope="col">{t("target")}</th>
              <th scope="col">{t("outcome")}</th><th scope="col">{t("detail")}</th><th scope="col">{t("address")}</th>
            </tr></thead>
            <tbody>
              {page.data?.items.length === 0 && <tr><td colSpan={7}>{t("noEntries")}</td></tr>}
              {page.data?.items.map((e) => (
                <tr key={e.id}>
                  <td className="acc-nowrap"><time dateTime={e.at}>{f.dateTime(e.at)}</time></td>
                  <td>{e.actor ?? <span className="hint">{t("anonymous")}</span>}</td>
                  <td><code>{e.action}</code></td>
                  <td className="acc-target">{e.target ?? ""}</td>
                  <td><span className={`state ${outcomeClass(e.outcome)}`}>{outcome(e.outcome)}</span></td>
                  <td>{e.detail ?? ""}</td>
                  <td>{e.address ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="acc-actions">
        {before && <button type="button" onClick={() => navigate(href({ actor, action }))}>{t("newest")}</button>}
        {older && <button type="button" disabled={page.loading} onClick={() => navigate(href({ actor, action, before: older }))}>{t("older")}</button>}
      </div>
    </section>
  );
}
