import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import Page from "./index";
import { editorView, json, pageTree, problem, renderPage, stubApi, stubLayout, typeInto } from "../query/testing";

const models = [
  { name: "raw_orders", type: "seed", materialized: "seed", relation: '"main_raw"."raw_orders"', depends_on: [], path: "seeds/raw_orders.csv", description: null },
  { name: "stg_orders", type: "model", materialized: "view", relation: '"main"."stg_orders"', depends_on: ["seed.shop.raw_orders"], path: "models/staging/stg_orders.sql", description: null },
  { name: "orders", type: "model", materialized: "table", relation: '"main"."orders"', depends_on: ["model.shop.stg_orders"], path: "models/marts/orders.sql", description: "Orders with payments." },
  { name: "revenue", type: "model", materialized: "table", relation: '"main"."revenue"', depends_on: ["model.shop.orders"], path: "models/marts/revenue.sql", description: null },
  { name: "not_null_orders_id", type: "test", materialized: null, relation: null, depends_on: ["model.shop.orders"], path: "models/marts/schema.yml", description: null },
];
const raw = "select *\nfrom {{ ref('stg_orders') }}\n";
const detail = { model: models[2], raw_sql: raw, compiled_sql: 'select *\nfrom "main"."stg_orders"' };
const etag = '"abc123"';

beforeEach(() => stubLayout());
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  window.history.replaceState(null, "", "/");
});

