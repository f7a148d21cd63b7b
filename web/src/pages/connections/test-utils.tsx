// For component tests of these pages: the app's providers around a page, and a fetch stub that
// answers API calls by method and path and records what was sent.
import type { ReactNode } from "react";
import { configure, render } from "@testing-library/react";
import { vi } from "vitest";
import type { Level } from "../../api/types";
import { LangProvider } from "../../i18n";
import { RouterProvider } from "../../router";
import { SessionProvider } from "../../session";

// These tests render whole pages; on a busy machine the first render of a file takes seconds.
configure({ asyncUtilTimeout: 5000 });
vi.setConfig({ testTimeout: 30000 });

export interface Call { method: string; path: string; query: URLSearchParams; headers: Record<string, string>; body: unknown }
export type Handler = (call: Call) => Response | Promise<Response> | undefined;

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json", ...headers } });

export const problem = (status: number, detail: string, field?: string): Response =>
  json({ type: "about:blank", title: status === 400 ? "Bad request" : `HTTP ${status}`, status, detail, field }, status);

/** Stubs fetch: the session answers with `level`; other calls go to `handler` (404 when it answers nothing). */
export function stubApi(handler: Handler, level: Level = "editor") {
  const calls: Call[] = [];
  const mock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    const call: Call = {
      method: init?.method ?? "GET",
      path: url.pathname.replace(/^\/api\/v1\//, ""),
      query: url.searchParams,
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    if (call.path === "session" && call.method === "GET") return json({ name: "hanako", role: level, level, via: "session", csrf_token: null });
    calls.push(call);
    return (await handler(call)) ?? problem(404, `No route ${call.method} ${call.path}`);
  });
  vi.stubGlobal("fetch", mock);
  return { calls, mock, sent: (method: string, path: string) => calls.filter((c) => c.method === method && c.path === path) };
}

/** Renders `ui` inside the language, router and session providers, at `path`. */
export function renderPage(ui: ReactNode, path = "/") {
  window.history.replaceState(null, "", path);
  return render(
    <LangProvider initial="en">
      <RouterProvider>
        <SessionProvider>{ui}</SessionProvider>
      </RouterProvider>
    </LangProvider>,
  );
}
