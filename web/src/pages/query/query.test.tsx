import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import Page from "./index";
import { findEditor, json, problem, renderPage, stubApi, stubLayout, typeInto } from "./testing";

const result = {
  columns: [{ name: "region", type: "VARCHAR" }, { name: "total", type: "DECIMAL(18,2)" }],
  rows: [["apac", 120.5], ["emea", 80]],
  row_count: 2,
  truncated: false,
};

beforeEach(() => {
  stubLayout();
  // The full list of time zones is hundreds of options; a few keep role queries fast in jsdom.
  vi.spyOn(Intl, "supportedValuesOf").mockReturnValue(["Asia/Tokyo", "Europe/Berlin", "UTC"]);
  sessionStorage.clear();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

// CodeMirror and the page's first render take a while in jsdom on a busy machine.
describe("query page", { timeout: 30_000 }, () => {
  it("names the save form by its heading, so assistive technology lists it as a form", async () => {
    stubApi({ "GET /project/files": json({ items: [] }), "GET /models": json({ items: [] }) });
    renderPage(<Page sub={[]} />);
    const form = await screen.findByRole("form", { name: "Save as a scheduled model" });
    expect(within(form).getByRole("button", { name: "Save model and schedule" })).toBeTruthy();
  });

  it("gives each {{ variable }} a field and previews the query with the values substituted", async () => {
    const calls = stubApi({
      "GET /project/files": json({ items: [] }),
      "GET /models": json({ items: [] }),
      "POST /query": json(result),
    });
    const { container } = renderPage(<Page sub={[]} />);
    const view = await findEditor(container, "SQL query");
    typeInto(view, "select region, sum(amount) as total from main.orders\nwhere region = {{ region }} and amount > {{ min_amount }} group by region");
    fireEvent.change(await screen.findByLabelText("region"), { target: { value: "apac" } });
    fireEvent.change(screen.getByLabelText("min_amount"), { target: { value: "10" } });
    expect(screen.getByText("Inserted as 'apac'")).toBeTruthy();
    expect(screen.getByText("Inserted as 10")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Preview" }));
    const table = await screen.findByRole("table", { name: "Query result" });
    expect(within(table).getByText("apac")).toBeTruthy();
    expect(within(table).getByText("120.5")).toBeTruthy();
    expect(screen.getByText("2 rows")).toBeTruthy();
    const query = calls.find((c) => c.method === "POST" && c.path === "/query")!;
    expect(query.body).toEqual({ sql: "select region, sum(amount) as total from main.orders\nwhere region = 'apac' and amount > 10 group by region", limit: 1000 });
    // The result can be charted: x is the text column, y the numeric one.
    expect(screen.getByLabelText("X axis")).toHaveProperty("value", "region");
    expect(screen.getByRole("checkbox", { name: "total" })).toHaveProperty("checked", true);
    expect(screen.getByRole("img", { name: "total by region" })).toBeTruthy();
  });

  it("shows integers beyond 2^53 and long decimals exactly as the server sent them", async () => {
    sessionStorage.setItem("nagare.query.sql", "select id, amount from main.ledger");
    const text = '{"columns":[{"name":"id","type":"BIGINT"},{"name":"amount","type":"DECIMAL(38,10)"}],"rows":[[9007199254740993,12345678901234567890.1234567891]],"row_count":1,"truncated":false}';
    stubApi({
      "GET /project/files": json({ items: [] }),
      "GET /models": json({ items: [] }),
      "POST /query": () => new Response(text, { status: 200, headers: { "Content-Type": "application/json" } }),
    });
    renderPage(<Page sub={[]} />);
    fireEvent.click(await screen.findByRole("button", { name: "Preview" }));
    const table = await screen.findByRole("table", { name: "Query result" });
    expect(within(table).getByText("9007199254740993")).toBeTruthy();
    expect(within(table).getByText("12345678901234567890.1234567891")).toBeTruthy();
  });

  it("shows the API's message when the query fails", async () => {
    sessionStorage.setItem("nagare.query.sql", "select * from nowhere");
    stubApi({
      "GET /project/files": json({ items: [] }),
      "GET /models": json({ items: [] }),
      "POST /query": problem(400, "Catalog Error: Table with name nowhere does not exist!", "$.sql"),
    });
    renderPage(<Page sub={[]} />);
    fireEvent.click(await screen.findByRole("button", { name: "Preview" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Catalog Error: Table with name nowhere does not exist!");
  });

  it("downloads CSV as a file", async () => {
    sessionStorage.setItem("nagare.query.sql", "select 1 as x");
    const calls = stubApi({
      "GET /project/files": json({ items: [] }),
      "GET /models": json({ items: [] }),
      "POST /query": () => new Response("x\n1\n", { status: 200, headers: { "Content-Type": "text/csv" } }),
    });
    const created = vi.fn(() => "blob:result");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }));
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) { clicked.push(this.download); });
    renderPage(<Page sub={[]} />);
    fireEvent.click(await screen.findByRole("button", { name: "Download CSV" }));
    await waitFor(() => expect(clicked).toEqual(["query-result.csv"]));
    expect(calls.find((c) => c.path === "/query")!.body).toMatchObject({ sql: "select 1 as x", format: "csv" });
    click.mockRestore();
  });

  it("saves the query as a model and a scheduled pipeline in one apply, then runs it", async () => {
    sessionStorage.setItem("nagare.query.sql", "select * from main.orders where region = {{ region }}");
    const calls = stubApi({
      "GET /project/files": json({ items: [{ path: "nagare.yml", sha256: "a", bytes: 1 }] }),
      "GET /models": json({ items: [] }),
      "POST /project/apply": json({ created: ["models/apac_orders.sql", "pipelines/apac_orders.yml"], changed: [], deleted: [] }),
      "POST /pipelines/apac_orders/runs": json({ id: 42, state: "queued", existing: false, url: "/api/v1/runs/42" }, 201),
    });
    renderPage(<Page sub={[]} />);
    fireEvent.change(await screen.findByLabelText("region"), { target: { value: "apac" } });
    fireEvent.change(screen.getByLabelText("Model name"), { target: { value: "apac_orders" } });
    fireEvent.change(screen.getByLabelText("Schedule"), { target: { value: "daily" } });
    fireEvent.change(screen.getByLabelText("Start time"), { target: { value: "07:15" } });
    fireEvent.change(screen.getByLabelText("Time zone"), { target: { value: "Asia/Tokyo" } });
    expect(screen.getByTestId("model-sql").textContent).toBe(`{{ config(materialized='table') }}\n\nselect * from main.orders where region = '{{ var('region', 'apac') | replace("'", "''") }}'\n`);
    fireEvent.click(screen.getByRole("button", { name: "Show YAML" }));
    expect(screen.getByTestId("yaml-preview").textContent).toContain('cron: "15 7 * * *"');
    const save = screen.getByRole("button", { name: "Save model and schedule" });
    await waitFor(() => expect(save).toHaveProperty("disabled", false));
    fireEvent.click(save);
    await screen.findByText("Saved. Created: models/apac_orders.sql, pipelines/apac_orders.yml. Changed: –.");
    const apply = calls.find((c) => c.path === "/project/apply")!;
    expect(apply.body).toEqual({
      files: {
        "models/apac_orders.sql": `{{ config(materialized='table') }}\n\nselect * from main.orders where region = '{{ var('region', 'apac') | replace("'", "''") }}'\n`,
        "pipelines/apac_orders.yml": [
          "name: apac_orders",
          "description: Builds the model apac_orders from models/apac_orders.sql into a warehouse table",
          "schedule:", '  cron: "15 7 * * *"', "  timezone: Asia/Tokyo",
          "params:", "  region:", "    type: string", "    default: apac",
          "steps:", "  - build: apac_orders", "",
        ].join("\n"),
      },
      base: {},
    });
    expect(screen.getByRole("link", { name: "Open pipeline apac_orders" }).getAttribute("href")).toBe("/pipelines/apac_orders");
    fireEvent.click(screen.getByRole("button", { name: "Run now" }));
    await waitFor(() => expect(window.location.pathname).toBe("/runs/42"));
    window.history.replaceState(null, "", "/");
  });

  it("shows the server's problem with the files, and refuses a bad name before sending", async () => {
    sessionStorage.setItem("nagare.query.sql", "select 1 as x");
    const calls = stubApi({
      "GET /project/files": json({ items: [] }),
      "GET /models": json({ items: [] }),
      "POST /project/apply": problem(400, "pipelines/x1.yml:3:9: schedule.cron: '61 * * * *' is not a valid cron expression", "$.files['pipelines/x1.yml']"),
    });
    renderPage(<Page sub={[]} />);
    const save = await screen.findByRole("button", { name: "Save model and schedule" });
    fireEvent.change(screen.getByLabelText("Model name"), { target: { value: "bad-name" } });
    await waitFor(() => expect(save).toHaveProperty("disabled", false));
    fireEvent.click(save);
    expect(await screen.findByText("Use letters, digits and _ only, starting with a letter or _.")).toBeTruthy();
    expect(calls.some((c) => c.path === "/project/apply")).toBe(false);
    fireEvent.change(screen.getByLabelText("Model name"), { target: { value: "x1" } });
    fireEvent.change(screen.getByLabelText("Schedule"), { target: { value: "custom" } });
    fireEvent.change(screen.getByLabelText("Cron expression"), { target: { value: "61 * * * *" } });
    fireEvent.click(save);
    const alert = await screen.findByText(/is not a valid cron expression/);
    expect(alert.closest("[role=alert]")!.textContent).toContain("Not saved — the project would have a problem:");
  });

  it("lets analysts query but not save", async () => {
    sessionStorage.setItem("nagare.query.sql", "select 1");
    stubApi({ "GET /models": json({ items: [] }) }, "analyst");
    renderPage(<Page sub={[]} />);
    expect(await screen.findByText("Saving models needs the editor role.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Save model and schedule" })).toHaveProperty("disabled", true);
    expect(screen.getByRole("button", { name: "Preview" })).toHaveProperty("disabled", false);
  });
});
