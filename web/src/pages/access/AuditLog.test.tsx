import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { AuditLog } from "./AuditLog";
import { json, Providers, stubApi } from "./test-utils";

const entry = (id: number, action = "sign-in") => ({ id, at: "2026-12-01T09:00:00Z", actor: "admin", action, target: "session", outcome: id % 2 ? "allowed" : "denied", detail: null, address: "127.0.0.1" });

afterEach(() => { vi.unstubAllGlobals(); window.history.replaceState(null, "", "/"); });

describe("audit log", () => {
  it("takes filters from the URL and pages with Older via before=", async () => {
    vi.stubGlobal("scrollTo", vi.fn());
    window.history.replaceState(null, "", "/access/audit?actor=admin");
    const { calls } = stubApi({
      "GET /api/v1/audit": (call) => call.url.includes("before=41")
        ? json({ items: [entry(40, "role.update")], next: null })
        : json({ items: [entry(43), entry(42), entry(41)], next: "/api/v1/audit?before=41&limit=50&actor=admin" }),
    });
    render(<Providers><AuditLog /></Providers>);
    await screen.findAllByText("sign-in");
    expect(calls[0].url).toBe("/api/v1/audit?limit=50&actor=admin");
    expect((screen.getByLabelText("Actor") as HTMLInputElement).value).toBe("admin");
    fireEvent.click(screen.getByRole("button", { name: "Older" }));
    await screen.findByText("role.update");
    expect(calls[1].url).toBe("/api/v1/audit?limit=50&actor=admin&before=41");
    expect(window.location.search).toBe("?actor=admin&before=41");
    expect(screen.queryByRole("button", { name: "Older" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Newest" }));
    await waitFor(() => expect(window.location.search).toBe("?actor=admin"));
  });

  it("puts new filters in the URL", async () => {
    vi.stubGlobal("scrollTo", vi.fn());
    window.history.replaceState(null, "", "/access/audit");
    const { calls } = stubApi({ "GET /api/v1/audit": json({ items: [], next: null }) });
    render(<Providers><AuditLog /></Providers>);
    await screen.findByText("No entries.");
    fireEvent.change(screen.getByLabelText("Action"), { target: { value: "role.update" } });
    fireEvent.click(screen.getByRole("button", { name: "Filter" }));
    await waitFor(() => expect(calls.at(-1)?.url).toBe("/api/v1/audit?limit=50&action=role.update"));
    expect(window.location.search).toBe("?action=role.update");
  });
});
