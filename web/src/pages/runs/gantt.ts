// Geometry of a run's timeline: one row per task grouped by step, bars from start to finish (or now),
// the run's deadline and predicted finish as vertical lines, and a time axis. Pure, so it is unit-tested.
import type { Run, RunStep, RunTask } from "../../api/types";
import { isFinal, taskLabel } from "./model";

export interface GanttOptions {
  /** Width of the whole drawing in px. */
  width: number;
  /** Width of the label column on the left. */
  labelWidth?: number;
  rowHeight?: number;
  axisHeight?: number;
  /** Minutes east of UTC of the viewer's zone, so hour ticks fall on local hours. */
  zoneOffsetMinutes?: number;
}

export interface GanttBar { x: number; width: number; start: number; end: number; open: boolean }
export interface GanttRow {
  key: string;
  kind: "step" | "task";
  label: string;
  step: string;
  /** The row's task; for a step of one task its row is the task's. */
  task: RunTask | null;
  state: string;
  y: number;
  bar: GanttBar | null;
}
export interface GanttMarker { x: number; at: number }
/** A deadline or predicted finish; `beyond` when it lies past the drawn span (drawn at its right edge). */
export interface GanttLine extends GanttMarker { beyond: boolean }
export interface GanttLayout {
  width: number;
  height: number;
  labelWidth: number;
  axisHeight: number;
  rowHeight: number;
  plotLeft: number;
  plotRight: number;
  start: number;
  end: number;
  rows: GanttRow[];
  deadline: GanttLine | null;
  eta: GanttLine | null;
  now: GanttMarker | null;
  ticks: GanttMarker[];
  tickStep: number;
}

const tickSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

/** A tick spacing that gives at most `max` ticks over `span` ms. */
export function tickStepFor(span: number, max = 6): number {
  return tickSteps.find((s) => span / s <= max) ?? Math.ceil(span / max / 86_400_000) * 86_400_000;
}

const time = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

type RunTimes = Pick<Run, "state" | "created_at" | "started_at" | "finished_at" | "deadline_at" | "eta">;

/** Lays out the timeline of a run at `now` (ms since the epoch). */
export function ganttLayout(run: RunTimes, steps: RunStep[], tasks: RunTask[], now: number, options: GanttOptions): GanttLayout {
  const labelWidth = options.labelWidth ?? 180;
  const rowHeight = options.rowHeight ?? 22;
  const axisHeight = options.axisHeight ?? 24;
  const plotLeft = labelWidth;
  const plotRight = Math.max(plotLeft + 50, options.width - 12);
  const runOpen = !isFinal(run.state);

  // The span: from the first start to the last finish (or now), widened to show the deadline and the predicted finish.
  const starts = [time(run.started_at), ...tasks.map((t) => time(t.started_at))].filter((t): t is number => t !== null);
  const start = starts.length > 0 ? Math.min(...starts) : (time(run.created_at) ?? now);
  const ends: number[] = [start];
  const runEnd = time(run.finished_at);
  if (runEnd !== null) ends.push(runEnd);
  else if (runOpen) ends.push(now);
  for (const task of tasks) {
    const finished = time(task.finished_at);
    if (finished !== null) ends.push(finished);
    else if (task.started_at && runOpen) ends.push(now);
  }
  // The deadline and the predicted finish widen the span, but not past three times the work's own span (at least
  // two minutes ahead): a far deadline is drawn at the right edge, so a short run does not shrink to a sliver.
  const workEnd = Math.max(...ends);
  const reach = workEnd + 2 * Math.max(workEnd - start, 60_000);
  const deadlineAt = time(run.deadline_at);
  const etaAt = time(run.eta);
  for (const at of [deadlineAt, etaAt]) if (at !== null) ends.push(Math.min(at, reach));
  const end = Math.max(Math.max(...ends), start + 1000);
  const x = (t: number) => plotLeft + ((t - start) / (end - start)) * (plotRight - plotLeft);

  const barOf = (task: RunTask): GanttBar | null => {
    const s = time(task.started_at);
    if (s === null) return null;
    const f = time(task.finished_at);
    const open = f === null;
    const e = f ?? (runOpen ? now : (runEnd ?? s));
    const x0 = x(Math.max(s, start));
    return { x: x0, width: Math.max(2, x(Math.max(e, s)) - x0), start: s, end: e, open };
  };

  // Rows: steps in their order; a step of one task without an item is one row, a fan-out a heading and a row per item.
  const rows: GanttRow[] = [];
  const ordered = [...steps].sort((a, b) => a.ordinal - b.ordinal);
  const known = new Set(ordered.map((s) => s.name));
  const groups: { name: string; state: string }[] = ordered.map((s) => ({ name: s.name, state: s.state }));
  for (const task of tasks) if (!known.has(task.step)) { known.add(task.step); groups.push({ name: task.step, state: task.state }); }
  let y = axisHeight;
  for (const group of groups) {
    const own = tasks.filter((t) => t.step === group.name).sort((a, b) => a.id - b.id);
    if (own.length === 1 && !own[0].item) {
      rows.push({ key: `t${own[0].id}`, kind: "task", label: group.name, step: group.name, task: own[0], state: own[0].state, y, bar: barOf(own[0]) });
      y += rowHeight;
      continue;
    }
    rows.push({ key: `s${group.name}`, kind: "step", label: group.name, step: group.name, task: null, state: group.state, y, bar: null });
    y += rowHeight;
    for (const task of own) {
      rows.push({ key: `t${task.id}`, kind: "task", label: task.item ?? taskLabel(task), step: group.name, task, state: task.state, y, bar: barOf(task) });
      y += rowHeight;
    }
  }

  const line = (at: number | null): GanttLine | null => (at === null ? null : { x: x(Math.max(start, Math.min(at, end))), at, beyond: at > end });

  const tickStep = tickStepFor(end - start);
  const offset = (options.zoneOffsetMinutes ?? 0) * 60_000;
  const ticks: GanttMarker[] = [];
  for (let t = Math.ceil((start + offset) / tickStep) * tickStep - offset; t <= end; t += tickStep) ticks.push({ x: x(t), at: t });

  return {
    width: options.width,
    height: y + 8,
    labelWidth,
    axisHeight,
    rowHeight,
    plotLeft,
    plotRight,
    start,
    end,
    rows,
    deadline: line(deadlineAt),
    eta: line(etaAt),
    now: runOpen && now >= start && now <= end ? { x: x(now), at: now } : null,
    ticks,
    tickStep,
  };
}
