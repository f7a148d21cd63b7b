import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { GrantMatrix } from "./GrantMatrix";
import { json, Providers, stubApi } from "./test-utils";
import type { RoleRecord } from "./types";

const role = (name: string, level: RoleRecord["level"], grants: RoleRecord["grants"], version = 1, extra: Partial<RoleRecord> = {}): RoleRecord =>
  ({ name, level, grants, description: null, builtin: true, version, masks: [], row_filters: [], ...extra });

const roles = [
  role("admin", "admin", [{ pattern: "*", privilege: "admin" }]),
  role("analyst", "analyst", [{ pattern: "*", privilege: "read" }, { pattern: "dwh_secret", privilege: "none" }], 2),
  role("viewer", "viewer", [{ pattern: "mart_*", privilege: "read" }], 3, { masks: [{ table: "mart_sales.customers", column: "email", with: "hash" }] }),
];

afterEach(() => vi.unstubAllGlobals());

describe("grant matrix", () => {
  it("shows each role's privilege per dataset and pattern", async () => {
    stubApi({
      "GET /api/v1/roles": json({ items: roles }),
      "GET /api/v1/datasets": json({ items: [{ name: "mart_sales", privilege: "admin", tables: 3 }, { name: "raw_app", privilege: "admin", tables: 5 }] }),
    });
    render(<Providers><GrantMatrix /></Providers>);
    const viewerMart = await screen.findByLabelText("viewer on mart_*");
    expect((viewerMart as HTMLSelectElement).value).toBe("read");
    await screen.findByText("raw_app");
    const headers = screen.getAllByRole("columnheader").map((h) => h.querySelector(".acc-col")?.textContent).filter(Boolean);
    expect(headers).toEqual(["*", "dwh_secret", "mart_*", "mart_sales", "raw_app"]);
    // no grant of its own: the privilege it gets from its other patterns, in brackets
    const viewerSales = screen.getByLabelText("viewer on mart_sales") as HTMLSelectElement;
    expect(viewerSales.value).toBe("");
    expect(viewerSales.selectedOptions[0].textContent).toBe("– (read)");
    expect((screen.getByLabelText("viewer on raw_app") as HTMLSelectElement).selectedOptions[0].textContent).toBe("– (none)");
    expect((screen.getByLabelText("analyst on *") as HTMLSelectElement).value).toBe("read");
    expect((screen.getByLabelText("analyst on dwh_secret") as HTMLSelectElement).value).toBe("none");
    // admins have admin everywhere: no cells to edit
    expect(screen.queryByLabelText("admin on mart_sales")).toBeNull();
    expect(screen.getByText(/Roles of the admin level \(admin\) have admin on every dataset/)).toBeTruthy();
  });

  it("saves one PUT with If-Match and the changed grants, for the changed role only", async () => {
    const { calls } = stubApi({
      "GET /api/v1/roles": json({ items: roles }),
      "GET /api/v1/datasets": json({ items: [{ name: "mart_sales", privilege: "admin", tables: 3 }] }),
      "GET /api/v1/roles/viewer": json(roles[2], 200, '"3"'),
      "PUT /api/v1/roles/viewer": (call) => json({ ...roles[2], ...(call.body as object), version: 4 }, 200, '"4"'),
    });
    render(<Providers><GrantMatrix /></Providers>);
    await screen.findByText("mart_sales");
    const save = screen.getByRole("button", { name: "Save changes" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    const cell = screen.getByLabelText("viewer on mart_sales");
    fireEvent.change(cell, { target: { value: "none" } });
    expect(cell.closest("td")?.className).toContain("acc-changed");
    expect(screen.getByText("1 changed cell(s) in 1 role(s), not saved yet.")).toBeTruthy();
    // a change undone is no change
    fireEvent.change(screen.getByLabelText("analyst on *"), { target: { value: "write" } });
    fireEvent.change(screen.getByLabelText("analyst on *"), { target: { value: "read" } });
    expect(screen.getByText("1 changed cell(s) in 1 role(s), not saved yet.")).toBeTruthy();

    fireEvent.click(save);
    await screen.findByText("viewer: saved.");
    const puts = calls.filter((c) => c.method === "PUT");
    expect(puts).toHaveLength(1);
    expect(puts[0].url).toBe("/api/v1/roles/viewer");
    expect(puts[0].headers["If-Match"]).toBe('"3"');
    expect(puts[0].body).toEqual({
      level: "viewer",
      grants: [{ pattern: "mart_*", privilege: "read" }, { pattern: "mart_sales", privilege: "none" }],
      description: null,
      masks: [{ table: "mart_sales.customers", column: "email", with: "hash" }],
      row_filters: [],
    });
    expect(screen.getByText("No unsaved changes.")).toBeTruthy();
    expect((screen.getByLabelText("viewer on mart_sales") as HTMLSelectElement).value).toBe("none");
    expect(screen.getByLabelText("viewer on mart_sales").closest("td")?.className ?? "").not.toContain("acc-changed");
  });

  it("reports a role someone else changed meanwhile, and keeps its changes", async () => {
    const { calls } = stubApi({
      "GET /api/v1/roles": json({ items: roles }),
      "GET /api/v1/datasets": json({ items: [] }),
      "GET /api/v1/roles/viewer": json({ ...roles[2], version: 5 }, 200, '"5"'),
      "GET /api/v1/roles/analyst": json(roles[1], 200, '"2"'),
      "PUT /api/v1/roles/analyst": (call) => json({ ...roles[1], ...(call.body as object), version: 3 }, 200, '"3"'),
    });
    render(<Providers><GrantMatrix /></Providers>);
    fireEvent.change(await screen.findByLabelText("viewer on mart_*"), { target: { value: "write" } });
    fireEvent.change(screen.getByLabelText("analyst on dwh_secret"), { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await screen.findByText("analyst: saved.");
    const results = screen.getByRole("list", { name: "What was saved" });
    expect(within(results).getByText(/viewer: not saved – someone else changed this role/)).toBeTruthy();
    expect(calls.filter((c) => c.method === "PUT").map((c) => c.url)).toEqual(["/api/v1/roles/analyst"]);
    expect((calls.find((c) => c.method === "PUT")?.body as { grants: unknown }).grants).toEqual([{ pattern: "*", privilege: "read" }]);
    expect(screen.getByLabelText("viewer on mart_*").closest("td")?.className).toContain("acc-changed");
  });

  it("adds a dataset pattern as a column, refusing an invalid one beside the input", async () => {
    stubApi({ "GET /api/v1/roles": json({ items: roles }), "GET /api/v1/datasets": json({ items: [] }) });
    render(<Providers><GrantMatrix /></Providers>);
    const input = await screen.findByLabelText("Add dataset pattern");
    fireEvent.change(input, { target: { value: "bad pattern!" } });
    fireEvent.click(screen.getByRole("button", { name: "Add column" }));
    expect(screen.getByRole("alert").textContent).toMatch(/Use 1 to 128 letters/);
    fireEvent.change(input, { target: { value: "stage_*" } });
    fireEvent.click(screen.getByRole("button", { name: "Add column" }));
    expect((await screen.findByLabelText("viewer on stage_*") as HTMLSelectElement).value).toBe("");
  });
});
