// The signed-in user's own page: who they are, their password, and their API tokens.
import { useState } from "react";
import { Loading } from "../../components/ErrorBanner";
import { useT } from "../../i18n";
import { useSession } from "../../session";
import "../access/access.css";
import type { PageProps } from "../types";
import { account } from "./messages";
import { PasswordForm } from "./PasswordForm";
import { Tokens } from "./Tokens";

export default function Page({ sub }: PageProps) {
  const t = useT(account);
  const { session, refresh } = useSession();
  const [changed, setChanged] = useState(false);
  if (!session) return <Loading />;
  if (sub.length > 0) return <p>{t("notFound")}</p>;
  return (
    <section aria-labelledby="acc-account-title">
      <h1 id="acc-account-title">{t("title")}</h1>
      <dl className="panel acc-who">
        <dt>{t("name")}</dt><dd>{session.name}</dd>
        <dt>{t("role")}</dt><dd>{session.role} <small className="hint">({t("levelIs", { level: session.level })})</small></dd>
      </dl>
      {changed && <div className="banner banner-ok" role="status">{t("passwordChanged")}</div>}
      <PasswordForm onDone={() => { setChanged(true); void refresh(); }} />
      <Tokens level={session.level} userName={session.name} />
    </section>
  );
}
