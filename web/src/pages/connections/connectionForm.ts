// The connection form as data: what a GET answer fills in, the PUT body it sends, and the file the
// server will write for it (the same text, so the preview shows exactly what lands in the project).
import type { Connection, ConnectionBody, ConnectorOption, SettingValue } from "../../api/types";

export type Shape = "list" | "map";

/** A setting the connector's option schema does not describe (or every setting, without a schema). */
export interface ExtraRow { id: number; key: string; value: string; secret: boolean; stored: boolean; shape?: Shape }

export interface ConnForm {
  name: string;
  type: string;
  maxConcurrency: string;
  /** Plain values of the schema's options, as typed. */
  values: Record<string, string>;
  /** Values given as a list or a mapping (kept in that shape when sent back). */
  shapes: Record<string, Shape>;
  /** Secret values typed now; a secret left empty keeps the stored one. */
  secrets: Record<string, string>;
  /** Secret options that have a stored value. */
  secretSet: Record<string, boolean>;
  extras: ExtraRow[];
  /** The values as loaded, to notice a redacted value sent back unchanged. */
  loaded: Record<string, string>;
}

export const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MAX = "max_concurrency";

/** Whether the form shows its own max_concurrency field (the connector's schema does not list one). */
export const ownMaxConcurrency = (options: ConnectorOption[] | null): boolean => !(options ?? []).some((o) => o.name === MAX);

/** "statement_timeout" → "Statement timeout". */
export function humanize(key: string): string {
  const text = key.replace(/_/g, " ").trim();
  return text ? text[0].toUpperCase() + text.slice(1) : key;
}

function isSecret(v: SettingValue): v is { secret: true; set: boolean } {
  return v !== null && typeof v === "object" && !Array.isArray(v) && (v as { secret?: unknown }).secret === true;
}

function asText(v: SettingValue): { text: string; shape?: Shape } {
  if (v === null || v === undefined) return { text: "" };
  if (Array.isArray(v)) return { text: v.map((x) => String(x)).join(", "), shape: "list" };
  if (typeof v === "object") return { text: Object.entries(v).map(([k, x]) => `${k}: ${String(x)}`).join("\n"), shape: "map" };
  return { text: String(v) };
}

let rowIds = 0;
export const newRow = (key = "", secret = false): ExtraRow => ({ id: ++rowIds, key, value: "", secret, stored: false });

export function emptyForm(type = ""): ConnForm {
  return { name: "", type, maxConcurrency: "", values: {}, shapes: {}, secrets: {}, secretSet: {}, extras: [], loaded: {} };
}

/** The form for an existing connection; `options` null means the server gave no schema (every setting is a row). */
export function formFromConnection(c: Connection, options: ConnectorOption[] | null): ConnForm {
  const form = emptyForm(c.type === "?" ? "" : c.type);
  form.name = c.name;
  form.maxConcurrency = c.max_concurrency != null ? String(c.max_concurrency) : "";
  const byName = new Map((options ?? []).map((o) => [o.name, o]));
  // A schema that lists max_concurrency itself gets it as one of its fields.
  if (byName.has(MAX) && c.max_concurrency != null) form.values[MAX] = String(c.max_concurrency);
  for (const [key, value] of Object.entries(c.settings ?? {})) {
    const option = byName.get(key);
    if (isSecret(value)) {
      if (option) form.secretSet[key] = value.set;
      else form.extras.push({ ...newRow(key, true), stored: value.set });
      continue;
    }
    const { text, shape } = asText(value);
    if (option && !option.secret) {
      form.values[key] = text;
      if (shape) form.shapes[key] = shape;
    } else {
      form.extras.push({ ...newRow(key, false), value: text, shape });
    }
    form.loaded[key] = text;
  }
  return form;
}

