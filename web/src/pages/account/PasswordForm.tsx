// One's own password: current, new and its confirmation (checked here before anything is sent).
// The shell shows it full-page on the first start; the account page shows it as a section.
import { useState, type FormEvent } from "react";
import { api, ApiError } from "../../api/client";
import { ErrorBanner } from "../../components/ErrorBanner";
import { TextField } from "../../components/Field";
import { useT } from "../../i18n";
import { account } from "./messages";

const fields = ["current_password", "new_password", "confirm"];

export function PasswordForm({ onDone, firstStart }: { onDone: () => void; firstStart?: boolean }) {
  const t = useT(account);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const local = (message: string, field: string) => new ApiError(400, "Bad request", message, `$.${field}`);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const problem = !current ? local(t("currentRequired"), "current_password")
      : next.length < 12 ? local(t("tooShort"), "new_password")
      : next === current ? local(t("sameAsCurrent"), "new_password")
      : next !== confirm ? local(t("mismatch"), "confirm")
      : null;
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      await api.put("session/password", { current_password: current, new_password: next });
      setCurrent("");
      setNext("");
      setConfirm("");
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const Title = firstStart ? "h1" : "h2";
  return (
    <form className="panel" style={{ maxWidth: 480 }} onSubmit={submit} aria-labelledby="acc-password-title" noValidate>
      <Title id="acc-password-title">{firstStart ? t("firstStartTitle") : t("changePassword")}</Title>
      {firstStart && <p>{t("firstStartText")}</p>}
      <TextField label={t("currentPassword")} type="password" value={current} onChange={setCurrent} field="current_password" error={error}
        autoComplete="current-password" required hint={firstStart ? t("currentHintFirst") : undefined} />
      <TextField label={t("newPassword")} type="password" value={next} onChange={setNext} field="new_password" error={error}
        autoComplete="new-password" required hint={t("newHint")} />
      <TextField label={t("confirmPassword")} type="password" value={confirm} onChange={setConfirm} field="confirm" error={error}
        autoComplete="new-password" required />
      <ErrorBanner error={error} fields={fields} />
      <button type="submit" className="primary" disabled={busy}>{busy ? t("saving") : firstStart ? t("setPassword") : t("changePasswordButton")}</button>
    </form>
  );
}

export default PasswordForm;
