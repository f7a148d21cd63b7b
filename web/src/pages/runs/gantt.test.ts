import { describe, expect, it } from "vitest";
import type { RunStep, RunTask } from "../../api/types";
import { ganttLayout, tickStepFor } from "./gantt";

const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 3, 0, s)).toISOString();
const t0 = Date.parse(at(0));
const step = (name: string, ordinal: number, state: string, after: string[] = []): RunStep =>
  ({ name, ordinal, state, total: 1, done: state === "succeeded" ? 1 : 0, failed: 0, running: state === "running" ? 1 : 0, after, ready_at: null, started_at: null, finished_at: null });
const task = (id: number, stepName: string, state: string, start: number | null, end: number | null, item: string | null = null): RunTask =>
  ({ id, step: stepName, item, state, attempts: start === null ? 0 : 1, started_at: start === null ? null : at(start), finished_at: end === null ? null : at(end), rows: 100 * id, bytes: 1000 * id, error: null });

describe("gantt layout", () => {
  // A running run: extract (0–40 s) succeeded, load running since 40 s (now 60 s), report waiting; deadline at 100 s, eta at 80 s.
  const run = { state: "running", created_at: at(0), started_at: at(0), finished_at: null, deadline_at: at(100), eta: at(80) };
  const steps = [step("extract", 0, "succeeded"), step("load", 1, "running", ["extract"]), step("report", 2, "waiting", ["load"])];
  const tasks = [task(1, "extract", "succeeded", 0, 40), task(2, "load", "running", 40, null), task(3, "report", "waiting", null, null)];
  const layout = ganttLayout(run, steps, tasks, t0 + 60_000, { width: 1212, labelWidth: 200, rowHeight: 20, axisHeight: 30 });
  const perSecond = (1200 - 200) / 100; // plot 200..1200 px over 0..100 s

  it("spans from the first start to the deadline", () => {
    expect(layout.start).toBe(t0);
    expect(layout.end).toBe(t0 + 100_000);
    expect(layout.plotLeft).toBe(200);
    expect(layout.plotRight).toBe(1200);
  });

  it("has one row per task in step order, each below the axis", () => {
    expect(layout.rows.map((r) => [r.label, r.kind, r.y])).toEqual([["extract", "task", 30], ["load", "task", 50], ["report", "task", 70]]);
    expect(layout.height).toBe(30 + 3 * 20 + 8);
  });

  it("draws bars from start to finish, a running task to now, none for a task not started", () => {
    const [extract, load, report] = layout.rows;
    expect(extract.bar).toMatchObject({ x: 200, width: 40 * perSecond, open: false });
    expect(load.bar).toMatchObject({ x: 200 + 40 * perSecond, width: 20 * perSecond, open: true });
    expect(report.bar).toBeNull();
  });

  it("places the deadline, the predicted finish and now", () => {
    expect(layout.deadline).toEqual({ x: 1200, at: t0 + 100_000, beyond: false });
    expect(layout.eta).toEqual({ x: 200 + 80 * perSecond, at: t0 + 80_000, beyond: false });
    expect(layout.now?.x).toBe(200 + 60 * perSecond);
  });

  it("has ticks on round times within the span", () => {
    expect(layout.tickStep).toBe(30_000);
    expect(layout.ticks.map((k) => (k.at - t0) / 1000)).toEqual([0, 30, 60, 90]);
    expect(layout.ticks[1].x).toBe(200 + 30 * perSecond);
  });

  it("groups the tasks of a fan-out step under a heading row", () => {
    const fan = ganttLayout(
      { state: "succeeded", created_at: at(0), started_at: at(0), finished_at: at(30), deadline_at: null, eta: null },
      [step("shards", 0, "succeeded")],
      [task(5, "shards", "succeeded", 0, 10, "shard_a"), task(6, "shards", "succeeded", 5, 30, "shard_b")],
      t0 + 999_000,
      { width: 412, labelWidth: 100, rowHeight: 20, axisHeight: 20 },
    );
    expect(fan.rows.map((r) => [r.kind, r.label])).toEqual([["step", "shards"], ["task", "shard_a"], ["task", "shard_b"]]);
    expect(fan.end).toBe(t0 + 30_000); // a finished run ends at its last finish, not at now
    expect(fan.deadline).toBeNull();
    expect(fan.now).toBeNull();
    expect(fan.rows[2].bar).toMatchObject({ x: 100 + (5 / 30) * 300, width: (25 / 30) * 300 });
  });

  it("keeps a far deadline at the right edge instead of shrinking the work", () => {
    const far = ganttLayout({ ...run, deadline_at: at(3600) }, steps, tasks, t0 + 60_000, { width: 1212, labelWidth: 200 });
    expect(far.end).toBe(t0 + 180_000); // the work spans 60 s: drawn up to 60 + 2 × 60 s
    expect(far.deadline).toEqual({ x: 1200, at: t0 + 3_600_000, beyond: true });
    expect(far.eta).toMatchObject({ at: t0 + 80_000, beyond: false });
  });

  it("picks tick steps that give at most six ticks", () => {
    expect(tickStepFor(5_000)).toBe(1_000);
    expect(tickStepFor(10 * 60_000)).toBe(120_000);
    expect(tickStepFor(5 * 3_600_000)).toBe(3_600_000);
  });
});
