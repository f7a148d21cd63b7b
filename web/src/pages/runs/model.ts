// Run states and shapes as the server writes them (src/Nagare.Runtime/Pipelines/Store: RunStates,
// and the snake_case names of SloStatus), plus the shapes this page needs that api/types.ts lacks.
import type { Run, RunAttempt, RunTask } from "../../api/types";

/** States of runs (queued … skipped) and of steps and tasks (also waiting, ready, upstream_failed). */
export const runStates = ["queued", "running", "succeeded", "failed", "cancelled", "skipped"] as const;
/** Where a run stands against its deadline. */
export const sloStates = ["on_track", "at_risk", "late", "met", "missed"] as const;

const finalStates = new Set(["succeeded", "failed", "cancelled", "skipped", "upstream_failed"]);
/** True for states nothing changes any more (until a re-run). */
export const isFinal = (state: string): boolean => finalStates.has(state);
/** A run that is still to do something: queued or running. */
export const isActive = (state: string): boolean => state === "queued" || state === "running";
export const canCancel = (state: string): boolean => isActive(state);
export const canRerun = (state: string): boolean => state === "failed" || state === "cancelled";

/** A log line as GET /runs/{id}/logs and its `line` events carry it. */
export interface LogEntry { id: number; attempt_id: number; at: string; line: string }
export interface LogPage { items: LogEntry[]; next?: string | null }
export interface RunPage { items: Run[]; next?: string | null }

/** The `before` cursor of a list's `next` URL, or null on the last page. */
export function beforeOf(next: string | null | undefined): string | null {
  if (!next) return null;
  const query = next.includes("?") ? next.slice(next.indexOf("?") + 1) : "";
  return new URLSearchParams(query).get("before");
}

/** Milliseconds from start to finish (or to now while unfinished), or null before it started. */
export function elapsed(startedAt: string | null, finishedAt: string | null, now: number): number | null {
  if (!startedAt) return null;
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return Math.max(0, end - Date.parse(startedAt));
}

/** "step" or "step [item]": how a task is named in tables, the timeline and the log. */
export const taskLabel = (task: Pick<RunTask, "step" | "item">): string => (task.item ? `${task.step} [${task.item}]` : task.step);

/** The task each attempt belongs to, to name log lines. */
export function attemptLabels(tasks: RunTask[], attempts: RunAttempt[]): Map<number, string> {
  const byTask = new Map(tasks.map((t) => [t.id, t]));
  const labels = new Map<number, string>();
  for (const a of attempts) {
    const task = byTask.get(a.task_id);
    if (task) labels.set(a.id, `${taskLabel(task)} #${a.number}`);
  }
  return labels;
}

const pairs = (values: Record<string, unknown>): [string, string][] =>
  Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A run's stored arguments, `{"params": {…}, "builtins": {…}}`, as "name=value" pairs (an object without them is taken as the parameters). */
export function runArguments(stored: Record<string, unknown> | null | undefined): { params: [string, string][]; builtins: [string, string][] } {
  if (!stored) return { params: [], builtins: [] };
  if (isObject(stored.params) || isObject(stored.builtins)) {
    return { params: isObject(stored.params) ? pairs(stored.params) : [], builtins: isObject(stored.builtins) ? pairs(stored.builtins) : [] };
  }
  return { params: pairs(stored), builtins: [] };
}

/** True when the ISO time falls on the same local calendar day as `now`. */
export function isSameLocalDay(iso: string | null | undefined, now: Date): boolean {
  if (!iso) return false;
  const d = new Date(iso);
  return d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
}
