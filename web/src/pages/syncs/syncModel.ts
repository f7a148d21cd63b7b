// A sync file as the form edits it, and back. Only keys the project loader reads are written
// (src/Nagare.Runtime/Configuration/ProjectLoader.cs: ReadSync, ReadStream, ReadColumnMapping):
// sync: source, destination, target_schema, mode, columns, streams (others — naming, cursor,
// primary_key, on_error, delete_detection, chunking, vars, … — are kept as the file has them);
// stream selection: select, mode, cursor, primary_key, columns (exclude, into, sql, filter, … kept);
// column rule: rename, exclude, cast, mask (sha256 | hmac), secret.
import type { Stream } from "../../api/types";
import { globEscape, globMatch, literalOf } from "../connections/glob";
import type { YamlValue } from "./yamlRead";

export const MODES = ["full_refresh", "append", "incremental", "merge"] as const;
export type Mode = (typeof MODES)[number];
export const MASKS = ["sha256", "hmac"] as const;
export const NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const WAREHOUSE = "warehouse";

type Doc = Record<string, YamlValue>;

export interface ColumnRuleForm {
  key: number;
  pattern: string;
  rename: string;
  exclude: boolean;
  cast: string;
  mask: "" | "sha256" | "hmac";
  secret: string;
  /** Keys of the rule the form does not edit, kept as they are. */
  other: Doc;
}

export interface StreamRuleForm {
  key: number;
  /** Globs over schema.table; a ticked table is its escaped name. */
  select: string[];
  mode: "" | Mode;
  cursor: string;
  /** Key columns, comma-separated; empty: the sync's or the source's key. */
  primaryKey: string;
  columns: ColumnRuleForm[];
  /** The selection as the file has it, for the keys the form does not edit (and their order). */
  raw: Doc;
  /** What discovery says of the table, when the selection names one. */
  stream?: Stream | null;
}

export interface SyncForm {
  name: string;
  source: string;
  destination: string;
  targetSchema: string;
  mode: "" | Mode;
  /** `run`: every table of a run at one moment of the source; "" for the default (each table at its own). */
  snapshot: "" | "table" | "run";
  columns: ColumnRuleForm[];
  streams: StreamRuleForm[];
  raw: Doc;
}

let keys = 0;
export const nextKey = (): number => ++keys;

export function emptySync(): SyncForm {
  return { name: "", source: "", destination: WAREHOUSE, targetSchema: "", mode: "", snapshot: "", columns: [], streams: [], raw: {} };
}

export function emptyColumnRule(pattern = ""): ColumnRuleForm {
  return { key: nextKey(), pattern, rename: "", exclude: false, cast: "", mask: "", secret: "", other: {} };
}

/** A selection of exactly one discovered table. */
export function ruleForStream(stream: Stream): StreamRuleForm {
  return { key: nextKey(), select: [selectOf(stream.stream)], mode: "", cursor: "", primaryKey: "", columns: [], raw: {}, stream };
}

export function ruleForPattern(pattern: string): StreamRuleForm {
  return { key: nextKey(), select: [pattern.trim()], mode: "", cursor: "", primaryKey: "", columns: [], raw: {} };
}

/** A value for the file: `${` starts an environment reference there, so a literal one is written `$${`. */
export const literalValue = (text: string): string => text.split("${").join("$${");
const fromLiteralValue = (text: string): string => text.split("$${").join("${");

/** The select of one table by name. */
export const selectOf = (stream: string): string => literalValue(globEscape(stream));

/** The table a selection names exactly, or null for a pattern (or several). */
export function literalStream(rule: { select: string[] }): string | null {
  if (rule.select.length !== 1) return null;
  const name = literalOf(fromLiteralValue(rule.select[0]));
  return name === null || name === "" ? null : name;
}

export class UnsupportedSync extends Error {}

const isMap = (v: YamlValue | undefined): v is Doc => v !== null && v !== undefined && typeof v === "object" && !Array.isArray(v);
const text = (v: YamlValue | undefined): string => (v === null || v === undefined ? "" : typeof v === "object" ? "" : String(v));

