// Test helpers for the models and query pages: a stubbed API answering by method and path, and the providers a
// page runs inside. Only tests import this file.
import type { ReactNode } from "react";
import { act, configure, render, waitFor } from "@testing-library/react";
import { vi } from "vitest";
import { EditorView } from "@codemirror/view";
import { LangProvider } from "../../i18n";
import { RouterProvider } from "../../router";
import { SessionProvider, useSession } from "../../session";
import type { Level } from "../../api/types";

// A busy machine renders slowly: wait longer for what tests find asynchronously.
configure({ asyncUtilTimeout: 10_000 });

export interface Call { method: string; path: string; body: unknown; headers: Record<string, string> }
type Answer = Response | ((call: Call) => Response | Promise<Response>);

export const json = (value: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json", ...headers } });

export const problem = (status: number, detail: string, field: string | null = null) =>
  json({ type: "about:blank", title: status === 400 ? "Bad request" : "Error", status, detail, field }, status);

/** Stubs fetch: `routes` maps "METHOD /path" (after /api/v1, without the query) to an answer. Unknown calls answer 404. */
export function stubApi(routes: Record<string, Answer>, level: Level = "editor"): Call[] {
  const calls: Call[] = [];
  const all: Record<string, Answer> = {
    "GET /session": () => json({ name: "hana", role: level, level, via: "session", csrf_token: "t" }),
    "GET /datasets": () => json({ items: [{ name: "main", privilege: "read", tables: 1 }] }),
    "GET /datasets/main": () => json({ name: "main", privilege: "read", tables: [{ name: "orders", kind: "table", rows: 3, columns: [{ name: "region", type: "VARCHAR", nullable: true }] }] }),
    ...routes,
  };
  vi.stubGlobal("fetch", vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    const path = decodeURIComponent(new URL(url, "http://localhost").pathname.replace(/^\/api\/v1/, ""));
    const call = { method, path, body: init.body ? JSON.parse(String(init.body)) : undefined, headers: (init.headers ?? {}) as Record<string, string> };
    calls.push(call);
    const answer = all[`${method} ${path}`];
    if (!answer) return problem(404, `no stub for ${method} ${path}`);
    return typeof answer === "function" ? answer(call) : answer.clone();
  }));
  return calls;
}

/** As the shell does: the page appears once the session is known. */
function SignedIn({ children }: { children: ReactNode }) {
  const { session, loading } = useSession();
  return loading || !session ? null : <>{children}</>;
}

export function renderPage(page: ReactNode) {
  return render(pageTree(page));
}

/** The providers around `page`, for `rerender` with other props (the providers keep their state). */
export function pageTree(page: ReactNode) {
  return (
    <LangProvider initial="en">
      <SessionProvider>
        <RouterProvider><SignedIn>{page}</SignedIn></RouterProvider>
      </SessionProvider>
    </LangProvider>
  );
}

/** The CodeMirror view inside `container` once it is there (the first, or the one with this aria-label). */
export async function findEditor(container: HTMLElement, label?: string): Promise<EditorView> {
  let view: EditorView | null = null;
  await waitFor(() => { view = editorView(container, label); });
  return view!;
}

/** The CodeMirror view inside `container` (the first, or the one whose content has this aria-label). */
export function editorView(container: HTMLElement, label?: string): EditorView {
  const content = label ? container.querySelector(`.cm-content[aria-label="${label}"]`) : container.querySelector(".cm-content");
  const view = content ? EditorView.findFromDOM(content.closest(".cm-editor") as HTMLElement) : null;
  if (!view) throw new Error("no editor");
  return view;
}

/** Replaces the editor's text as typing would. */
export function typeInto(view: EditorView, text: string) {
  act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, userEvent: "input" }));
}

/** What jsdom lacks and CodeMirror and React Flow measure with. */
export function stubLayout() {
  vi.stubGlobal("ResizeObserver", class { observe() {} unobserve() {} disconnect() {} });
  vi.spyOn(window, "scrollTo").mockImplementation(() => {});
  const rect = () => ({ x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON() {} });
  if (!Range.prototype.getClientRects) {
    Range.prototype.getClientRects = () => ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as unknown as DOMRectList;
    Range.prototype.getBoundingClientRect = rect as unknown as () => DOMRect;
  }
}
