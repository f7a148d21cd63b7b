import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import type { Activation, ActivationPlan } from "../../api/types";
import { json, renderPage, stubApi, type Call } from "../connections/test-utils";
import Page from "./index";

const activations: Activation[] = [
  { name: "export", destination: "appdb.t", mode: "mirror", description: "orders to the app", file: "activations/export.yml", problem: null },
  { name: "broken", destination: null, mode: null, description: null, file: "activations/broken.yml", problem: "no connection named 'nowhere'" },
];

const plan: ActivationPlan = {
  activation: "export", destination: "appdb.t", mode: "mirror", result_rows: 3, inserts: 3, updates: 0, deletes: 0, unchanged: 0,
  sends_all: false, first_run: true,
  samples: { insert: [{ id: "1", region: "tokyo" }, { id: "2", region: "osaka" }, { id: "3", region: "tokyo" }], update: [], delete: [] },
};

const handler = (c: Call) => {
  if (c.method === "GET" && c.path === "activations") return json({ items: activations });
  if (c.method === "POST" && c.path === "activations/export/plan") return json(plan);
  if (c.method === "POST" && c.path === "activations/export/runs") return json({ id: 42, state: "queued", existing: false, url: "/api/v1/runs/42" }, 201);
  return undefined;
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("activations", () => {
  it("lists activations with destination, mode and problem", async () => {
    stubApi(handler, "viewer");
    renderPage(<Page sub={[]} />, "/activations");
    expect(await screen.findByRole("link", { name: "export" })).toBeTruthy();
    expect(screen.getByText("mirror")).toBeTruthy();
    expect(screen.getByText("no connection named 'nowhere'")).toBeTruthy();
  });

  it("shows the dry run's counts and samples, and runs only after a preview", async () => {
    const api = stubApi(handler);
    renderPage(<Page sub={["export"]} />, "/activations/export");
    const run = await screen.findByRole("button", { name: "Run now" });
    expect((run as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole("button", { name: "Preview changes" }));

    expect((await screen.findByTestId("plan-inserts")).textContent).toBe("3");
    expect(screen.getByTestId("plan-updates").textContent).toBe("0");
    expect(screen.getByText(/First run/)).toBeTruthy();
    expect(screen.getByRole("table", { name: "Sample inserts" }).textContent).toContain("osaka");
    expect(api.sent("POST", "activations/export/plan")[0].body).toEqual({ full: false });
    expect(api.sent("POST", "activations/export/runs")).toHaveLength(0);

    await waitFor(() => expect((screen.getByRole("button", { name: "Run now" }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByRole("button", { name: "Run now" }));

    expect(await screen.findByRole("link", { name: "Open run #42" })).toBeTruthy();
    expect(api.sent("POST", "activations/export/runs")).toHaveLength(1);
    expect(api.sent("POST", "activations/export/runs")[0].body).toEqual({ full: false });
  });
});
