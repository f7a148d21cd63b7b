import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Run, RunDetail } from "../../api/types";
import Page from "./index";
import { FakeEventSource, json, renderPage, stubApi } from "./test-utils";

const run = (id: number, over: Partial<Run> = {}): Run => ({
  id, pipeline: "daily", trigger: "manual", logical_date: "2026-12-06", state: "succeeded", params: { params: { limit: 10 }, builtins: { ds: "2026-12-06" } },
  scheduled_at: "2026-12-06T03:00:00Z", created_at: "2026-12-06T03:00:00Z", started_at: "2026-12-06T03:00:00Z", finished_at: "2026-12-06T03:01:00Z",
  deadline_at: null, eta: null, slo: null, error: null, ...over,
});

beforeEach(() => {
  FakeEventSource.instances = [];
  vi.stubGlobal("EventSource", FakeEventSource);
});
afterEach(() => vi.unstubAllGlobals());

describe("runs list", () => {
  it("puts the pipeline and state filters in the request and the URL, and pages with Older", async () => {
    const { calls } = stubApi(({ url }) => {
      if (url.pathname === "/api/v1/pipelines") return json({ items: [{ name: "daily" }, { name: "hourly" }] });
      if (url.pathname !== "/api/v1/runs") return undefined;
      if (url.searchParams.get("before") === "10") return json({ items: [run(9, { state: "failed" })], next: null });
      return json({ items: [run(11, { state: "failed" }), run(10, { state: "failed" })], next: "/api/v1/runs?before=10&limit=50&pipeline=daily&state=failed" });
    });
    renderPage(<Page sub={[]} />, "/runs?pipeline=daily");
    await screen.findByRole("link", { name: "#11" });
    const first = calls.find((c) => c.url.pathname === "/api/v1/runs")!;
    expect(first.url.searchParams.get("pipeline")).toBe("daily");
    expect(first.url.searchParams.get("state")).toBeNull();
    expect((screen.getByLabelText("Pipeline") as HTMLSelectElement).value).toBe("daily");

    fireEvent.change(screen.getByLabelText("State"), { target: { value: "failed" } });
    await waitFor(() => expect(calls.some((c) => c.url.searchParams.get("state") === "failed")).toBe(true));
    const filtered = calls.find((c) => c.url.searchParams.get("state") === "failed")!;
    expect(filtered.url.searchParams.get("pipeline")).toBe("daily");
    expect(filtered.url.searchParams.get("limit")).toBe("50");
    expect(new URLSearchParams(window.location.search).get("state")).toBe("failed");
    expect(new URLSearchParams(window.location.search).get("pipeline")).toBe("daily");

    await screen.findByRole("link", { name: "#11" });
    fireEvent.click(screen.getByRole("button", { name: "Older" }));
    expect(await screen.findByRole("link", { name: "#9" })).toBeTruthy();
    const older = calls.find((c) => c.url.searchParams.get("before") === "10")!;
    expect(Object.fromEntries(older.url.searchParams)).toEqual({ limit: "50", pipeline: "daily", state: "failed", before: "10" });
    expect(screen.queryByRole("button", { name: "Older" })).toBeNull();
  });
});

