// Small pieces the access and account pages share: an action runner that refuses a second
// submit while one runs, a delete button that asks first (inline, so it works without dialogs),
// an error banner that explains 403 and 412, and inputs for table cells with their errors.
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { api, ApiError, type Versioned } from "../../api/client";
import { ErrorBanner } from "../../components/ErrorBanner";
import { fieldError } from "../../components/Field";
import { useT } from "../../i18n";
import { ui } from "./ui-messages";

/** A change (PUT, PATCH) with If-Match whose answer is the object and its new ETag. */
export async function sendVersioned<T>(method: string, path: string, body: unknown, ifMatch: string | null): Promise<Versioned<T>> {
  const response = await api.raw(method, path, body, { ifMatch });
  return { value: (await response.json()) as T, etag: response.headers.get("ETag") };
}

/** Runs one action at a time: `busy` while it runs, its error kept in `error`. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const running = useRef(false);
  const run = useCallback(async (action: () => Promise<void>): Promise<boolean> => {
    if (running.current) return false;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** An API error with a friendlier word for the two statuses every access page meets. */
export function ProblemBanner({ error, fields = [], onRetry, onReload }: { error: unknown; fields?: string[]; onRetry?: () => void; onReload?: () => void }) {
  const t = useT(ui);
  if (!error) return null;
  if (error instanceof ApiError && error.status === 403) {
    return <div className="banner banner-error" role="alert"><span>{t("adminOnly")}</span></div>;
  }
  if (error instanceof ApiError && error.status === 412) {
    return (
      <div className="banner banner-error" role="alert">
        <span>{t("conflict")}</span>
        {onReload && <button type="button" className="link" onClick={onReload}>{t("reload")}</button>}
      </div>
    );
  }
  return <ErrorBanner error={error} fields={fields} onRetry={onRetry} />;
}

/** A button that asks "are you sure?" in place before it runs `onConfirm`. */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, disabled }: { label: string; question: string; confirmLabel: string; onConfirm: () => Promise<unknown> | void; disabled?: boolean }) {
  const t = useT(ui);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const first = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) yes.current?.focus();
    else if (wasAsking.current) first.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking) {
    return <button ref={first} type="button" className="danger" disabled={disabled} onClick={() => setAsking(true)}>{label}</button>;
  }
  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <span className="acc-confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button ref={yes} type="button" className="danger" disabled={busy} onClick={() => void confirm()}>{confirmLabel}</button>
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>{t("cancel")}</button>
    </span>
  );
}

/** An input in a table cell: labelled by `label` (not shown), with the API's error for `field` below it. */
export function CellInput({ label, value, onChange, field, error, placeholder }: { label: string; value: string; onChange: (value: string) => void; field: string; error: unknown; placeholder?: string }) {
  const id = useId();
  const message = fieldError(error, field);
  return (
    <div className={message ? "field-invalid" : undefined}>
      <input aria-label={label} value={value} placeholder={placeholder} aria-invalid={!!message} aria-describedby={message ? `${id}-error` : undefined} onChange={(e) => onChange(e.target.value)} />
      {message && <div className="field-error" role="alert" id={`${id}-error`}>{message}</div>}
    </div>
  );
}
