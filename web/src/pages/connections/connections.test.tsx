import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { Connection, Connector, Stream } from "../../api/types";
import Page from "./index";
import { StreamBrowser } from "./StreamBrowser";
import { bodyFromForm, connectionYaml, formFromConnection, jsonQuote } from "./connectionForm";
import { globEscape, globMatch, literalOf, searchGlob } from "./glob";
import { json, problem, renderPage, stubApi } from "./test-utils";

const postgres: Connector = {
  type: "postgres",
  description: "PostgreSQL 12 or later",
  options: [
    { name: "host", kind: "string", required: false, secret: false, default: "localhost", description: "Server host name", choices: null },
    { name: "port", kind: "integer", required: false, secret: false, default: "5432", description: "Server port", choices: null },
    { name: "database", kind: "string", required: true, secret: false, default: null, description: "Database name", choices: null },
    { name: "user", kind: "string", required: true, secret: false, default: null, description: "User name", choices: null },
    { name: "password", kind: "string", required: false, secret: true, default: null, description: "Password", choices: null },
    { name: "sslmode", kind: "choice", required: false, secret: false, default: "prefer", description: "TLS", choices: ["disable", "prefer", "require", "verify-full"] },
    { name: "schemas", kind: "list", required: false, secret: false, default: null, description: "Schemas discovered", choices: null },
  ],
};
const sqlite: Connector = {
  type: "sqlite", description: "SQLite file",
  options: [{ name: "path", kind: "path", required: true, secret: false, default: null, description: "Database file", choices: null }, { name: "read_only", kind: "boolean", required: false, secret: false, default: "false", description: "Open read-only", choices: null }],
};

