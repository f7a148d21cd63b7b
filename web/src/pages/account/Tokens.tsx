// API tokens: the list (an admin's has everyone's), a form for a new one whose secret is shown
// once with a copy button, and revoking.
import { useState, type FormEvent } from "react";
import { api, ApiError, seg } from "../../api/client";
import { ErrorBanner, Loading } from "../../components/ErrorBanner";
import { fieldError, TextField } from "../../components/Field";
import { useAsync } from "../../components/useAsync";
import type { Level } from "../../api/types";
import { useFormat, useT } from "../../i18n";
import { atLeast } from "../../session";
import { ConfirmButton, useAction } from "../access/ui";
import { account } from "./messages";
import { scopes, type CreatedToken, type TokenList, type TokenRecord } from "./types";

function NewSecret({ created, onClose }: { created: CreatedToken; onClose: () => void }) {
  const t = useT(account);
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="panel" role="region" aria-labelledby="acc-secret-title">
      <h3 id="acc-secret-title">{t("secretTitle", { name: created.token.name })}</h3>
      <div className="banner banner-warn" role="alert">{t("secretWarning")}</div>
      <div className="acc-secret">
        <input aria-label={t("secretLabel")} readOnly value={created.secret} onFocus={(e) => e.target.select()} data-testid="token-secret" />
        <button type="button" onClick={() => void copy()}>{t("copy")}</button>
      </div>
      <p role="status" className="hint">{copied === true ? t("copied") : copied === false ? t("copyFailed") : ""}</p>
      <p className="hint">{t("secretUse")}</p>
      <button type="button" className="primary" onClick={onClose}>{t("secretDone")}</button>
    </div>
  );
}

function NewToken({ level, onCreated }: { level: Level; onCreated: (created: CreatedToken) => void }) {
  const t = useT(account);
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [days, setDays] = useState("90");
  const { busy, error, run } = useAction();
  const offered = scopes.filter((s) => atLeast(level, s.level));
  const toggle = (scope: string, on: boolean) => setChosen((c) => (on ? [...c, scope] : c.filter((x) => x !== scope)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      if (days.trim() && !/^\d+$/.test(days.trim())) throw new ApiError(400, "Bad request", t("daysInvalid"), "$.expires_in_days");
      const body: { name: string; scopes: string[]; expires_in_days?: number } = {
        name: name.trim(),
        scopes: offered.map((s) => s.scope).filter((s) => chosen.includes(s)),
      };
      if (days.trim()) body.expires_in_days = Number(days);
      const created = await api.post<CreatedToken>("tokens", body);
      setName("");
      setChosen([]);
      setDays("90");
      onCreated(created);
    });
  };
  const scopeError = fieldError(error, "scopes");
  return (
    <form className="panel" style={{ maxWidth: 560 }} onSubmit={submit} aria-labelledby="acc-new-token">
      <h3 id="acc-new-token">{t("newToken")}</h3>
      <TextField label={t("tokenName")} value={name} onChange={setName} field="name" error={error} required autoComplete="off" hint={t("tokenNameHint")} />
      <fieldset className="acc-scopes" aria-describedby="acc-scopes-hint">
        <legend>{t("scopes")}</legend>
        {offered.map((s) => (
          <label key={s.scope}>
            <input type="checkbox" checked={chosen.includes(s.scope)} onChange={(e) => toggle(s.scope, e.target.checked)} />
            {s.scope}
          </label>
        ))}
        <div className="hint" id="acc-scopes-hint">{t("scopesHint")}</div>
        {scopeError && <div className="field-error" role="alert">{scopeError}</div>}
      </fieldset>
      <TextField label={t("expiresDays")} type="number" value={days} onChange={setDays} field="expires_in_days" error={error} hint={t("expiresHint")} />
      <ErrorBanner error={error} fields={["name", "scopes", "expires_in_days"]} />
      <button type="submit" className="primary" disabled={busy}>{busy ? t("creating") : t("createToken")}</button>
    </form>
  );
}

export function Tokens({ level, userName }: { level: Level; userName?: string }) {
  const t = useT(account);
  const f = useFormat();
  const admin = atLeast(level, "admin");
  const tokens = useAsync((signal) => api.get<TokenList>("tokens", { signal }), []);
  const users = useAsync(async (signal) => (admin ? api.get<{ items: { id: number; name: string }[] }>("users", { signal }).catch(() => ({ items: [] })) : { items: [] }), [admin]);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const revoke = useAction();
  const owner = (tok: TokenRecord) => users.data?.items.find((u) => u.id === tok.user_id)?.name ?? `#${tok.user_id}`;
  const status = (tok: TokenRecord) =>
    tok.revoked_at ? { text: t("revoked"), cls: "state-failed" }
      : tok.expires_at && new Date(tok.expires_at).getTime() <= Date.now() ? { text: t("expired"), cls: "state-late" }
      : { text: t("activeToken"), cls: "state-ok" };
  return (
    <section aria-labelledby="acc-tokens-title">
      <h2 id="acc-tokens-title">{t("tokensTitle")}</h2>
      <p className="hint">{admin ? t("tokensIntroAdmin") : t("tokensIntro")}</p>
      {created && <NewSecret created={created} onClose={() => setCreated(null)} />}
      {tokens.loading && !tokens.data ? <Loading /> : tokens.error ? <ErrorBanner error={tokens.error} onRetry={tokens.reload} /> : (
        <div className="acc-scroll">
          <table className="list">
            <caption className="visually-hidden">{t("tokensTitle")}</caption>
            <thead><tr>
              <th scope="col">{t("tokenName")}</th>{admin && <th scope="col">{t("owner")}</th>}<th scope="col">{t("prefix")}</th><th scope="col">{t("scopes")}</th>
              <th scope="col">{t("createdCol")}</th><th scope="col">{t("expires")}</th><th scope="col">{t("lastUsed")}</th><th scope="col">{t("status")}</th>
              <th scope="col"><span className="visually-hidden">{t("actions")}</span></th>
            </tr></thead>
            <tbody>
              {tokens.data?.items.length === 0 && <tr><td colSpan={admin ? 9 : 8}>{t("noTokens")}</td></tr>}
              {tokens.data?.items.map((tok) => {
                const s = status(tok);
                return (
                  <tr key={tok.id} className={tok.revoked_at ? "acc-muted" : undefined}>
                    <th scope="row">{tok.name}</th>
                    {admin && <td>{owner(tok)}{userName && owner(tok) === userName ? ` ${t("you")}` : ""}</td>}
                    <td><code>{tok.prefix}…</code></td>
                    <td>{tok.scopes.length === 0 ? t("allScopes") : tok.scopes.join(", ")}</td>
                    <td>{f.dateTime(tok.created_at)}</td>
                    <td>{tok.expires_at ? f.dateTime(tok.expires_at) : t("never")}</td>
                    <td>{tok.last_used_at ? f.dateTime(tok.last_used_at) : t("never")}</td>
                    <td><span className={`state ${s.cls}`}>{s.text}</span></td>
                    <td>
                      {!tok.revoked_at && (
                        <ConfirmButton label={t("revoke")} question={t("revokeQ", { name: tok.name })} confirmLabel={t("yesRevoke")}
                          onConfirm={() => revoke.run(async () => { await api.delete(`tokens/${seg(tok.id)}`); tokens.reload(); })} />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ErrorBanner error={revoke.error} />
      <NewToken level={level} onCreated={(c) => { setCreated(c); tokens.reload(); }} />
    </section>
  );
}
