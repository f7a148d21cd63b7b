// Helpers of the page tests: the providers of the shell, a fake API behind fetch, and a fake EventSource.
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { vi } from "vitest";
import type { Level } from "../../api/types";
import { LangProvider } from "../../i18n";
import { RouterProvider } from "../../router";
import { SessionProvider } from "../../session";

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

export interface Call { method: string; url: URL; body: unknown }

/** Stubs fetch: `GET /api/v1/session` answers a user of `level`; other requests go to `route` (404 when it answers nothing). */
export function stubApi(route: (call: Call) => Response | undefined | Promise<Response | undefined>, level: Level = "analyst") {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    const call = { method: init?.method ?? "GET", url, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    if (url.pathname === "/api/v1/session") return json({ name: "ana", role: level, level, via: "session", csrf_token: "x" });
    calls.push(call);
    return (await route(call)) ?? json({ title: "Not found", status: 404, detail: `No route ${url.pathname}` }, 404);
  });
  vi.stubGlobal("fetch", fetchMock);
  vi.stubGlobal("scrollTo", () => {});
  return { calls, fetchMock };
}

export function renderPage(ui: ReactNode, path = "/") {
  window.history.pushState(null, "", path);
  return render(
    <LangProvider initial="en">
      <RouterProvider>
        <SessionProvider>{ui}</SessionProvider>
      </RouterProvider>
    </LangProvider>,
  );
}

/** An EventSource that tests drive: `emit("line", data, id)`, `emit("end", …)`. */
export class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readonly url: string;
  readyState = 1;
  onerror: ((e: Event) => void) | null = null;
  private listeners = new Map<string, ((e: MessageEvent) => void)[]>();
  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  removeEventListener() {}
  close() {
    this.readyState = 2;
  }
  emit(type: string, data: unknown, id?: number) {
    for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id === undefined ? "" : String(id) }));
  }
}