function convert(text: string, kind: ConnectorOption["kind"] | null, shape: Shape | undefined): unknown {
  if (shape === "map" || kind === "map") {
    const map: Record<string, string> = {};
    for (const line of text.split("\n")) {
      const at = line.indexOf(":");
      if (at <= 0) continue;
      map[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    return map;
  }
  if (kind === "list" || shape === "list") return text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (kind === "integer" && /^-?\d+$/.test(text)) return Number(text);
  if (kind === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/** The PUT body: plain settings typed or loaded, and only the secrets typed now. */
export function bodyFromForm(form: ConnForm, options: ConnectorOption[] | null): ConnectionBody & { settings: Record<string, unknown>; secrets: Record<string, string> } {
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  const max = form.maxConcurrency.trim();
  if (max && ownMaxConcurrency(options)) settings[MAX] = /^\d+$/.test(max) ? Number(max) : max;
  for (const option of options ?? []) {
    if (option.secret) {
      const typed = form.secrets[option.name] ?? "";
      if (typed.length > 0) secrets[option.name] = typed;
      continue;
    }
    const text = (form.values[option.name] ?? "").trim();
    if (text.length > 0) settings[option.name] = convert(text, option.kind, form.shapes[option.name]);
  }
  for (const row of form.extras) {
    const key = row.key.trim();
    if (!key) continue;
    if (row.secret) {
      if (row.value.length > 0) secrets[key] = row.value;
    } else if (row.value.trim().length > 0) {
      settings[key] = convert(row.value.trim(), null, row.shape);
    }
  }
  return { type: form.type, settings, secrets };
}

/** Secret fields with a stored value that the body leaves out: the server keeps them. */
export function keptSecrets(form: ConnForm, body: { settings: Record<string, unknown>; secrets: Record<string, string> }): string[] {
  const stored = [
    ...Object.entries(form.secretSet).filter(([, set]) => set).map(([k]) => k),
    ...form.extras.filter((r) => r.secret && r.stored && r.key.trim()).map((r) => r.key.trim()),
  ];
  return stored.filter((k) => !(k in body.secrets) && !(k in body.settings));
}

/** Text as System.Text.Json writes it by default (the server quotes every value this way). */
export function jsonQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (code < 0x20 || code > 0x7e || `"&'+<>\``.includes(ch)) {
      for (const unit of code > 0xffff ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [code]) out += `\\u${unit.toString(16).toUpperCase().padStart(4, "0")}`;
    } else out += ch;
  }
  return `${out}"`;
}

function yamlValue(value: unknown): string {
  if (typeof value === "string") return jsonQuote(value);
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(", ")}]`;
  if (value !== null && typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `${jsonQuote(k)}: ${yamlValue(v)}`).join(", ")}}`;
  return JSON.stringify(value);
}

/** connections/NAME.yml as the server writes it for this body: plain values, secrets as references to the sealed store. */
export function connectionYaml(name: string, body: { type: string; settings: Record<string, unknown>; secrets: Record<string, string> }, kept: string[]): string {
  const lines = ["# Written by the Nagare API; secret values are sealed in the metadata store.", `type: ${jsonQuote(body.type)}`];
  const keys = Object.keys(body.settings).sort((a, b) => (a === "max_concurrency" ? -1 : b === "max_concurrency" ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) lines.push(`${key}: ${yamlValue(body.settings[key])}`);
  const secretKeys = [...new Set([...Object.keys(body.secrets), ...kept])].sort();
  for (const key of secretKeys) lines.push(`${key}: ${jsonQuote(`\${secret:connection.${name || "NAME"}.${key}}`)}`);
  return `${lines.join("\n")}\n`;
}

/** Values loaded with a password hidden (***) and not typed again: sent back they would overwrite the real one. */
export function redactedUnchanged(form: ConnForm): string[] {
  const keys: string[] = [];
  for (const [key, loaded] of Object.entries(form.loaded)) {
    if (!loaded.includes("***")) continue;
    const now = key in form.values ? form.values[key] : form.extras.find((r) => r.key === key)?.value;
    if (now === loaded) keys.push(key);
  }
  return keys;
}