// CodeMirror, React Flow and the first render take a while in jsdom on a busy machine.
describe("models page", { timeout: 30_000 }, () => {
  it("lists model files by folder and the models with type, materialization and relation", async () => {
    stubApi({
      "GET /models": json({ items: models }),
      "GET /project/files": json({ items: ["nagare.yml", "models/staging/stg_orders.sql", "models/marts/orders.sql", "models/marts/revenue.sql", "models/marts/schema.yml", "seeds/raw_orders.csv", "pipelines/daily.yml"].map((path) => ({ path, sha256: "x", bytes: 1 })) }),
    });
    renderPage(<Page sub={[]} />);
    const table = await screen.findByRole("table", { name: "Model list" });
    const row = within(table).getByRole("link", { name: "orders" }).closest("tr")!;
    expect(within(row).getByText("table")).toBeTruthy();
    expect(within(row).getByText('"main"."orders"')).toBeTruthy();
    const files = screen.getByRole("navigation", { name: "Files" });
    await waitFor(() => expect(within(files).getByRole("link", { name: "schema.yml" }).getAttribute("href")).toBe("/models?file=models%2Fmarts%2Fschema.yml"));
    expect(within(files).getByRole("link", { name: "orders.sql" }).getAttribute("href")).toBe("/models/orders");
    expect(within(files).queryByText("nagare.yml")).toBeNull();
    fireEvent.change(screen.getByLabelText("Search models and files"), { target: { value: "stg" } });
    expect(within(table).queryByRole("link", { name: "orders" })).toBeNull();
    expect(within(files).queryByText("orders.sql")).toBeNull();
    expect(within(files).getByText("stg_orders.sql")).toBeTruthy();
  });

  it("shows a model's SQL, compiled SQL, preview rows and lineage", async () => {
    const calls = stubApi({
      "GET /models": json({ items: models }),
      "GET /models/orders": json(detail),
      "GET /project/files/models/marts/orders.sql": () => new Response(raw, { headers: { "Content-Type": "text/plain", ETag: etag } }),
      "POST /models/orders/preview": json({ columns: [{ name: "id", type: "INTEGER" }, { name: "status", type: "VARCHAR" }], rows: [[1, "shipped"], [2, "placed"]], row_count: 2, truncated: false }),
      "POST /models/build": json({ id: 7, state: "queued", existing: false, url: "/api/v1/runs/7" }, 201),
    });
    const { container } = renderPage(<Page sub={["orders"]} />);
    expect(await screen.findByRole("heading", { level: 1, name: /orders/ })).toBeTruthy();
    await waitFor(() => expect(editorView(container, "SQL of model orders").state.doc.toString()).toBe(raw));
    expect(container.querySelector("pre[aria-labelledby=compiled-title]")!.textContent).toBe('select *\nfrom "main"."stg_orders"');

    fireEvent.change(screen.getByLabelText("Rows"), { target: { value: "10" } });
    fireEvent.click(screen.getByRole("button", { name: "Preview" }));
    const table = await screen.findByRole("table", { name: "Preview of orders" });
    expect(within(table).getByText("shipped")).toBeTruthy();
    expect(calls.find((c) => c.path === "/models/orders/preview")!.body).toEqual({ limit: 10 });

    fireEvent.click(screen.getByRole("button", { name: "Build this model" }));
    expect((await screen.findByRole("link", { name: "Open run #7" })).getAttribute("href")).toBe("/runs/7");
    expect(calls.find((c) => c.path === "/models/build")!.body).toEqual({ select: "orders" });

    const lineage = screen.getByRole("region", { name: "Lineage" });
    expect(within(lineage).getByRole("link", { name: "stg_orders" }).getAttribute("href")).toBe("/models/stg_orders");
    expect(within(lineage).getByRole("link", { name: "raw_orders" })).toBeTruthy();
    expect(within(lineage).getByRole("link", { name: "revenue" })).toBeTruthy();
    fireEvent.change(within(lineage).getByLabelText("Levels up"), { target: { value: "1" } });
    expect(within(lineage).queryByRole("link", { name: "raw_orders" })).toBeNull();
  });

  it("keeps the lineage graph, as the user set it, while the next model's details load", async () => {
    let answer: (r: Response) => void = () => {};
    stubApi({
      "GET /models": json({ items: models }),
      "GET /models/orders": json(detail),
      "GET /models/stg_orders": () => new Promise<Response>((resolve) => { answer = resolve; }),
      "GET /project/files/models/marts/orders.sql": () => new Response(raw, { headers: { "Content-Type": "text/plain", ETag: etag } }),
      "GET /project/files/models/staging/stg_orders.sql": () => new Response("select 1", { headers: { "Content-Type": "text/plain", ETag: etag } }),
    });
    const { rerender } = renderPage(<Page sub={["orders"]} />);
    const before = await screen.findByRole("region", { name: "Lineage" });
    fireEvent.change(within(before).getByLabelText("Levels up"), { target: { value: "1" } });

    rerender(pageTree(<Page sub={["stg_orders"]} />));

    expect(await screen.findByRole("heading", { level: 1, name: "stg_orders" })).toBeTruthy();
    const during = screen.getByRole("region", { name: "Lineage" });
    expect(during).toBe(before);
    expect((within(during).getByLabelText("Levels up") as HTMLSelectElement).value).toBe("1");
    answer(json({ model: models[1], raw_sql: "select 1", compiled_sql: "select 1" }));
    await waitFor(() => expect(screen.getByRole("heading", { level: 2, name: "Compiled SQL" })).toBeTruthy());
    expect(screen.getByRole("region", { name: "Lineage" })).toBe(before);
  });

  it("saves with If-Match and shows the problem the server names, with the line", async () => {
    const calls = stubApi({
      "GET /models": json({ items: models }),
      "GET /models/orders": json(detail),
      "GET /project/files/models/marts/orders.sql": () => new Response(raw, { headers: { "Content-Type": "text/plain", ETag: etag } }),
      "PUT /project/files/models/marts/orders.sql": problem(400, "models/marts/orders.sql:2:6: unexpected '}'\nmodels/marts/schema.yml:4:3: colums: unknown key", "$.files['models/marts/orders.sql']"),
    });
    const { container } = renderPage(<Page sub={["orders"]} />);
    await waitFor(() => expect(editorView(container, "SQL of model orders").state.doc.toString()).toBe(raw));
    const save = screen.getByRole("button", { name: "Save" });
    expect(save).toHaveProperty("disabled", true);
    const view = editorView(container, "SQL of model orders");
    typeInto(view, "select *\nfrom {{ ref('stg_orders') }\n");
    expect(screen.getByText("unsaved changes")).toBeTruthy();
    fireEvent.click(save);
    const alert = await screen.findByText(/Not saved — the project would have a problem/);
    const box = alert.closest("[role=alert]") as HTMLElement;
    expect(within(box).getByText("models/marts/orders.sql:2:6: unexpected '}'")).toBeTruthy();
    expect(within(box).getByText("models/marts/schema.yml:4:3: colums: unknown key")).toBeTruthy();
    const put = calls.find((c) => c.method === "PUT")!;
    expect(put.body).toEqual({ content: "select *\nfrom {{ ref('stg_orders') }\n" });
    expect(put.headers["If-Match"]).toBe(etag);
    // Only the place in this file gets a button; it selects that line.
    fireEvent.click(within(box).getByRole("button", { name: "Go to line 2" }));
    expect(view.state.sliceDoc(view.state.selection.main.from, view.state.selection.main.to)).toBe("from {{ ref('stg_orders') }");
    expect(within(box).queryByRole("button", { name: "Go to line 4" })).toBeNull();
  });

  it("keeps viewers read-only", async () => {
    const calls = stubApi({ "GET /models": json({ items: models }), "GET /models/orders": json(detail) }, "viewer");
    const { container } = renderPage(<Page sub={["orders"]} />);
    expect(await screen.findByText("Read only: changing models needs the editor role.")).toBeTruthy();
    await waitFor(() => expect(editorView(container, "SQL of model orders").state.doc.toString()).toBe(raw));
    expect(editorView(container, "SQL of model orders").state.readOnly).toBe(true);
    expect(screen.queryByRole("button", { name: "Save" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Build this model" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Preview" })).toBeNull();
    expect(calls.some((c) => c.path.startsWith("/project/files"))).toBe(false);
  });
});
