// A labelled form field that shows the API's error next to the input it concerns.
import { useId, type ReactNode } from "react";
import { ApiError } from "../api/client";

export function fieldError(error: unknown, field: string): string | null {
  return error instanceof ApiError && error.concerns(field) ? (error.detail ?? error.title) : null;
}

interface FieldProps {
  label: string;
  /** The API field this input sets (e.g. "name", "settings.host"): its errors show here. */
  field?: string;
  error?: unknown;
  hint?: ReactNode;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby": string | undefined }) => ReactNode;
}

export function Field({ label, field, error, hint, children }: FieldProps) {
  const id = useId();
  const message = field ? fieldError(error, field) : null;
  const described = message ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={`field${message ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": !!message, "aria-describedby": described })}
      {hint && !message && <div className="hint" id={`${id}-hint`}>{hint}</div>}
      {message && <div className="field-error" role="alert" id={`${id}-error`}>{message}</div>}
    </div>
  );
}

/** A text input in a Field. */
export function TextField(props: { label: string; value: string; onChange: (value: string) => void; field?: string; error?: unknown; hint?: ReactNode; type?: string; placeholder?: string; required?: boolean; autoComplete?: string; disabled?: boolean }) {
  return (
    <Field label={props.label} field={props.field} error={props.error} hint={props.hint}>
      {(a) => <input {...a} type={props.type ?? "text"} value={props.value} placeholder={props.placeholder} required={props.required} autoComplete={props.autoComplete} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value)} />}
    </Field>
  );
}

/** A select in a Field. */
export function SelectField(props: { label: string; value: string; onChange: (value: string) => void; options: { value: string; label: string }[]; field?: string; error?: unknown; hint?: ReactNode; disabled?: boolean }) {
  return (
    <Field label={props.label} field={props.field} error={props.error} hint={props.hint}>
      {(a) => (
        <select {...a} value={props.value} disabled={props.disabled} onChange={(e) => props.onChange(e.target.value)}>
          {props.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      )}
    </Field>
  );
}
