import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { Connection, Run, Stream, StreamSample, Sync } from "../../api/types";
import { json, problem, renderPage, stubApi, type Call } from "../connections/test-utils";
import Page from "./index";

const connections: Connection[] = [
  { name: "shop_db", type: "postgres", max_concurrency: 4, settings: {}, file: "connections/shop_db.yml", builtin: false, problem: null },
  { name: "warehouse", type: "duckdb", max_concurrency: 4, settings: {}, file: "nagare.yml", builtin: true, problem: null },
];

const orders: Stream = {
  stream: "public.orders", schema: "public", table: "orders", primary_key: ["id"], cursor_candidates: ["updated_at", "id"], estimated_rows: 120000,
  columns: [
    { name: "id", type: "int64", nullable: false, native_type: "bigint" },
    { name: "email", type: "string", nullable: true, native_type: "text" },
    { name: "amount", type: "decimal(12,2)", nullable: true, native_type: "numeric(12,2)" },
    { name: "updated_at", type: "timestamptz", nullable: false, native_type: "timestamptz" },
  ],
};
const customers: Stream = { ...orders, stream: "public.customers", table: "customers", cursor_candidates: [] };

const discovery = (c: Call) => {
  if (c.path === "connections") return json({ items: connections });
  if (c.path === "connections/shop_db/streams") {
    const select = c.query.get("select");
    const items = [customers, orders].filter((s) => !select || s.stream === select || (select === "*orders*" && s.stream.includes("orders")));
    return json({ items, next: null });
  }
  return undefined;
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("creating a sync", () => {
  it("writes the YAML of a ticked table with incremental mode and its cursor, and saves it as a new file", async () => {
    const api = stubApi((c) => discovery(c) ?? (c.method === "PUT" && c.path === "project/files/syncs/shop_to_lake.yml" ? json({ created: ["syncs/shop_to_lake.yml"], changed: [], deleted: [] }, 201) : undefined));
    renderPage(<Page sub={["new"]} />, "/syncs/new");
    fireEvent.change(await screen.findByLabelText("Sync name"), { target: { value: "shop_to_lake" } });
    fireEvent.change(screen.getByLabelText("Source connection"), { target: { value: "shop_db" } });
    fireEvent.change(screen.getByLabelText("Target schema"), { target: { value: "lake" } });
    fireEvent.click(await screen.findByLabelText("public.orders"));
    const selection = screen.getByRole("group", { name: "public.orders" });
    fireEvent.change(within(selection).getByLabelText("Mode"), { target: { value: "incremental" } });
    const cursor = within(selection).getByLabelText("Cursor");
    expect([...(cursor as HTMLSelectElement).options].map((o) => o.textContent)).toEqual(["None", "updated_at (suggested)", "id (suggested)", "email (string)", "amount (decimal(12,2))"]);
    fireEvent.change(cursor, { target: { value: "updated_at" } });
    fireEvent.click(screen.getByRole("button", { name: "Show YAML" }));
    const expected = [
      "source: shop_db",
      "target_schema: lake",
      "streams:",
      "  - select: public.orders",
      "    mode: incremental",
      "    cursor: updated_at",
      "",
    ].join("\n");
    expect(screen.getByTestId("yaml-preview").textContent).toBe(expected);
    const save = screen.getByRole("button", { name: "Save sync" });
    fireEvent.click(save);
    fireEvent.click(save);
    await waitFor(() => expect(window.location.pathname).toBe("/syncs/shop_to_lake"));
    const puts = api.sent("PUT", "project/files/syncs/shop_to_lake.yml");
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual({ content: expected });
    expect(puts[0].headers["If-None-Match"]).toBe("*");
  });

  it("maps columns of a ticked table and warns where a cast narrows", async () => {
    stubApi(discovery);
    renderPage(<Page sub={["new"]} />, "/syncs/new");
    fireEvent.change(await screen.findByLabelText("Source connection"), { target: { value: "shop_db" } });
    fireEvent.click(await screen.findByLabelText("public.orders"));
    const selection = screen.getByRole("group", { name: "public.orders" });
    fireEvent.change(within(selection).getByLabelText("Rename email"), { target: { value: "email_hash" } });
    fireEvent.change(within(selection).getByLabelText("Mask email"), { target: { value: "sha256" } });
    fireEvent.click(within(selection).getByLabelText("Exclude id"));
    fireEvent.change(within(selection).getByLabelText("Cast amount"), { target: { value: "decimal(10,2)" } });
    expect(within(selection).getByText("Narrows decimal(12,2) to decimal(10,2): a value that does not fit is a bad row.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Show YAML" }));
    expect(screen.getByTestId("yaml-preview").textContent).toBe([
      "source: shop_db", "streams:", "  - select: public.orders", "    columns:",
      "      email:", "        rename: email_hash", "        mask: sha256",
      "      id:", "        exclude: true",
      "      amount:", '        cast: "decimal(10,2)"', "",
    ].join("\n"));
    // Undoing a column's last change removes its rule.
    fireEvent.click(within(selection).getByLabelText("Exclude id"));
    expect(screen.getByTestId("yaml-preview").textContent).not.toContain("id:");
  });

  const sample: StreamSample = {
    stream: "public.orders",
    columns: orders.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: [
      [1, "aiko@example.com", 12.5, "2026-01-01T09:00:00Z"],
      [2, "ben@example.com", null, "2026-01-02T09:00:00Z"],
      [3, `hanako.sato.${"x".repeat(60)}@example.jp`, 7.25, "2026-01-03T09:00:00Z"],
    ],
  };

  it("shows sample values under each column, masked columns' values hidden and excluded ones greyed", async () => {
    const api = stubApi((c) => discovery(c) ?? (c.path === "connections/shop_db/streams/public.orders/sample" ? json(sample) : undefined));
    renderPage(<Page sub={["new"]} />, "/syncs/new");
    fireEvent.change(await screen.findByLabelText("Source connection"), { target: { value: "shop_db" } });
    fireEvent.click(await screen.findByLabelText("public.orders"));
    const selection = screen.getByRole("group", { name: "public.orders" });
    fireEvent.change(within(selection).getByLabelText("Mask email"), { target: { value: "sha256" } });
    fireEvent.click(within(selection).getByLabelText("Exclude id"));
    fireEvent.change(within(selection).getByLabelText("Cast amount"), { target: { value: "string" } });
    fireEvent.click(within(selection).getByRole("button", { name: "Sample rows" }));

    const amounts = await within(selection).findByRole("list", { name: "Sample values of amount" });
    expect(within(amounts).getAllByRole("listitem").map((v) => v.textContent)).toEqual(["12.5", "NULL", "7.25"]);
    expect(within(selection).getByRole("list", { name: "Sample values of updated_at" }).textContent).toContain("2026-01-02T09:00:00Z");
    const emails = within(selection).getByRole("list", { name: "Sample values of email" });
    expect(within(emails).getAllByRole("listitem").map((v) => v.textContent)).toEqual(["•••", "•••", "•••"]);
    expect(selection.textContent).not.toContain("aiko@example.com");
    expect(selection.innerHTML).not.toContain("example.jp");
    const ids = within(selection).getByRole("list", { name: "Sample values of id" });
    expect(ids.className).toContain("excluded");
    expect(ids.closest("tr")?.className).toBe("excluded");
    expect(within(selection).getByText("→ string", { exact: false }).getAttribute("title")).toBe("Cast to string");
    expect(api.sent("GET", "connections/shop_db/streams/public.orders/sample")[0].query.get("limit")).toBe("5");

    // Unmasked, a long value is cut, with the whole value in its tooltip.
    fireEvent.change(within(selection).getByLabelText("Mask email"), { target: { value: "" } });
    const long = within(within(selection).getByRole("list", { name: "Sample values of email" })).getAllByRole("listitem")[2];
    expect(long.textContent).toBe(`hanako.sato.${"x".repeat(28)}…`);
    expect(long.getAttribute("title")).toBe(sample.rows[2][1]);
  });

  it("shows why a sample could not be read, and reads it again", async () => {
    let fail = true;
    stubApi((c) => discovery(c) ?? (c.path === "connections/shop_db/streams/public.orders/sample"
      ? fail ? problem(502, "Cannot read public.orders of shop_db: permission denied for table orders") : json(sample)
      : undefined));
    renderPage(<Page sub={["new"]} />, "/syncs/new");
    fireEvent.change(await screen.findByLabelText("Source connection"), { target: { value: "shop_db" } });
    fireEvent.click(await screen.findByLabelText("public.orders"));
    const selection = screen.getByRole("group", { name: "public.orders" });
    fireEvent.click(within(selection).getByRole("button", { name: "Sample rows" }));

    const alert = await within(selection).findByRole("alert");
    expect(alert.textContent).toContain("permission denied for table orders");
    expect(within(selection).queryByRole("list", { name: "Sample values of id" })).toBeNull();
    fail = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await within(selection).findByRole("list", { name: "Sample values of id" })).toBeTruthy();
    expect(within(selection).queryByRole("alert")).toBeNull();
  });

  it("adds a pattern, and refuses to send an incremental stream without a cursor", async () => {
    const api = stubApi(discovery);
    renderPage(<Page sub={["new"]} />, "/syncs/new");
    fireEvent.change(await screen.findByLabelText("Sync name"), { target: { value: "all_public" } });
    fireEvent.change(screen.getByLabelText("Source connection"), { target: { value: "shop_db" } });
    fireEvent.change(screen.getByLabelText("Pattern"), { target: { value: "public.*" } });
    fireEvent.click(screen.getByRole("button", { name: "Add pattern" }));
    const selection = screen.getByRole("group", { name: "public.*" });
    fireEvent.change(within(selection).getByLabelText("Mode"), { target: { value: "incremental" } });
    fireEvent.click(screen.getByRole("button", { name: "Save sync" }));
    const cursor = within(selection).getByLabelText("Cursor");
    await waitFor(() => expect(cursor.getAttribute("aria-invalid")).toBe("true"));
    expect(within(cursor.closest(".field") as HTMLElement).getByRole("alert").textContent).toMatch(/Incremental needs a cursor/);
    expect(api.sent("PUT", "project/files/syncs/all_public.yml")).toHaveLength(0);
    fireEvent.change(cursor, { target: { value: "updated_at" } });
    await waitFor(() => expect(cursor.getAttribute("aria-invalid")).toBe("false"));
  });

  it("shows the project check's problem when the server refuses the file", async () => {
    stubApi((c) => discovery(c) ?? (c.method === "PUT" ? problem(400, "1 problem in the project files:\nsyncs/x.yml:4:5: streams[0].select: no table matches", "$.files['syncs/x.yml']") : undefined));
    renderPage(<Page sub={["new"]} />, "/syncs/new");
    fireEvent.change(await screen.findByLabelText("Sync name"), { target: { value: "x" } });
    fireEvent.change(screen.getByLabelText("Source connection"), { target: { value: "shop_db" } });
    fireEvent.click(await screen.findByLabelText("public.customers"));
    fireEvent.click(screen.getByRole("button", { name: "Save sync" }));
    const alert = await screen.findByText(/The project would not load with this file/);
    expect(alert.closest("[role=alert]")?.textContent).toContain("syncs/x.yml:4:5: streams[0].select: no table matches");
    expect(window.location.pathname).toBe("/syncs/new");
  });
});

