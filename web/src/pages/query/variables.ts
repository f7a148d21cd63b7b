// `{{ name }}` variables of a query written on the query page: finding them, substituting values for a
// preview, and turning the query into a model file and a scheduled pipeline that builds it.
//
// The rule for values (the page's hint says the same): a number such as 42 or -3.5 is inserted as it is;
// anything else is a SQL string literal ('apac', O'Brien → 'O''Brien'). A variable written inside a string
// literal ('{{ name }}', '%{{ name }}%') gets the value with its quotes doubled but no quotes of its own.

import { toYaml } from "../../components/yaml";


/**
 * Rewrites each variable with `replace(name, quoted)`, where `quoted` tells whether it stands inside a SQL
 * string literal. Quotes inside comments and "identifiers" do not count.
 */
export function replaceVariables(sql: string, replace: (name: string, quoted: boolean) => string): string {
  let out = "";
  let i = 0;
  let inString = false;
  while (i < sql.length) {
    if (sql.startsWith("{{", i)) {
      const m = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/.exec(sql.slice(i));
      if (m) {
        out += replace(m[1], inString);
        i += m[0].length;
        continue;
      }
    }
    const c = sql[i];
    if (inString) {
      if (c === "'") inString = false;
      out += c;
      i++;
      continue;
    }
    if (c === "'") {
      inString = true;
      out += c;
      i++;
      continue;
    }
    const end = c === "-" && sql[i + 1] === "-" ? until(sql, i + 2, "\n", false)
      : c === "/" && sql[i + 1] === "*" ? until(sql, i + 2, "*/", true)
      : c === '"' ? until(sql, i + 1, '"', true)
      : -1;
    if (end > i) {
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Where a comment or quoted identifier that started before `from` ends (after `close` when `include`). */
function until(sql: string, from: number, close: string, include: boolean): number {
  const at = sql.indexOf(close, from);
  if (at < 0) return sql.length;
  return include ? at + close.length : at;
}

/**
 * Distinct variable names in the order they first appear: `{{ name }}` with an identifier inside, outside
 * comments (other Jinja, such as `{{ ref('x') }}`, is not a variable of the form).
 */
export function extractVariables(sql: string): string[] {
  const seen: string[] = [];
  replaceVariables(sql, (name) => {
    if (!seen.includes(name)) seen.push(name);
    return "";
  });
  return seen;
}

/** A number written plainly: 42, -7, 3.25 (not 007, 1e3 or 1,000, which are text). */
export function isNumeric(value: string): boolean {
  return /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(value.trim());
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A SQL string literal: quotes doubled. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** How a value is written into SQL where `{{ name }}` stands unquoted. */
export function sqlLiteral(value: string): string {
  return isNumeric(value) ? value.trim() : sqlString(value);
}

/** Replaces each `{{ name }}` with its value (see the rule above); names without a value become ''. */
export function substitute(sql: string, values: Record<string, string>): string {
  return replaceVariables(sql, (name, quoted) => {
    const value = values[name] ?? "";
    return quoted ? value.replace(/'/g, "''") : sqlLiteral(value);
  });
}

/** The type of pipeline parameter a value becomes: the run checks values given later against it. */
export type ParamType = "int" | "number" | "date" | "string";
export function paramType(value: string): ParamType {
  const v = value.trim();
  if (isNumeric(v)) return INTEGER.test(v) && Math.abs(Number(v)) <= Number.MAX_SAFE_INTEGER ? "int" : "number";
  if (DATE.test(value)) return "date";
  return "string";
}

/** A Jinja string literal (backslash escapes, as Python's). */
export function jinjaString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\r/g, "\\r")}'`;
}

/**
 * The model's SQL: `{{ name }}` becomes `{{ var('name', default) }}`, the documented model variable (a pipeline's
 * build step passes its parameters as variables; the default keeps the model compiling everywhere else). Numbers
 * stay bare; text is quoted in SQL and its quotes doubled, so a value given to a run cannot end the literal.
 * The model is materialized as a table.
 */
export function modelSql(sql: string, values: Record<string, string>): string {
  const body = replaceVariables(sql.replace(/[\s;]+$/, ""), (name, quoted) => {
    const value = values[name] ?? "";
    const type = paramType(value);
    if (type === "int" || type === "number") return `{{ var('${name}', ${value.trim()}) }}`;
    const call = type === "date"
      ? `{{ var('${name}', ${jinjaString(value)}) }}`
      : `{{ var('${name}', ${jinjaString(value)}) | replace("'", "''") }}`;
    return quoted ? call : `'${call}'`;
  });
  return `{{ config(materialized='table') }}\n\n${body}\n`;
}

export type ScheduleKind = "hourly" | "daily" | "weekly" | "custom" | "none";
export interface ScheduleInput {
  kind: ScheduleKind;
  /** HH:MM, for daily and weekly. */
  time: string;
  /** 0 (Sunday) … 6, for weekly. */
  weekday: number;
  /** For custom. */
  cron: string;
}

/** The cron expression of a schedule (5 fields), or null when the pipeline runs only when started. */
export function cronOf(s: ScheduleInput): string | null {
  const [h, m] = (/^\d{1,2}:\d{2}$/.test(s.time) ? s.time : "00:00").split(":").map((x) => Number(x));
  switch (s.kind) {
    case "hourly": return "0 * * * *";
    case "daily": return `${m} ${h} * * *`;
    case "weekly": return `${m} ${h} * * ${s.weekday}`;
    case "custom": return s.cron.trim().replace(/\s+/g, " ");
    default: return null;
  }
}

/** Why a cron expression is not 5 or 6 fields of cron characters (the server checks it fully), or null. */
export function cronProblem(cron: string): "cronFields" | "cronChars" | null {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 1 && fields[0].startsWith("@")) return null;
  if (fields.length !== 5 && fields.length !== 6) return "cronFields";
  return fields.every((f) => /^[0-9A-Za-z*,/?#LW-]+$/.test(f)) ? null : "cronChars";
}

export interface SaveInput {
  name: string;
  /** A folder under a model path, ending with / (e.g. `models/`, `models/mart/sales/`). */
  folder: string;
  sql: string;
  values: Record<string, string>;
  schedule: ScheduleInput;
  timeZone: string;
}

/** The project path of the model file. */
export function modelPath(input: Pick<SaveInput, "name" | "folder">): string {
  return `${normaliseFolder(input.folder)}${input.name}.sql`;
}

export function pipelinePath(name: string): string {
  return `pipelines/${name}.yml`;
}

/** `models`, `/models/x`, `models\\x` → `models/`, `models/x/`. */
export function normaliseFolder(folder: string): string {
  const parts = folder.replace(/\\/g, "/").split("/").map((p) => p.trim()).filter(Boolean);
  return parts.length === 0 ? "" : `${parts.join("/")}/`;
}

/** The pipeline file: the schedule, each variable as a parameter with the form's value as its default, and one build step. */
export function pipelineYaml(input: SaveInput): string {
  const cron = cronOf(input.schedule);
  const params: Record<string, unknown> = {};
  for (const name of extractVariables(input.sql)) {
    const value = input.values[name] ?? "";
    const type = paramType(value);
    params[name] = { type, default: type === "int" ? Number(value.trim()) : type === "number" ? value.trim() : value };
  }
  const doc = {
    name: input.name,
    description: `Builds the model ${input.name} from ${modelPath(input)} into a warehouse table`,
    schedule: cron ? { cron, timezone: input.timeZone || "UTC" } : undefined,
    params: Object.keys(params).length > 0 ? params : undefined,
    steps: [{ build: input.name }],
  };
  return toYaml(doc);
}

/** Both files, as `POST /project/apply` takes them. */
export function projectFiles(input: SaveInput): Record<string, string> {
  return { [modelPath(input)]: modelSql(input.sql, input.values), [pipelinePath(input.name)]: pipelineYaml(input) };
}

/** A model name: letters, digits and _, starting with a letter or _ (it is a file, a table and a pipeline name). */
export function nameProblem(name: string): "nameRequired" | "nameInvalid" | null {
  if (name.trim() === "") return "nameRequired";
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? null : "nameInvalid";
}

/** A folder is a relative path of plain segments inside one of the model folders (`roots`, e.g. ["models"]). */
export function folderProblem(folder: string, roots: string[]): "folderInvalid" | "folderOutside" | null {
  const normal = normaliseFolder(folder);
  const segments = normal.split("/").filter(Boolean);
  if (segments.length === 0 || segments.some((s) => s === "." || s === ".." || s.startsWith(".") || !/^[A-Za-z0-9_-]+$/.test(s))) return "folderInvalid";
  return roots.includes(segments[0]) ? null : "folderOutside";
}

/** A value a pipeline default cannot hold as written: `{{`/`{%` would make it a template. */
export function valueProblem(value: string): "valueTemplate" | null {
  return /\{\{|\{%/.test(value) ? "valueTemplate" : null;
}