function textList(v: YamlValue | undefined, what: string): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) {
    return v.map((x) => {
      if (x !== null && typeof x === "object") throw new UnsupportedSync(`${what}: a list of values is expected`);
      return text(x);
    });
  }
  if (typeof v === "object") throw new UnsupportedSync(`${what}: a value or a list of values is expected`);
  return [text(v)];
}

function modeOf(v: YamlValue | undefined, what: string): "" | Mode {
  const m = text(v);
  if (m === "") return "";
  if (!(MODES as readonly string[]).includes(m)) throw new UnsupportedSync(`${what}: '${m}' is not a mode`);
  return m as Mode;
}

function columnRules(v: YamlValue | undefined, what: string): ColumnRuleForm[] {
  if (v === null || v === undefined) return [];
  if (!isMap(v)) throw new UnsupportedSync(`${what}: a mapping of column globs is expected`);
  return Object.entries(v).map(([pattern, rule]) => {
    if (!isMap(rule)) throw new UnsupportedSync(`${what}.${pattern}: a mapping such as { rename: new_name } is expected`);
    const { rename, exclude, cast, mask, secret, ...other } = rule;
    const m = text(mask);
    if (m !== "" && m !== "sha256" && m !== "hmac") throw new UnsupportedSync(`${what}.${pattern}.mask: '${m}' is not sha256 or hmac`);
    if (exclude !== undefined && exclude !== null && typeof exclude !== "boolean") throw new UnsupportedSync(`${what}.${pattern}.exclude: true or false is expected`);
    return { key: nextKey(), pattern, rename: text(rename), exclude: exclude === true, cast: text(cast), mask: m as ColumnRuleForm["mask"], secret: text(secret), other };
  });
}

/** The form for a parsed sync file; throws UnsupportedSync for shapes the form cannot show faithfully. */
export function syncFromDocument(doc: YamlValue, fileStem: string): SyncForm {
  if (!isMap(doc)) throw new UnsupportedSync("the file is not a mapping of keys");
  const streams = doc.streams;
  if (streams !== undefined && streams !== null && !Array.isArray(streams)) throw new UnsupportedSync("streams: a list is expected");
  // The form edits one source; a list would be lost on saving.
  if (doc.sources !== undefined) throw new UnsupportedSync("sources: a sync over several source connections is edited in its file");
  return {
    name: text(doc.name) || fileStem,
    source: text(doc.source),
    destination: text(doc.destination) || WAREHOUSE,
    targetSchema: text(doc.target_schema),
    mode: modeOf(doc.mode, "mode"),
    snapshot: snapshotOf(doc.snapshot),
    columns: columnRules(doc.columns, "columns"),
    raw: doc,
    streams: (streams ?? []).map((s, i) => {
      if (!isMap(s)) throw new UnsupportedSync(`streams[${i}]: a mapping such as { select: "public.*" } is expected`);
      return {
        key: nextKey(),
        select: textList(s.select, `streams[${i}].select`),
        mode: modeOf(s.mode, `streams[${i}].mode`),
        cursor: text(s.cursor),
        primaryKey: textList(s.primary_key, `streams[${i}].primary_key`).join(", "),
        columns: columnRules(s.columns, `streams[${i}].columns`),
        raw: s,
      };
    }),
  };
}

function snapshotOf(v: YamlValue | undefined): SyncForm["snapshot"] {
  if (v === undefined || v === null) return "";
  if (v === "table" || v === "run") return v;
  throw new UnsupportedSync(`snapshot: '${text(v)}' is not table or run`);
}

function put(doc: Doc, key: string, value: YamlValue | undefined): void {
  if (value === undefined) delete doc[key];
  else doc[key] = value;
}

const splitList = (s: string): string[] => s.split(",").map((x) => x.trim()).filter((x) => x.length > 0);
const sameList = (a: YamlValue | undefined, b: string[]): boolean => {
  const list = a === undefined || a === null ? [] : Array.isArray(a) ? a.map((x) => text(x)) : [text(a)];
  return list.length === b.length && list.every((x, i) => x === b[i]);
};