const exampleFile = `name: app_to_lake
source: shop_db
target_schema: lake
naming: "{schema}_{table}"   # kept
streams:
  - select: public.orders
    mode: merge
    primary_key: [id]
`;

describe("editing a sync", () => {
  it("reads the file into the form, looks up its table, and replaces it with If-Match", async () => {
    const api = stubApi((c) => {
      if (c.path === "syncs") return json({ items: [{ name: "app_to_lake", source: "shop_db", destination: "warehouse", target_schema: "lake", streams: 1, file: "syncs/app_to_lake.yml" } satisfies Sync] });
      if (c.path === "project/files/syncs/app_to_lake.yml" && c.method === "GET") return new Response(exampleFile, { status: 200, headers: { "Content-Type": "text/plain", ETag: '"abc"' } });
      if (c.path === "project/files/syncs/app_to_lake.yml" && c.method === "PUT") return json({ created: [], changed: ["syncs/app_to_lake.yml"], deleted: [] });
      return discovery(c);
    });
    renderPage(<Page sub={["app_to_lake", "edit"]} />, "/syncs/app_to_lake/edit");
    const selection = await screen.findByRole("group", { name: "public.orders" });
    expect((within(selection).getByLabelText("Mode") as HTMLSelectElement).value).toBe("merge");
    expect((within(selection).getByLabelText("Primary key") as HTMLInputElement).value).toBe("id");
    expect(await within(selection).findByText(/4 columns/)).toBeTruthy();
    expect((screen.getByLabelText("public.orders") as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText("Kept as the file has them: naming.")).toBeTruthy();
    expect(api.sent("GET", "connections/shop_db/streams").some((c) => c.query.get("select") === "public.orders")).toBe(true);
    fireEvent.change(within(selection).getByLabelText("Cursor"), { target: { value: "updated_at" } });
    fireEvent.click(screen.getByRole("button", { name: "Save sync" }));
    await waitFor(() => expect(window.location.pathname).toBe("/syncs/app_to_lake"));
    const put = api.sent("PUT", "project/files/syncs/app_to_lake.yml")[0];
    expect(put.headers["If-Match"]).toBe('"abc"');
    expect(put.body).toEqual({ content: [
      "name: app_to_lake", "source: shop_db", "target_schema: lake", 'naming: "{schema}_{table}"', "streams:",
      "  - select: public.orders", "    mode: merge", "    primary_key:", "      - id", "    cursor: updated_at", "",
    ].join("\n") });
  });

  it("keeps the comments at the top of the file and says which others saving drops", async () => {
    const text = "# Nightly copy of the shop, owned by the data team.\nname: app_to_lake\nsource: shop_db  # the primary\ntarget_schema: lake\nstreams:\n  - select: public.orders\n";
    const api = stubApi((c) => {
      if (c.path === "syncs") return json({ items: [] });
      if (c.path === "project/files/syncs/app_to_lake.yml" && c.method === "GET") return new Response(text, { status: 200, headers: { ETag: '"c1"' } });
      if (c.path === "project/files/syncs/app_to_lake.yml" && c.method === "PUT") return json({ created: [], changed: ["syncs/app_to_lake.yml"], deleted: [] });
      return discovery(c);
    });
    renderPage(<Page sub={["app_to_lake", "edit"]} />, "/syncs/app_to_lake/edit");
    expect(await screen.findByText("The comments on lines 3 are among the settings: the form writes the file anew and keeps only the comments at its top.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Save sync" }));
    await waitFor(() => expect(api.sent("PUT", "project/files/syncs/app_to_lake.yml")).toHaveLength(1));
    expect(api.sent("PUT", "project/files/syncs/app_to_lake.yml")[0].body).toEqual({ content: [
      "# Nightly copy of the shop, owned by the data team.", "name: app_to_lake", "source: shop_db", "target_schema: lake", "streams:",
      "  - select: public.orders", "",
    ].join("\n") });
  });

  it("offers the text of a file the form cannot show", async () => {
    const text = "source: shop_db\nstreams: &s\n  - select: a\n";
    const api = stubApi((c) => {
      if (c.path === "syncs") return json({ items: [] });
      if (c.path === "project/files/syncs/odd.yml" && c.method === "GET") return new Response(text, { status: 200, headers: { ETag: '"e1"' } });
      if (c.path === "project/files/syncs/odd.yml" && c.method === "PUT") return problem(412, "not at the version If-Match names any more");
      return discovery(c);
    });
    renderPage(<Page sub={["odd", "edit"]} />, "/syncs/odd/edit");
    const area = await screen.findByLabelText("YAML of syncs/odd.yml");
    expect((area as HTMLTextAreaElement).value).toBe(text);
    expect(screen.getByText(/The form cannot show this file faithfully/)).toBeTruthy();
    fireEvent.change(area, { target: { value: "source: shop_db\nstreams:\n  - select: a\n" } });
    fireEvent.click(screen.getByRole("button", { name: "Save sync" }));
    expect(await screen.findByText(/Someone else changed this file/)).toBeTruthy();
    expect(api.sent("PUT", "project/files/syncs/odd.yml")[0]).toMatchObject({ headers: { "If-Match": '"e1"' }, body: { content: "source: shop_db\nstreams:\n  - select: a\n" } });
  });
});

