import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Run } from "../../api/types";
import { json, renderPage, stubApi } from "../runs/test-utils";
import Page, { deadlineWatch } from "./index";

const now = Date.now();
const iso = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
const run = (id: number, over: Partial<Run> = {}): Run => ({
  id, pipeline: "daily", trigger: "schedule", logical_date: "2026-12-06", state: "succeeded", params: {},
  scheduled_at: iso(-60), created_at: iso(0), started_at: iso(-1), finished_at: iso(0), deadline_at: null, eta: null, slo: null, error: null, ...over,
});

afterEach(() => vi.unstubAllGlobals());

describe("home", () => {
  const atRisk = run(7, { pipeline: "nightly", state: "running", finished_at: null, deadline_at: iso(30), eta: iso(45), slo: "at_risk" });
  const runs = [atRisk, run(6, { state: "failed", error: "step load failed" }), run(5), run(4, { created_at: "2020-01-01T00:00:00Z" })];

  it("lists an at-risk run with its deadline and predicted finish, today's counts and failures", async () => {
    const { calls } = stubApi(({ url }) => {
      if (url.pathname === "/api/v1/runs" && url.searchParams.get("state") === "failed") return json({ items: [runs[1]], next: null });
      if (url.pathname === "/api/v1/runs") return json({ items: runs, next: null });
      if (url.pathname === "/api/v1/stats/daily") return json({ items: [{ date: "2026-12-05", runs: 3, succeeded: 3, failed: 0, rows: 1200, bytes: 4096 }, { date: "2026-12-06", runs: 2, succeeded: 1, failed: 1, rows: 800, bytes: 1024 }] });
    });
    renderPage(<Page sub={[]} />, "/");
    const watch = await screen.findByRole("table", { name: "Late or at risk" });
    const row = within(watch).getByRole("link", { name: "#7 nightly" }).closest("tr")!;
    const format = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "medium" });
    expect(within(row).getByText(format.format(new Date(atRisk.eta!)))).toBeTruthy();
    expect(within(row).getByText(format.format(new Date(atRisk.deadline_at!)))).toBeTruthy();
    expect(within(row).getByText("At risk")).toBeTruthy();
    expect(within(watch).getAllByRole("row")).toHaveLength(2);

    const cards = screen.getByRole("list", { name: "Today" });
    expect(within(cards).getAllByRole("listitem")[0].textContent).toBe("3Runs today");
    const failures = await screen.findByRole("list", { name: "Recent failures" });
    expect(within(failures).getByRole("link", { name: "#6 daily" }).getAttribute("href")).toBe("/runs/6");
    expect(within(failures).getByText("step load failed")).toBeTruthy();

    expect(await screen.findByRole("img", { name: "Rows moved per day, last 2 days" })).toBeTruthy();
    expect(calls.find((c) => c.url.pathname === "/api/v1/stats/daily")!.url.searchParams.get("days")).toBe("14");
  });

  it("shows the chart's empty state while the server has no daily statistics", async () => {
    stubApi(({ url }) => (url.pathname === "/api/v1/runs" ? json({ items: [], next: null }) : undefined));
    renderPage(<Page sub={[]} />, "/");
    expect(await screen.findByText("No daily statistics yet.")).toBeTruthy();
    await waitFor(() => expect(screen.getByText("No run is late or at risk of missing its deadline.")).toBeTruthy());
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("watches late, at-risk and unfinished runs with a deadline, the most urgent first", () => {
    const list = deadlineWatch([
      run(1, { state: "running", finished_at: null, deadline_at: iso(10), slo: "on_track" }),
      run(2, { state: "running", finished_at: null, deadline_at: iso(20), slo: "late" }),
      run(3, { deadline_at: iso(-5), slo: "met" }),
      run(4, { state: "running", finished_at: null }),
      run(5, { state: "running", finished_at: null, deadline_at: iso(5), slo: "at_risk" }),
    ]);
    expect(list.map((r) => r.id)).toEqual([2, 5, 1]);
  });
});
