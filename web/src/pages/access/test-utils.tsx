// Test helpers: a fetch stub that answers by "METHOD /path" and records the calls, and a
// wrapper with the providers a page needs.
import type { ReactNode } from "react";
import { vi } from "vitest";
import { LangProvider } from "../../i18n";
import { RouterProvider } from "../../router";

export interface Call { method: string; url: string; headers: Record<string, string>; body: unknown }
type Answer = { status?: number; body?: unknown; etag?: string };
type Handler = (call: Call) => Answer;

export const json = (body: unknown, status = 200, etag?: string): Answer => ({ status, body, etag });
export const problem = (status: number, detail: string, field?: string): Answer =>
  ({ status, body: { type: "about:blank", title: status === 409 ? "Conflict" : "Bad request", status, detail, field } });

/** Stubs fetch: `routes` maps "GET /api/v1/roles" (path with or without query) to an answer. */
export function stubApi(routes: Record<string, Handler | Answer>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    const call: Call = { method, url: input, headers: (init.headers ?? {}) as Record<string, string>, body: init.body ? JSON.parse(init.body as string) : undefined };
    calls.push(call);
    const path = input.split("?")[0];
    const route = routes[`${method} ${input}`] ?? routes[`${method} ${path}`];
    if (!route) return new Response(JSON.stringify({ title: "Not Found", status: 404, detail: `no stub for ${method} ${input}` }), { status: 404 });
    const answer = typeof route === "function" ? route(call) : route;
    const status = answer.status ?? 200;
    const headers: Record<string, string> = { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" };
    if (answer.etag) headers.ETag = answer.etag;
    return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), { status, headers });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { calls, fetchMock };
}

export function Providers({ children }: { children: ReactNode }) {
  return <LangProvider initial="en"><RouterProvider>{children}</RouterProvider></LangProvider>;
}
