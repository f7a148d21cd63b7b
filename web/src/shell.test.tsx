import { describe, expect, it, vi } from "vitest";
import { render, screen, fireEvent, waitFor } from "@testing-library/react";
import { resolve } from "./App";
import { match } from "./router";
import { toYaml } from "./components/yaml";
import { ApiError, api } from "./api/client";
import { LangProvider, defineMessages, useT, detectLang } from "./i18n";

describe("routes", () => {
  it("maps paths to pages and their segments", () => {
    expect(resolve("/")?.entry.label).toBe("home");
    expect(resolve("/runs/42")?.sub).toEqual(["42"]);
    expect(resolve("/connections/a%2Fb")?.sub).toEqual(["a/b"]);
    expect(resolve("/nowhere")).toBeNull();
    expect(match("/runs/:id", "/runs/7")).toEqual({ id: "7" });
    expect(match("/files/:path*", "/files/models/a.sql")).toEqual({ path: "models/a.sql" });
    expect(match("/runs/:id", "/runs")).toBeNull();
  });
});

describe("yaml", () => {
  it("writes block YAML, quoting only what needs it", () => {
    const yaml = toYaml({ name: "orders", source: "app_db", streams: [{ name: "public.orders", mode: "incremental", cursor: "updated_at" }], note: "yes", port: "5432", sql: "select 1\nfrom t\n", empty: [] });
    expect(yaml).toBe([
      "name: orders", "source: app_db", "streams:", "  - name: public.orders", "    mode: incremental", "    cursor: updated_at",
      'note: "yes"', 'port: "5432"', "sql: |", "  select 1", "  from t", "empty: []", "",
    ].join("\n"));
  });
});

describe("api client", () => {
  it("turns problems into errors naming the field, and sends the anti-forgery header", async () => {
    document.cookie = "nagare_csrf=abc123";
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ type: "x", title: "Bad request", status: 400, detail: "'host' is required.", field: "$.settings.host" }), { status: 400, headers: { "Content-Type": "application/problem+json" } }));
    vi.stubGlobal("fetch", fetchMock);
    const error = await api.put("connections/x", { type: "postgres" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).concerns("settings.host")).toBe(true);
    expect((error as ApiError).concerns("settings")).toBe(true);
    expect((error as ApiError).concerns("name")).toBe(false);
    expect((error as ApiError).detail).toBe("'host' is required.");
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>)["X-CSRF-Token"]).toBe("abc123");
    vi.unstubAllGlobals();
  });
});

describe("i18n", () => {
  const messages = defineMessages({ en: { hello: "Hello {name}" }, ja: { hello: "こんにちは {name}" } });
  function Hello() {
    const t = useT(messages);
    return <p>{t("hello", { name: "Aki" })}</p>;
  }
  it("switches language and remembers it", async () => {
    render(<LangProvider initial="ja"><Hello /></LangProvider>);
    expect(screen.getByText("こんにちは Aki")).toBeTruthy();
    expect(document.documentElement.lang).toBe("ja");
  });
  it("detects Japanese browsers", () => {
    vi.spyOn(navigator, "languages", "get").mockReturnValue(["ja-JP", "en"]);
    expect(detectLang()).toBe("ja");
    localStorage.setItem("nagare.lang", "en");
    expect(detectLang()).toBe("en");
    vi.restoreAllMocks();
  });
  it("renders inputs with labels", async () => {
    const { TextField } = await import("./components/Field");
    const onChange = vi.fn();
    render(<TextField label="Host" value="" onChange={onChange} field="settings.host" error={new ApiError(400, "Bad request", "'host' is required.", "$.settings.host")} />);
    const input = screen.getByLabelText("Host");
    fireEvent.change(input, { target: { value: "db" } });
    await waitFor(() => expect(onChange).toHaveBeenCalledWith("db"));
    expect(screen.getByRole("alert").textContent).toBe("'host' is required.");
    expect(input.getAttribute("aria-invalid")).toBe("true");
  });
});

describe("shell", () => {
  it("refuses a page above the signed-in role's level and hides its link", async () => {
    const { App } = await import("./App");
    const { RouterProvider } = await import("./router");
    const { SessionProvider } = await import("./session");
    window.history.pushState(null, "", "/access");
    const viewer = { name: "vera", role: "viewer", level: "viewer", via: "session", csrf_token: null };
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(viewer), { status: 200, headers: { "Content-Type": "application/json" } })));
    render(<LangProvider initial="en"><RouterProvider><SessionProvider><App /></SessionProvider></RouterProvider></LangProvider>);
    expect((await screen.findByRole("alert")).textContent).toBe("Your role may not open this page.");
    expect(screen.queryByRole("link", { name: "Access" })).toBeNull();
    expect(screen.getByRole("link", { name: "Runs" })).toBeTruthy();
    window.history.pushState(null, "", "/");
    vi.unstubAllGlobals();
  });
});