describe("a run", () => {
  const now = Date.now();
  const iso = (offsetSeconds: number) => new Date(now + offsetSeconds * 1000).toISOString();
  const running: RunDetail = {
    run: run(42, { state: "running", started_at: iso(-60), created_at: iso(-60), finished_at: null, deadline_at: iso(120), eta: iso(90), slo: "on_track", params: { params: { target_date: "2026-12-01", limit: 10, full: true }, builtins: { logical_date: "2026-12-06" } } }),
    steps: [
      { name: "extract", ordinal: 0, state: "succeeded", total: 1, done: 1, failed: 0, running: 0, after: [], ready_at: iso(-60), started_at: iso(-60), finished_at: iso(-30) },
      { name: "load", ordinal: 1, state: "running", total: 2, done: 1, failed: 0, running: 1, after: ["extract"], ready_at: iso(-30), started_at: iso(-30), finished_at: null },
    ],
    tasks: [
      { id: 1, step: "extract", item: null, state: "succeeded", attempts: 1, started_at: iso(-60), finished_at: iso(-30), rows: 1234, bytes: 2048, error: null },
      { id: 2, step: "load", item: "a", state: "succeeded", attempts: 2, started_at: iso(-30), finished_at: iso(-10), rows: 10, bytes: 100, error: null },
      { id: 3, step: "load", item: "b", state: "running", attempts: 1, started_at: iso(-20), finished_at: null, rows: null, bytes: null, error: null },
    ],
    attempts: [
      { id: 100, task_id: 1, number: 1, worker: "w1", state: "succeeded", started_at: iso(-60), finished_at: iso(-30), rows: 1234, bytes: 2048, error: null },
      { id: 101, task_id: 2, number: 1, worker: "w1", state: "failed", started_at: iso(-30), finished_at: iso(-25), rows: null, bytes: null, error: "connection reset" },
      { id: 102, task_id: 2, number: 2, worker: "w1", state: "succeeded", started_at: iso(-25), finished_at: iso(-10), rows: 10, bytes: 100, error: null },
    ],
  };

  it("shows the run, its timeline and tasks, follows its log live, and cancels it", async () => {
    let cancelled = false;
    const { calls } = stubApi(({ method, url }) => {
      if (method === "GET" && url.pathname === "/api/v1/runs/42") return json(cancelled ? { ...running, run: { ...running.run, state: "cancelled", finished_at: iso(0) } } : running);
      if (method === "GET" && url.pathname === "/api/v1/runs/42/logs") return json({ items: [], next: null });
      if (method === "POST" && url.pathname === "/api/v1/runs/42/cancel") {
        cancelled = true;
        return json({ ...running.run, state: "cancelled" });
      }
    });
    renderPage(<Page sub={["42"]} />, "/runs/42");
    expect(await screen.findByRole("heading", { name: "Run #42 of daily" })).toBeTruthy();
    expect(screen.getByRole("status", { name: "Run state" }).textContent).toBe("Running");
    expect(within(screen.getByRole("list", { name: "Parameters" })).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["target_date=2026-12-01", "limit=10", "full=true"]);
    expect(screen.getByTestId("bar-1").querySelector("title")!.textContent).toContain("1,234");
    expect(screen.getByTestId("bar-3")).toBeTruthy();
    const tasks = screen.getByRole("table", { name: "Tasks" });
    expect(within(tasks).getByText("load [a]")).toBeTruthy();
    expect(within(tasks).getByText("2.0 KB")).toBeTruthy();
    expect(within(tasks).getByText("connection reset")).toBeTruthy();
    expect(within(screen.getByRole("table", { name: "Steps" })).getByText("1 / 2")).toBeTruthy();

    // The log comes as server-sent events from the line after the last seen.
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const source = FakeEventSource.instances[0];
    expect(source.url).toBe("/api/v1/runs/42/logs?after=0");
    act(() => {
      source.emit("line", { id: 5, attempt_id: 100, at: iso(-50), line: "extracted 1234 rows" }, 5);
      source.emit("line", { id: 6, attempt_id: 102, at: iso(-12), line: "loaded shard a" }, 6);
      source.emit("line", { id: 6, attempt_id: 102, at: iso(-12), line: "loaded shard a" }, 6);
    });
    const log = screen.getByRole("log", { name: "Log" });
    expect(within(log).getByText("extracted 1234 rows")).toBeTruthy();
    expect(within(log).getAllByText("loaded shard a")).toHaveLength(1);
    expect(within(log).getByText("load [a] #2")).toBeTruthy();
    act(() => source.emit("end", { state: "succeeded" }));
    expect(source.readyState).toBe(FakeEventSource.CLOSED);

    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.getByRole("status", { name: "Run state" }).textContent).toBe("Cancelled"));
    expect(calls.some((c) => c.method === "POST" && c.url.pathname === "/api/v1/runs/42/cancel")).toBe(true);
    expect(screen.getByRole("button", { name: "Retry" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
  });

  it("reads a finished run's log as JSON pages and offers Retry after a failure", async () => {
    const failed: RunDetail = { ...running, run: { ...running.run, state: "failed", finished_at: iso(0), eta: null, slo: "met", error: "step load failed" } };
    const { calls } = stubApi(({ method, url }) => {
      if (method === "GET" && url.pathname === "/api/v1/runs/42") return json(failed);
      if (url.pathname === "/api/v1/runs/42/logs") return json({ items: [{ id: 1, attempt_id: 100, at: iso(-50), line: "hello from the log" }], next: "/api/v1/runs/42/logs?after=1" });
      if (method === "POST" && url.pathname === "/api/v1/runs/42/rerun") return json({ ...failed.run, state: "running" });
    });
    renderPage(<Page sub={["42"]} />, "/runs/42");
    expect(await screen.findByText("hello from the log")).toBeTruthy();
    expect(FakeEventSource.instances).toHaveLength(0);
    expect(calls.find((c) => c.url.pathname === "/api/v1/runs/42/logs")!.url.searchParams.get("after")).toBe("0");
    expect(screen.getAllByText("step load failed").length).toBeGreaterThan(0);
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST" && c.url.pathname === "/api/v1/runs/42/rerun")).toBe(true));
  });

  it("offers no Cancel or Retry to viewers", async () => {
    stubApi(({ url }) => (url.pathname === "/api/v1/runs/42" ? json(running) : url.pathname.endsWith("/logs") ? json({ items: [] }) : undefined), "viewer");
    renderPage(<Page sub={["42"]} />, "/runs/42");
    await screen.findByRole("heading", { name: "Run #42 of daily" });
    expect(screen.getAllByText("Predicted finish").length).toBeGreaterThan(0);
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
  });
});