function columnsDocument(rules: ColumnRuleForm[]): Doc | undefined {
  const out: Doc = {};
  for (const r of rules) {
    const pattern = r.pattern.trim();
    if (!pattern) continue;
    const rule: Doc = {};
    if (r.rename.trim()) rule.rename = r.rename.trim();
    if (r.exclude) rule.exclude = true;
    if (r.cast.trim()) rule.cast = r.cast.trim();
    if (r.mask) rule.mask = r.mask;
    if (r.mask === "hmac" && r.secret.trim()) rule.secret = r.secret.trim();
    Object.assign(rule, r.other);
    if (Object.keys(rule).length > 0) out[pattern] = rule;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The sync file's content as data, in the order the file had (new keys in the order of the docs). */
export function syncDocument(form: SyncForm): Doc {
  const doc: Doc = { ...form.raw };
  put(doc, "source", form.source.trim() || undefined);
  const destination = form.destination.trim();
  put(doc, "destination", destination && (destination !== WAREHOUSE || "destination" in form.raw) ? destination : undefined);
  put(doc, "target_schema", form.targetSchema.trim() ? literalValue(form.targetSchema.trim()) : undefined);
  put(doc, "mode", form.mode || undefined);
  put(doc, "snapshot", form.snapshot || undefined);
  put(doc, "columns", columnsDocument(form.columns));
  doc.streams = form.streams.map((rule) => {
    const s: Doc = { ...rule.raw };
    const select = rule.select.map((x) => x.trim()).filter((x) => x.length > 0);
    put(s, "select", sameList(rule.raw.select, select) && rule.raw.select !== undefined ? rule.raw.select : select.length === 1 ? select[0] : select);
    put(s, "mode", rule.mode || undefined);
    put(s, "cursor", rule.cursor.trim() || undefined);
    const key = splitList(rule.primaryKey);
    put(s, "primary_key", key.length === 0 ? undefined : sameList(rule.raw.primary_key, key) ? rule.raw.primary_key : key.length === 1 ? key[0] : key);
    put(s, "columns", columnsDocument(rule.columns));
    return s;
  });
  return doc;
}

// ---- Column rules of one discovered table ----

/** Whether a column rule's glob matches a column as the planner matches it (column, table.column or schema.table.column). */
export function ruleMatches(pattern: string, stream: Stream, column: string): boolean {
  const dots = [...pattern].filter((c) => c === ".").length;
  const subject = dots === 0 ? column : dots === 1 ? `${stream.table}.${column}` : `${stream.schema}.${stream.table}.${column}`;
  return globMatch(pattern, subject);
}

/**
 * What the rules matching a column do to it, taken in order (the sync's rules, then the selection's), as the
 * planner takes them: a later rule's rename, cast and mask win; any rule's exclude excludes; no rule unmasks.
 */
export function columnEffect(rules: ColumnRuleForm[], stream: Stream, column: string): { exclude: boolean; mask: ColumnRuleForm["mask"]; cast: string } {
  let exclude = false;
  let mask: ColumnRuleForm["mask"] = "";
  let cast = "";
  for (const r of rules) {
    if (!r.pattern || !ruleMatches(r.pattern, stream, column)) continue;
    exclude ||= r.exclude;
    mask = r.mask || mask;
    cast = r.cast.trim() || cast;
  }
  return { exclude, mask, cast };
}

/** The glob of a selection's rule for exactly one column of its table. */
export function columnPattern(stream: Stream, column: string): string {
  return column.includes(".") ? `${globEscape(stream.schema)}.${globEscape(stream.table)}.${globEscape(column)}` : globEscape(column);
}

// ---- Types: what a cast changes ----

interface TypeInfo { kind: string; bits?: number; signed?: boolean; precision?: number; scale?: number }

const names: Record<string, TypeInfo> = {
  boolean: { kind: "boolean" }, bool: { kind: "boolean" },
  int8: { kind: "int", bits: 8, signed: true }, tinyint: { kind: "int", bits: 8, signed: true },
  int16: { kind: "int", bits: 16, signed: true }, smallint: { kind: "int", bits: 16, signed: true },
  int32: { kind: "int", bits: 32, signed: true }, int: { kind: "int", bits: 32, signed: true }, integer: { kind: "int", bits: 32, signed: true },
  int64: { kind: "int", bits: 64, signed: true }, bigint: { kind: "int", bits: 64, signed: true },
  uint8: { kind: "int", bits: 8, signed: false }, utinyint: { kind: "int", bits: 8, signed: false },
  uint16: { kind: "int", bits: 16, signed: false }, usmallint: { kind: "int", bits: 16, signed: false },
  uint32: { kind: "int", bits: 32, signed: false }, uinteger: { kind: "int", bits: 32, signed: false },
  uint64: { kind: "int", bits: 64, signed: false }, ubigint: { kind: "int", bits: 64, signed: false },
  float32: { kind: "float", bits: 24 }, float: { kind: "float", bits: 24 }, real: { kind: "float", bits: 24 },
  float64: { kind: "float", bits: 53 }, double: { kind: "float", bits: 53 },
  string: { kind: "string" }, text: { kind: "string" }, varchar: { kind: "string" },
  bytes: { kind: "bytes" }, blob: { kind: "bytes" }, bytea: { kind: "bytes" },
  date: { kind: "date" }, time: { kind: "time" }, timestamp: { kind: "timestamp" }, datetime: { kind: "timestamp" },
  timestamptz: { kind: "timestamptz" }, interval: { kind: "interval" }, uuid: { kind: "uuid" }, json: { kind: "json" }, jsonb: { kind: "json" },
};

/** The canonical type names a cast takes (the datalist of the cast inputs). */
export const CAST_TYPES = ["string", "boolean", "int16", "int32", "int64", "float64", "decimal(18,2)", "decimal(38,10)", "date", "timestamp", "timestamptz", "uuid", "json", "bytes"];

/** The type a text names, as ColumnType.Parse reads it; null when it is not one. */
export function parseType(textIn: string): TypeInfo | null {
  const t = textIn.trim().toLowerCase();
  const decimal = /^(?:decimal|numeric)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t);
  if (decimal) {
    const precision = decimal[1] ? Number(decimal[1]) : 18;
    const scale = decimal[1] ? Number(decimal[2] ?? 0) : 3;
    return precision >= 1 && precision <= 38 && scale <= precision ? { kind: "decimal", precision, scale } : null;
  }
  if (/^(list|array)\s*<.+>$/.test(t)) return { kind: "list" };
  if (/^struct\s*<.+>$/.test(t)) return { kind: "struct" };
  return names[t] ?? null;
}

const intDigits = (bits: number, signed: boolean): number => (bits === 8 ? 3 : bits === 16 ? 5 : bits === 32 ? 10 : signed ? 19 : 20);

export type CastWarning = { key: "unknownType" | "kind" | "narrow" | "rounds" | "precision" | "dropsTime" | "dropsZone"; from: string; to: string };

/** What casting a column of type `from` to `to` may lose; null when nothing (or the type is unchanged). */
export function castWarning(from: string, to: string): CastWarning | null {
  if (!to.trim()) return null;
  const target = parseType(to);
  const w = (key: CastWarning["key"]): CastWarning => ({ key, from, to: to.trim() });
  if (!target) return w("unknownType");
  const source = parseType(from);
  if (!source) return null;
  if (target.kind === "string") return null;
  if (source.kind === target.kind) {
    switch (target.kind) {
      case "int":
        if (target.bits! < source.bits! || (target.signed !== source.signed && target.bits! <= source.bits!)) return w("narrow");
        return null;
      case "float":
        return target.bits! < source.bits! ? w("precision") : null;
      case "decimal":
        if (target.precision! - target.scale! < source.precision! - source.scale!) return w("narrow");
        if (target.scale! < source.scale!) return w("rounds");
        return null;
      default:
        return null;
    }
  }
  if (source.kind === "int" && target.kind === "decimal") return target.precision! - target.scale! < intDigits(source.bits!, source.signed!) ? w("narrow") : null;
  if (source.kind === "int" && target.kind === "float") return source.bits! > target.bits! ? w("precision") : null;
  if (source.kind === "decimal" && target.kind === "float") return w("precision");
  if (source.kind === "decimal" && target.kind === "int") return w("rounds");
  if (source.kind === "float" && (target.kind === "int" || target.kind === "decimal")) return w("rounds");
  if (source.kind === "timestamptz" && target.kind === "timestamp") return w("dropsZone");
  if ((source.kind === "timestamptz" || source.kind === "timestamp") && target.kind === "date") return w("dropsTime");
  if (source.kind === "timestamp" && target.kind === "timestamptz") return null;
  if (source.kind === "date" && (target.kind === "timestamp" || target.kind === "timestamptz")) return null;
  return w("kind");
}

// ---- What the loader would refuse, found before sending ----

export interface Problem {
  field: string;
  key: "nameInvalid" | "sourceRequired" | "streamsRequired" | "selectRequired" | "cursorRequired" | "deletesNeedMode" | "deletesWithCursor"
    | "maskAndCast" | "hmacSecret" | "unknownType" | "patternRequired" | "mergeNeedsKey";
}

function ruleProblems(rules: ColumnRuleForm[], at: string): Problem[] {
  const out: Problem[] = [];
  rules.forEach((r, j) => {
    const f = `${at}[${j}]`;
    const used = r.rename.trim() || r.exclude || r.cast.trim() || r.mask || Object.keys(r.other).length > 0;
    if (!r.pattern.trim() && used) out.push({ field: `${f}.pattern`, key: "patternRequired" });
    if (r.mask && r.cast.trim()) out.push({ field: `${f}.cast`, key: "maskAndCast" });
    if (r.mask === "hmac" && !r.secret.trim()) out.push({ field: `${f}.secret`, key: "hmacSecret" });
    if (r.cast.trim() && !parseType(r.cast)) out.push({ field: `${f}.cast`, key: "unknownType" });
  });
  return out;
}

export function validateSync(form: SyncForm, creating: boolean): Problem[] {
  const out: Problem[] = [];
  if (creating && !NAME.test(form.name)) out.push({ field: "name", key: "nameInvalid" });
  if (!form.source.trim()) out.push({ field: "source", key: "sourceRequired" });
  if (form.streams.length === 0) out.push({ field: "streams", key: "streamsRequired" });
  out.push(...ruleProblems(form.columns, "columns"));
  form.streams.forEach((rule, i) => {
    const at = `streams[${i}]`;
    if (rule.select.every((s) => !s.trim())) out.push({ field: `${at}.select`, key: "selectRequired" });
    const mode = rule.mode || form.mode || "full_refresh";
    const cursor = rule.cursor.trim() || text(form.raw.cursor);
    const deletes = text(rule.raw.delete_detection) || text(form.raw.delete_detection) || "none";
    if (mode === "incremental" && !cursor) out.push({ field: `${at}.cursor`, key: "cursorRequired" });
    if (deletes !== "none" && mode !== "full_refresh" && mode !== "merge") out.push({ field: `${at}.mode`, key: "deletesNeedMode" });
    if (deletes !== "none" && mode === "merge" && cursor) out.push({ field: `${at}.cursor`, key: "deletesWithCursor" });
    const syncKey = form.raw.primary_key;
    const key = splitList(rule.primaryKey).length > 0 || (Array.isArray(syncKey) ? syncKey.length > 0 : text(syncKey) !== "");
    if (mode === "merge" && !key && rule.stream && rule.stream.primary_key.length === 0) out.push({ field: `${at}.primary_key`, key: "mergeNeedsKey" });
    out.push(...ruleProblems(rule.columns, `${at}.columns`));
  });
  return out;
}

/** The effective mode of a selection (its own, else the sync's, else full_refresh). */
export const effectiveMode = (form: SyncForm, rule: StreamRuleForm): Mode => rule.mode || form.mode || "full_refresh";

/**
 * The comments at the top of a sync file (whole-line comments and blank lines before its first setting), which the
 * form keeps when it writes the file anew, and the lines of the comments it cannot keep (those among the settings).
 * `comments` are the lines `readYamlWithComments` found holding one.
 */
export function fileComments(text: string, comments: number[]): { header: string; dropped: number[] } {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const noted = new Set(comments);
  let end = 0;
  while (end < lines.length && (lines[end].trim() === "" || (noted.has(end + 1) && lines[end].trim().startsWith("#")))) end++;
  const top = lines.slice(0, end);
  const header = top.some((l) => l.trim() !== "") ? `${top.join("\n")}\n` : "";
  return { header, dropped: comments.filter((n) => n > end) };
}
