// Every connection of the project, with a way to a new one for editors.
import { api } from "../../api/client";
import type { Connection } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { useAsync } from "../../components/useAsync";
import { useT } from "../../i18n";
import { Link } from "../../router";
import { atLeast, useSession } from "../../session";
import { messages } from "./messages";

export function ConnectionList() {
  const t = useT(messages);
  const { session } = useSession();
  const list = useAsync((signal) => api.get<{ items: Connection[] }>("connections", { signal }), []);
  const items = list.data?.items ?? [];
  return (
    <section aria-labelledby="connections-title">
      <div className="page-head">
        <h1 id="connections-title">{t("title")}</h1>
        {atLeast(session?.level, "editor") && <Link to="/connections/new" className="button primary">{t("newConnection")}</Link>}
      </div>
      <p className="hint">{t("intro")}</p>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : list.data && (
        items.length === 0 ? <p>{t("none")}</p> : (
          <table className="list">
            <thead>
              <tr><th scope="col">{t("name")}</th><th scope="col">{t("type")}</th><th scope="col">{t("file")}</th><th scope="col">{t("problem")}</th><th scope="col">{t("builtin")}</th></tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.name}>
                  <td><Link to={`/connections/${encodeURIComponent(c.name)}`}>{c.name}</Link></td>
                  <td>{c.type}</td>
                  <td><code>{c.file}</code></td>
                  <td>{c.problem ? <span className="field-error">{c.problem}</span> : ""}</td>
                  <td>{c.builtin ? t("builtinYes") : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </section>
  );
}
