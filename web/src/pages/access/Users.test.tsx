import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import Page from "./index";
import { SessionProvider, useSession } from "../../session";
import { UserEditor, UserList } from "./Users";
import { json, problem, Providers, stubApi } from "./test-utils";

const users = [{ id: 1, name: "admin", role: "admin", disabled: false, created_at: "2026-12-01T09:00:00Z", version: 1 }];
const roles = ["admin", "editor", "analyst", "viewer", "partner"].map((name) => ({ name, level: "viewer", grants: [], description: null, builtin: name !== "partner", version: 1, masks: [], row_filters: [] }));

afterEach(() => vi.unstubAllGlobals());

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe("users", () => {
  it("shows a name that exists already beside the name", async () => {
    const { calls } = stubApi({
      "GET /api/v1/users": json({ items: users }),
      "GET /api/v1/roles": json({ items: roles }),
      "POST /api/v1/users": problem(409, "A user named 'admin' exists already.", "$.name"),
    });
    render(<Providers><UserList /></Providers>);
    await screen.findByRole("link", { name: "admin" });
    await screen.findByRole("option", { name: "partner" });
    fill("Name", "admin");
    fireEvent.change(screen.getByLabelText("Role"), { target: { value: "partner" } });
    fill("Initial password", "a long passphrase");
    fireEvent.click(screen.getByRole("button", { name: "Create user" }));
    const name = screen.getByLabelText("Name");
    await waitFor(() => expect(name.getAttribute("aria-invalid")).toBe("true"));
    const message = document.getElementById(name.getAttribute("aria-describedby")!);
    expect(message?.textContent).toBe("A user named 'admin' exists already.");
    expect(screen.getAllByRole("alert")).toHaveLength(1);
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ name: "admin", role: "partner", password: "a long passphrase" });
  });

  it("shows a weak password beside the password, then creates the user", async () => {
    let created = false;
    stubApi({
      "GET /api/v1/users": () => json({ items: created ? [...users, { ...users[0], id: 2, name: "hanako", role: "viewer" }] : users }),
      "GET /api/v1/roles": json({ items: roles }),
      "POST /api/v1/users": (call) => {
        if ((call.body as { password: string }).password.length < 12) return problem(400, "A password needs 12 to 1024 characters.", "$.password");
        created = true;
        return json({ ...users[0], id: 2, name: "hanako", role: "viewer" }, 201);
      },
    });
    render(<Providers><UserList /></Providers>);
    await screen.findByRole("link", { name: "admin" });
    fill("Name", "hanako");
    fill("Initial password", "short");
    fireEvent.click(screen.getByRole("button", { name: "Create user" }));
    const password = screen.getByLabelText("Initial password");
    await waitFor(() => expect(password.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(password.getAttribute("aria-describedby")!)?.textContent).toBe("A password needs 12 to 1024 characters.");
    fill("Initial password", "a long passphrase");
    fireEvent.click(screen.getByRole("button", { name: "Create user" }));
    await screen.findByText("User hanako created.");
    await screen.findByRole("link", { name: "hanako" });
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("");
  });

  it("changes a user with If-Match from the user's ETag, sending only what changed", async () => {
    const { calls } = stubApi({
      "GET /api/v1/users/2": json({ id: 2, name: "hanako", role: "viewer", disabled: false, created_at: "2026-12-01T09:00:00Z", version: 7 }, 200, '"7"'),
      "GET /api/v1/roles": json({ items: roles }),
      "PATCH /api/v1/users/2": (call) => json({ id: 2, name: "hanako", role: "analyst", disabled: true, created_at: "2026-12-01T09:00:00Z", version: 8, ...(call.body as object) }, 200, '"8"'),
    });
    render(<Providers><UserEditor id="2" /></Providers>);
    await screen.findByText("User hanako");
    await screen.findByRole("option", { name: "analyst" });
    fireEvent.change(screen.getByLabelText("Role"), { target: { value: "analyst" } });
    fireEvent.click(screen.getByLabelText("Disabled (cannot sign in or use tokens)"));
    fireEvent.click(screen.getByRole("button", { name: "Save user" }));
    await screen.findByText("Saved.");
    const patch = calls.find((c) => c.method === "PATCH")!;
    expect(patch.headers["If-Match"]).toBe('"7"');
    expect(patch.body).toEqual({ role: "analyst", disabled: true });
  });

  it("explains a 403 instead of failing", async () => {
    stubApi({ "GET /api/v1/users": { status: 403, body: { title: "Forbidden", status: 403, detail: "admin only" } }, "GET /api/v1/roles": { status: 403, body: {} } });
    render(<Providers><Page sub={[]} /></Providers>);
    await screen.findByText("Only admins manage users, roles, grants and the audit log.");
    expect(screen.getByRole("link", { name: "Users" }).getAttribute("aria-current")).toBe("page");
    expect(screen.getByRole("link", { name: "Grants" }).getAttribute("href")).toBe("/access/grants");
  });

  it("tells a signed-in non-admin that access is for admins, without asking the API", async () => {
    const { calls } = stubApi({ "GET /api/v1/session": json({ name: "hanako", role: "viewer", level: "viewer", via: "session", csrf_token: null }) });
    function AsTheShell() { // the shell shows a page only once it knows who is signed in
      return useSession().session ? <Page sub={["grants"]} /> : null;
    }
    render(<Providers><SessionProvider><AsTheShell /></SessionProvider></Providers>);
    await screen.findByText("Only admins manage users, roles, grants and the audit log. Ask an admin for access.");
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/session"]);
  });
});
