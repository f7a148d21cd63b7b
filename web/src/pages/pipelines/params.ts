// Values of a pipeline's parameters in a form: text per parameter, sent as the API takes them
// (strings checked by the server against each parameter's type).
import type { PipelineParam } from "../../api/types";

/** A default that is a template (`{{ yesterday }}`) is rendered when the run starts, so the form leaves it empty. */
export const isTemplate = (value: string | null): boolean => value !== null && value.includes("{{");

/** The form's first values: literal defaults; empty for template defaults and required parameters (a required bool is false). */
export function initialValues(params: PipelineParam[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const p of params) values[p.name] = p.default !== null && !isTemplate(p.default) ? p.default : p.type === "bool" && p.default === null ? "false" : "";
  return values;
}

/** The parameters to send: each one with a value (an empty one is left to its default). */
export function paramsToSend(params: PipelineParam[], values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params) {
    const v = (values[p.name] ?? "").trim();
    if (v !== "") out[p.name] = v;
  }
  return out;
}

/** Names of required parameters (no default) left empty. */
export function missingParams(params: PipelineParam[], values: Record<string, string>): string[] {
  return params.filter((p) => p.default === null && (values[p.name] ?? "").trim() === "").map((p) => p.name);
}