const run = (id: number, pipeline: string, state: string): Run => ({
  id, pipeline, trigger: "api", logical_date: "2026-01-01", state, params: {}, scheduled_at: "2026-01-01T00:00:00Z", created_at: "2026-01-01T00:00:00Z",
  started_at: "2026-01-01T00:00:01Z", finished_at: null, deadline_at: null, eta: null, slo: null, error: state === "failed" ? "stream public.orders failed" : null,
});

describe("a sync's page", () => {
  const sync: Sync = { name: "app_to_lake", source: "shop_db", destination: "warehouse", target_schema: "lake", streams: 2, file: "syncs/app_to_lake.yml" };
  const handler = (c: Call) => {
    if (c.path === "syncs") return json({ items: [sync] });
    if (c.path === "syncs/app_to_lake/state") return json({ sync: "app_to_lake", streams: [{ stream: "lake.orders", cursor_column: "updated_at", cursor: "2026-01-01T00:00:00Z", chunks_staged: [], extra: {}, updated_at: "2026-01-01T00:00:00Z" }] });
    if (c.path === "runs" && c.query.get("pipeline") === "sync:app_to_lake") return json({ items: [run(7, "sync:app_to_lake", "succeeded"), run(3, "sync:app_to_lake", "failed")], next: null });
    if (c.path === "runs" && c.query.get("pipeline") === "sync:app_to_lake:full-refresh") return json({ items: [run(5, "sync:app_to_lake:full-refresh", "succeeded")], next: null });
    if (c.path === "syncs/app_to_lake/runs" && c.method === "POST") return json({ id: 9, state: "queued", existing: false, url: "/api/v1/runs/9" }, 201);
    if (c.path === "syncs/app_to_lake/state/lake.orders" && c.method === "DELETE") return json(null, 204);
    return undefined;
  };

  it("runs it now once per click and links to the run", async () => {
    const api = stubApi(handler, "analyst");
    renderPage(<Page sub={["app_to_lake"]} />, "/syncs/app_to_lake");
    fireEvent.change(await screen.findByLabelText("Only streams (glob)"), { target: { value: "public.orders*" } });
    fireEvent.click(screen.getByLabelText("Full refresh"));
    const button = screen.getByRole("button", { name: "Run now" });
    fireEvent.click(button);
    fireEvent.click(button);
    const link = await screen.findByRole("link", { name: "Open run #9" });
    expect(link.getAttribute("href")).toBe("/runs/9");
    const posts = api.sent("POST", "syncs/app_to_lake/runs");
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toEqual({ select: "public.orders*", full_refresh: true });
    expect(screen.queryByRole("link", { name: "Edit sync" })).toBeNull();
  });

  it("lists the runs of the sync and of its full refreshes, newest first", async () => {
    stubApi(handler, "viewer");
    renderPage(<Page sub={["app_to_lake"]} />, "/syncs/app_to_lake");
    await screen.findByRole("link", { name: "#7" });
    const links = screen.getAllByRole("link").filter((a) => a.textContent?.startsWith("#"));
    expect(links.map((a) => [a.textContent, a.getAttribute("href")])).toEqual([["#7", "/runs/7"], ["#5", "/runs/5"], ["#3", "/runs/3"]]);
    expect(screen.getByText("stream public.orders failed")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Run now" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Reset state of lake.orders" })).toBeNull();
  });

  it("resets a stream's state after a confirmation", async () => {
    const api = stubApi(handler, "editor");
    renderPage(<Page sub={["app_to_lake"]} />, "/syncs/app_to_lake");
    fireEvent.click(await screen.findByRole("button", { name: "Reset state of lake.orders" }));
    expect(api.sent("DELETE", "syncs/app_to_lake/state/lake.orders")).toHaveLength(0);
    fireEvent.click(screen.getByRole("button", { name: "Yes, reset" }));
    expect(await screen.findByText("The state of lake.orders was reset.")).toBeTruthy();
    expect(api.sent("DELETE", "syncs/app_to_lake/state/lake.orders")).toHaveLength(1);
    expect(screen.getByRole("link", { name: "Edit sync" }).getAttribute("href")).toBe("/syncs/app_to_lake/edit");
  });

  it("lists syncs with Run now for analysts and New sync for editors", async () => {
    const api = stubApi(handler, "analyst");
    renderPage(<Page sub={[]} />, "/syncs");
    fireEvent.click(await screen.findByRole("button", { name: "Run app_to_lake now" }));
    expect(await screen.findByRole("link", { name: "Open run #9" })).toBeTruthy();
    expect(api.sent("POST", "syncs/app_to_lake/runs")[0].body).toEqual({});
    expect(screen.queryByRole("link", { name: "New sync" })).toBeNull();
  });

  const broken: Sync = { name: "typo", source: "", destination: "", target_schema: null, streams: 0, file: "syncs/typo.yml", problem: "syncs/typo.yml:3:1: streamz: unknown key; did you mean 'streams'?" };

  it("lists a sync whose file has a problem with the problem and no Run now", async () => {
    stubApi((c) => c.path === "syncs" ? json({ items: [sync, broken] }) : handler(c), "editor");
    renderPage(<Page sub={[]} />, "/syncs");
    const row = (await screen.findByRole("link", { name: "typo" })).closest("tr") as HTMLElement;
    expect(row.textContent).toContain("syncs/typo.yml:3:1: streamz: unknown key; did you mean 'streams'?");
    expect(within(row).queryByRole("button")).toBeNull();
    expect(screen.getByRole("button", { name: "Run app_to_lake now" })).toBeTruthy();
  });

  it("says on a broken sync's page what is wrong, without Run now or Edit", async () => {
    stubApi((c) => c.path === "syncs" ? json({ items: [broken] }) : handler(c), "editor");
    renderPage(<Page sub={["typo"]} />, "/syncs/typo");
    expect((await screen.findByRole("alert")).textContent).toContain("streamz: unknown key");
    expect(screen.queryByRole("button", { name: "Run now" })).toBeNull();
    expect(screen.queryByRole("link", { name: "Edit sync" })).toBeNull();
  });
});
