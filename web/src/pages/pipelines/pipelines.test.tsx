import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Pipeline } from "../../api/types";
import { json, renderPage, stubApi } from "../runs/test-utils";
import Page from "./index";

const daily: Pipeline = {
  name: "daily", description: "Nightly load", schedule: "0 3 * * *", time_zone: "Asia/Tokyo", max_active_runs: 1, file: "pipelines/daily.yml", after: [],
  params: [
    { name: "target_date", type: "date", default: "{{ yesterday }}", description: "Day to load" },
    { name: "limit", type: "int", default: "100", description: null },
    { name: "full", type: "bool", default: "false", description: null },
    { name: "region", type: "string", default: "apac", description: null },
  ],
  steps: ["extract", "load"],
  steps_detail: [
    { name: "extract", kind: "sync", target: "app_to_lake", after: [], deadline: null },
    { name: "load", kind: "build", target: "+mart_sales", after: ["extract"], deadline: { time: null, time_zone: "Asia/Tokyo", max_duration_seconds: 1800 } },
  ],
  deadline: { time: "08:00", time_zone: "Asia/Tokyo", max_duration_seconds: null },
  next_run_at: "2026-12-06T18:00:00Z",
  last_run: { id: 7, state: "succeeded", logical_date: "2026-12-05", finished_at: "2026-12-05T19:00:00Z", slo: "met" },
};

afterEach(() => vi.unstubAllGlobals());

describe("pipeline page", () => {
  it("runs the pipeline with typed parameters and opens the run", async () => {
    const { calls } = stubApi(({ method, url }) => {
      if (url.pathname === "/api/v1/pipelines/daily") return json(daily);
      if (url.pathname === "/api/v1/runs") return json({ items: [], next: null });
      if (method === "POST" && url.pathname === "/api/v1/pipelines/daily/runs") return json({ id: 42, state: "running", existing: false, url: "/api/v1/runs/42" }, 201);
    });
    renderPage(<Page sub={["daily"]} />, "/pipelines/daily");
    const limit = await screen.findByLabelText("limit");
    expect(limit.getAttribute("type")).toBe("number");
    expect((limit as HTMLInputElement).value).toBe("100");
    expect((screen.getByLabelText("target_date") as HTMLInputElement).type).toBe("date");
    expect((screen.getByLabelText("full") as HTMLInputElement).type).toBe("checkbox");
    expect(screen.getByTestId("node-load")).toBeTruthy();
    expect(screen.getByText("by 08:00 (Asia/Tokyo)")).toBeTruthy();

    fireEvent.change(screen.getByLabelText("target_date"), { target: { value: "2026-12-01" } });
    fireEvent.change(limit, { target: { value: "10" } });
    fireEvent.click(screen.getByLabelText("full"));
    fireEvent.change(screen.getByLabelText("Logical date"), { target: { value: "2026-12-02" } });
    fireEvent.click(screen.getByRole("button", { name: "Run" }));

    await waitFor(() => expect(window.location.pathname).toBe("/runs/42"));
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.url.pathname).toBe("/api/v1/pipelines/daily/runs");
    expect(post.body).toEqual({ params: { target_date: "2026-12-01", limit: "10", full: "true", region: "apac" }, date: "2026-12-02" });
  });

  it("shows the server's problem beside the parameter it names", async () => {
    stubApi(({ method, url }) => {
      if (url.pathname === "/api/v1/pipelines/daily") return json(daily);
      if (url.pathname === "/api/v1/runs") return json({ items: [], next: null });
      if (method === "POST") return json({ type: "about:blank", title: "Bad request", status: 400, detail: "Parameter 'target_date' must be a date (yyyy-MM-dd).", field: "$.params.target_date" }, 400);
    });
    renderPage(<Page sub={["daily"]} />, "/pipelines/daily");
    fireEvent.change(await screen.findByLabelText("target_date"), { target: { value: "2026-02-30" } });
    fireEvent.click(screen.getByRole("button", { name: "Run" }));
    const input = screen.getByLabelText("target_date");
    await waitFor(() => expect(input.getAttribute("aria-invalid")).toBe("true"));
    const message = document.getElementById(input.getAttribute("aria-describedby")!)!;
    expect(message.textContent).toBe("Parameter 'target_date' must be a date (yyyy-MM-dd).");
    expect(screen.getAllByRole("alert")).toHaveLength(1); // beside the field, not in a banner too
    expect(window.location.pathname).toBe("/pipelines/daily");
  });

  it("backfills a range and lists the runs it created", async () => {
    const { calls } = stubApi(({ method, url }) => {
      if (url.pathname === "/api/v1/pipelines/daily") return json(daily);
      if (url.pathname === "/api/v1/runs") return json({ items: [], next: null });
      if (method === "POST" && url.pathname === "/api/v1/pipelines/daily/backfill") return json({ runs: [{ id: 50, logical_date: "2026-11-01", existing: false }, { id: 9, logical_date: "2026-11-02", existing: true }] }, 201);
    });
    renderPage(<Page sub={["daily"]} />, "/pipelines/daily");
    fireEvent.click(await screen.findByText("Backfill"));
    fireEvent.change(await screen.findByLabelText("From"), { target: { value: "2026-11-01" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2026-11-02" } });
    fireEvent.click(screen.getByRole("button", { name: "Start backfill" }));
    const done = await screen.findByText("1 runs created, 1 already existed.");
    expect(within(done.parentElement!).getByRole("link", { name: "#50" }).getAttribute("href")).toBe("/runs/50");
    expect(calls.find((c) => c.method === "POST")!.body).toEqual({ from: "2026-11-01", to: "2026-11-02", params: { limit: "100", full: "false", region: "apac" } });
  });

  it("lists pipelines, hiding what the server does not send", async () => {
    const { deadline: _d, next_run_at: _n, last_run: _l, steps_detail: _s, ...plain } = daily;
    stubApi(({ url }) => (url.pathname === "/api/v1/pipelines" ? json({ items: [{ ...plain, name: "hourly" }, daily] }) : undefined));
    renderPage(<Page sub={[]} />, "/pipelines");
    expect(await screen.findByRole("link", { name: "hourly" })).toBeTruthy();
    expect(screen.getByRole("columnheader", { name: "Next run" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "#7" }).getAttribute("href")).toBe("/runs/7");
    expect(screen.getByText("Met")).toBeTruthy();

    cleanup();
    stubApi(({ url }) => (url.pathname === "/api/v1/pipelines" ? json({ items: [plain] }) : undefined));
    renderPage(<Page sub={[]} />, "/pipelines");
    expect(await screen.findByRole("link", { name: "daily" })).toBeTruthy();
    expect(screen.queryByRole("columnheader", { name: "Next run" })).toBeNull();
    expect(screen.queryByRole("columnheader", { name: "Last run" })).toBeNull();
  });
});