const shopDb: Connection = {
  name: "shop_db", type: "postgres", max_concurrency: 4, file: "connections/shop_db.yml", builtin: false, problem: null,
  settings: { host: "db.internal", database: "shop", user: "nagare", password: { secret: true, set: true } },
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("connection form", () => {
  it("renders one labelled field per option of the chosen connector", async () => {
    stubApi((c) => (c.path === "connectors" ? json({ items: [postgres, sqlite] }) : undefined));
    renderPage(<Page sub={["new"]} />, "/connections/new");
    const type = await screen.findByLabelText("Type");
    fireEvent.change(type, { target: { value: "postgres" } });
    for (const label of ["Host", "Port", "Database", "User", "Password", "Sslmode", "Schemas"]) {
      expect(screen.getAllByLabelText(label)).toHaveLength(1);
    }
    expect((screen.getByLabelText("Password") as HTMLInputElement).type).toBe("password");
    expect(screen.getByLabelText("Sslmode").tagName).toBe("SELECT");
    expect(screen.getByText("Default (prefer)")).toBeTruthy();
    // Another type, other fields.
    fireEvent.change(type, { target: { value: "sqlite" } });
    expect(screen.getAllByLabelText("Path")).toHaveLength(1);
    expect(screen.getByLabelText("Read only").tagName).toBe("SELECT");
    expect(screen.queryByLabelText("Host")).toBeNull();
  });

  it("creates with If-None-Match: * and shows a problem beside the field it names", async () => {
    const api = stubApi((c) => {
      if (c.path === "connectors") return json({ items: [postgres] });
      if (c.method === "PUT") return problem(400, "'host' must not be empty.", "$.settings.host");
    });
    renderPage(<Page sub={["new"]} />, "/connections/new");
    fireEvent.change(await screen.findByLabelText("Connection name"), { target: { value: "shop_db" } });
    fireEvent.change(screen.getByLabelText("Host"), { target: { value: " " } });
    fireEvent.change(screen.getByLabelText("Port"), { target: { value: "6432" } });
    fireEvent.change(screen.getByLabelText("Database"), { target: { value: "shop" } });
    fireEvent.change(screen.getByLabelText("User"), { target: { value: "nagare" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "s3cret" } });
    fireEvent.change(screen.getByLabelText("Schemas"), { target: { value: "public, sales" } });
    const save = screen.getByRole("button", { name: "Save connection" });
    fireEvent.click(save);
    fireEvent.click(save);
    const host = screen.getByLabelText("Host");
    await waitFor(() => expect(host.getAttribute("aria-invalid")).toBe("true"));
    const field = host.closest(".field") as HTMLElement;
    expect(within(field).getByRole("alert").textContent).toBe("'host' must not be empty.");
    expect(document.querySelector(".banner-error")).toBeNull();
    const puts = api.sent("PUT", "connections/shop_db");
    expect(puts).toHaveLength(1);
    expect(puts[0].headers["If-None-Match"]).toBe("*");
    expect(puts[0].body).toEqual({ type: "postgres", settings: { port: 6432, database: "shop", user: "nagare", schemas: ["public", "sales"] }, secrets: { password: "s3cret" } });
  });

  it("shows the file the server will write, with secrets as references", () => {
    const yaml = connectionYaml("shop_db", { type: "postgres", settings: { user: "nagare", host: "db.internal", max_concurrency: 2, schemas: ["public"] }, secrets: { password: "x" } }, ["token"]);
    expect(yaml).toBe([
      "# Written by the Nagare API; secret values are sealed in the metadata store.",
      'type: "postgres"', "max_concurrency: 2", 'host: "db.internal"', 'schemas: ["public"]', 'user: "nagare"',
      'password: "${secret:connection.shop_db.password}"', 'token: "${secret:connection.shop_db.token}"', "",
    ].join("\n"));
    expect(jsonQuote("a+b <c> 東")).toBe('"a\\u002Bb \\u003Cc\\u003E \\u6771"');
  });

  it("uses the schema's own max_concurrency field when it lists one", () => {
    const options = [...postgres.options, { name: "max_concurrency", kind: "integer" as const, required: false, secret: false, default: "4", description: "", choices: null }];
    const form = formFromConnection({ ...shopDb, max_concurrency: 2 }, options);
    expect(form.values.max_concurrency).toBe("2");
    expect(bodyFromForm(form, options).settings).toEqual({ max_concurrency: 2, host: "db.internal", database: "shop", user: "nagare" });
  });

  it("on edit sends no secret left empty, replaces with If-Match, and says when someone else changed it", async () => {
    let puts = 0;
    const api = stubApi((c) => {
      if (c.path === "connectors") return json({ items: [postgres] });
      if (c.path === "connections/shop_db" && c.method === "GET") return json(shopDb, 200, { ETag: '"v1"' });
      if (c.path === "connections/shop_db" && c.method === "PUT") {
        puts++;
        return puts === 1 ? json(shopDb, 200, { ETag: '"v2"' }) : problem(412, "The connection's file changed since the version \"v2\".");
      }
    });
    renderPage(<Page sub={["shop_db"]} />, "/connections/shop_db");
    const password = await screen.findByLabelText("Password");
    expect((password as HTMLInputElement).value).toBe("");
    expect(within(password.closest(".field") as HTMLElement).getAllByText("Set — leave empty to keep").length).toBeGreaterThan(0);
    expect((screen.getByLabelText("Host") as HTMLInputElement).value).toBe("db.internal");
    fireEvent.click(screen.getByRole("button", { name: "Save connection" }));
    await screen.findByText("Saved.");
    const first = api.sent("PUT", "connections/shop_db")[0];
    expect(first.headers["If-Match"]).toBe('"v1"');
    expect(first.body).toEqual({ type: "postgres", settings: { max_concurrency: 4, host: "db.internal", database: "shop", user: "nagare" }, secrets: {} });
    // A typed secret is sent; the next save carries the new ETag and meets someone else's change.
    fireEvent.change(password, { target: { value: "new-password" } });
    fireEvent.click(screen.getByRole("button", { name: "Save connection" }));
    expect(await screen.findByText(/Someone else changed this connection/)).toBeTruthy();
    const second = api.sent("PUT", "connections/shop_db")[1];
    expect(second.headers["If-Match"]).toBe('"v2"');
    expect(second.body).toMatchObject({ secrets: { password: "new-password" } });
    expect(screen.getByRole("button", { name: "Reload" })).toBeTruthy();
  });

  it("falls back to key/value settings when the server has no /connectors", async () => {
    const api = stubApi((c) => {
      if (c.path === "connections/shop_db" && c.method === "GET") return json(shopDb, 200, { ETag: '"v1"' });
      if (c.method === "PUT") return json(shopDb, 200, { ETag: '"v2"' });
    });
    renderPage(<Page sub={["shop_db"]} />, "/connections/shop_db");
    expect(await screen.findByText(/does not describe this connector's options/)).toBeTruthy();
    expect((screen.getAllByLabelText("Key") as HTMLInputElement[]).map((i) => i.value)).toEqual(["host", "database", "user", "password"]);
    fireEvent.click(screen.getByRole("button", { name: "Save connection" }));
    await screen.findByText("Saved.");
    expect(api.sent("PUT", "connections/shop_db")[0].body).toEqual({ type: "postgres", settings: { max_concurrency: 4, host: "db.internal", database: "shop", user: "nagare" }, secrets: {} });
  });

  it("tests the connection and shows the outcome", async () => {
    let ok = true;
    const api = stubApi((c) => {
      if (c.path === "connectors") return json({ items: [postgres] });
      if (c.path === "connections/shop_db") return json(shopDb, 200, { ETag: '"v1"' });
      if (c.path === "connections/shop_db/test") return json(ok ? { ok: true, error: null, type: "postgres", seconds: 0.042, version: "16.2" } : { ok: false, error: "password authentication failed for user \"nagare\"", type: "postgres", seconds: null, version: null });
      if (c.path === "connections/shop_db/streams") return json({ items: [], next: null });
    });
    renderPage(<Page sub={["shop_db"]} />, "/connections/shop_db");
    fireEvent.click(await screen.findByRole("button", { name: "Test connection" }));
    expect((await screen.findByText("Connection works.")).closest("[role=status]")?.textContent).toContain("postgres answered in 0.04 s. Version: 16.2");
    ok = false;
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    expect((await screen.findByRole("alert")).textContent).toBe('Connection failed: password authentication failed for user "nagare"');
    expect(api.sent("POST", "connections/shop_db/test")).toHaveLength(2);
  });

  it("deletes only after a confirmation", async () => {
    const api = stubApi((c) => {
      if (c.path === "connectors") return json({ items: [postgres] });
      if (c.path === "connections/shop_db" && c.method === "GET") return json(shopDb, 200, { ETag: '"v1"' });
      if (c.path === "connections/shop_db" && c.method === "DELETE") return json(null, 204);
      if (c.path === "connections/shop_db/streams") return json({ items: [], next: null });
    });
    renderPage(<Page sub={["shop_db"]} />, "/connections/shop_db");
    fireEvent.click(await screen.findByRole("button", { name: "Delete connection" }));
    expect(api.sent("DELETE", "connections/shop_db")).toHaveLength(0);
    expect(screen.getByText(/Delete the connection shop_db\?/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Yes, delete" }));
    await waitFor(() => expect(window.location.pathname).toBe("/connections"));
    expect(api.sent("DELETE", "connections/shop_db")[0].headers["If-Match"]).toBe('"v1"');
  });

  it("lists connections, with New connection for editors only", async () => {
    const items = [shopDb, { name: "warehouse", type: "duckdb", max_concurrency: 4, settings: {}, file: "nagare.yml", builtin: true, problem: null }, { name: "crm", type: "?", max_concurrency: null, settings: {}, file: "connections/crm.yml", builtin: false, problem: "connections/crm.yml:2:1: type: unknown connector type 'postgress'" }];
    stubApi((c) => (c.path === "connections" ? json({ items }) : undefined), "viewer");
    const { unmount } = renderPage(<Page sub={[]} />, "/connections");
    expect(await screen.findByRole("link", { name: "shop_db" })).toBeTruthy();
    expect(screen.getByText(/unknown connector type 'postgress'/)).toBeTruthy();
    expect(screen.getAllByText("Built-in")).toHaveLength(2);
    expect(screen.queryByRole("link", { name: "New connection" })).toBeNull();
    unmount();
    stubApi((c) => (c.path === "connections" ? json({ items }) : undefined), "editor");
    renderPage(<Page sub={[]} />, "/connections");
    expect(await screen.findByRole("link", { name: "New connection" })).toBeTruthy();
  });

  it("shows viewers the settings without a form", async () => {
    stubApi((c) => (c.path === "connections/shop_db" ? json(shopDb, 200, { ETag: '"v1"' }) : c.path === "connectors" ? json({ items: [postgres] }) : undefined), "viewer");
    renderPage(<Page sub={["shop_db"]} />, "/connections/shop_db");
    expect(await screen.findByText("db.internal")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Save connection" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Test connection" })).toBeNull();
  });
});

function stream(name: string, columns = 3): Stream {
  const [schema, table] = name.split(".");
  return {
    stream: name, schema, table, primary_key: ["id"], cursor_candidates: ["updated_at"], estimated_rows: 1000,
    columns: [{ name: "id", type: "int64", nullable: false, native_type: "bigint" }, { name: "updated_at", type: "timestamptz", nullable: true, native_type: "timestamptz" }, ...Array.from({ length: columns - 2 }, (_, i) => ({ name: `c${i}`, type: "string", nullable: true, native_type: "text" }))],
  };
}

describe("discovery", () => {
  it("searches with a select glob and pages with next", async () => {
    const api = stubApi((c) => {
      if (c.path !== "connections/shop_db/streams") return undefined;
      const select = c.query.get("select");
      const after = c.query.get("after");
      if (!select) return json({ items: [stream("public.accounts"), stream("public.orders")], next: null });
      if (!after) return json({ items: [stream("public.orders"), stream("sales.orders_2024")], next: "sales.orders_2024" });
      return json({ items: [stream("sales.orders_2025")], next: null });
    });
    const chosen = vi.fn();
    renderPage(<StreamBrowser connection="shop_db" onChoose={chosen} />);
    expect(await screen.findByRole("button", { name: "public.accounts" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Search streams"), { target: { value: "orders" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByRole("button", { name: "sales.orders_2024" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "public.accounts" })).toBeNull();
    expect(screen.getByText("2 streams loaded, more available")).toBeTruthy();
    const searched = api.sent("GET", "connections/shop_db/streams").at(-1)!;
    expect(searched.query.get("select")).toBe("*orders*");
    expect(searched.query.get("after")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Load more streams" }));
    expect(await screen.findByRole("button", { name: "sales.orders_2025" })).toBeTruthy();
    const paged = api.sent("GET", "connections/shop_db/streams").at(-1)!;
    expect(paged.query.get("select")).toBe("*orders*");
    expect(paged.query.get("after")).toBe("sales.orders_2024");
    expect(screen.getAllByRole("listitem")).toHaveLength(3);
    expect(screen.getByText("3 streams loaded")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Load more streams" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "public.orders" }));
    expect(chosen).toHaveBeenCalledWith(expect.objectContaining({ stream: "public.orders" }));
  });

  it("shows the columns of the chosen stream on the connection page", async () => {
    stubApi((c) => {
      if (c.path === "connectors") return json({ items: [postgres] });
      if (c.path === "connections/shop_db") return json(shopDb, 200, { ETag: '"v1"' });
      if (c.path === "connections/shop_db/streams") return json({ items: [stream("public.orders", 4)], next: null });
    });
    renderPage(<Page sub={["shop_db"]} />, "/connections/shop_db");
    fireEvent.click(await screen.findByRole("button", { name: "public.orders" }));
    const columns = screen.getByRole("region", { name: "Columns of public.orders" });
    expect(within(columns).getAllByRole("row")).toHaveLength(5);
    expect(within(columns).getByText("primary key")).toBeTruthy();
    expect(within(columns).getByText("cursor candidate")).toBeTruthy();
  });

  it("turns words into globs and escapes names", () => {
    expect(searchGlob(" orders ")).toBe("*orders*");
    expect(searchGlob("public.ord*")).toBe("public.ord*");
    expect(searchGlob("")).toBeNull();
    expect(globEscape("odd*name[1]?")).toBe("odd[*]name[[]1][?]");
    expect(literalOf(globEscape("odd*name[1]?"))).toBe("odd*name[1]?");
    expect(literalOf("public.*")).toBeNull();
    expect(globMatch(globEscape("a*b"), "a*b")).toBe(true);
    expect(globMatch(globEscape("a*b"), "axb")).toBe(false);
    expect(globMatch("public.order_*", "public.order_lines")).toBe(true);
    expect(globMatch("[!a-c]x", "dx")).toBe(true);
    expect(globMatch("[!a-c]x", "bx")).toBe(false);
  });
});
