import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { json, problem, Providers, stubApi } from "../access/test-utils";
import { PasswordForm } from "./PasswordForm";
import { Tokens } from "./Tokens";

afterEach(() => vi.unstubAllGlobals());

const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const describedText = (label: string) => document.getElementById(screen.getByLabelText(label).getAttribute("aria-describedby") ?? "")?.textContent;

describe("password form", () => {
  it("refuses a confirmation that does not match without calling the API", async () => {
    const { fetchMock } = stubApi({});
    const onDone = vi.fn();
    render(<Providers><PasswordForm onDone={onDone} /></Providers>);
    expect(screen.getByRole("heading", { name: "Change password" })).toBeTruthy();
    fill("Current password", "the first password");
    fill("New password", "a long new passphrase");
    fill("Confirm new password", "a long new passphrasE");
    fireEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(describedText("Confirm new password")).toBe("The two new passwords do not match.");
    expect(screen.getByLabelText("Confirm new password").getAttribute("aria-invalid")).toBe("true");
    fill("New password", "short");
    fill("Confirm new password", "short");
    fireEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(describedText("New password")).toBe("Use at least 12 characters.");
    expect(fetchMock).not.toHaveBeenCalled();
    expect(onDone).not.toHaveBeenCalled();
  });

  it("on the first start asks for one's own password, shows a wrong current one beside it, and calls onDone", async () => {
    let attempt = 0;
    const { calls } = stubApi({
      "PUT /api/v1/session/password": () => (++attempt === 1 ? problem(400, "The current password is wrong.", "$.current_password") : { status: 204 }),
    });
    const onDone = vi.fn();
    render(<Providers><PasswordForm onDone={onDone} firstStart /></Providers>);
    expect(screen.getByRole("heading", { level: 1, name: "Choose your own password" })).toBeTruthy();
    fill("Current password", "printed-password");
    fill("New password", "my own long passphrase");
    fill("Confirm new password", "my own long passphrase");
    fireEvent.click(screen.getByRole("button", { name: "Set password" }));
    await waitFor(() => expect(describedText("Current password")).toBe("The current password is wrong."));
    expect(onDone).not.toHaveBeenCalled();
    fill("Current password", "printed-password-2");
    fireEvent.click(screen.getByRole("button", { name: "Set password" }));
    await waitFor(() => expect(onDone).toHaveBeenCalledTimes(1));
    expect(calls.at(-1)?.body).toEqual({ current_password: "printed-password-2", new_password: "my own long passphrase" });
  });
});

describe("tokens", () => {
  const token = { id: 5, name: "ci", user_id: 2, prefix: "ngr_abcdefgh", scopes: ["read"], created_at: "2026-12-01T09:00:00Z", expires_at: null, revoked_at: null, last_used_at: null };

  it("shows a new token's secret once, and not after closing", async () => {
    let list: unknown[] = [];
    const { calls } = stubApi({
      "GET /api/v1/tokens": () => json({ items: list }),
      "POST /api/v1/tokens": () => { list = [token]; return json({ token, secret: "ngr_abcdefgh_the_secret" }, 201); },
    });
    render(<Providers><Tokens level="analyst" userName="hanako" /></Providers>);
    await screen.findByText("No tokens yet.");
    expect(screen.queryByLabelText("admin")).toBeNull(); // no admin scope for an analyst
    fill("Token name", "ci");
    fireEvent.click(screen.getByLabelText("read"));
    fireEvent.click(screen.getByLabelText("run"));
    fill("Expires after (days)", "30");
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));
    const secret = await screen.findByLabelText("Token secret");
    expect((secret as HTMLInputElement).value).toBe("ngr_abcdefgh_the_secret");
    expect(screen.getByText("Copy it now: it is shown this once and cannot be shown again.")).toBeTruthy();
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({ name: "ci", scopes: ["read", "run"], expires_in_days: 30 });
    await screen.findByRole("rowheader", { name: "ci" });
    fireEvent.click(screen.getByRole("button", { name: "I have copied it" }));
    expect(screen.queryByLabelText("Token secret")).toBeNull();
    expect(document.body.textContent).not.toContain("the_secret");
    expect(screen.getByRole("rowheader", { name: "ci" })).toBeTruthy();
  });

  it("copies the secret", async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal("navigator", { ...navigator, clipboard: { writeText } });
    stubApi({ "GET /api/v1/tokens": json({ items: [] }), "POST /api/v1/tokens": json({ token, secret: "ngr_x" }, 201) });
    render(<Providers><Tokens level="viewer" /></Providers>);
    await screen.findByText("No tokens yet.");
    fill("Token name", "ci");
    fill("Expires after (days)", "");
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));
    fireEvent.click(await screen.findByRole("button", { name: "Copy" }));
    await screen.findByText("Copied to the clipboard.");
    expect(writeText).toHaveBeenCalledWith("ngr_x");
  });

  it("revokes after asking", async () => {
    let revoked = false;
    const { calls } = stubApi({
      "GET /api/v1/tokens": () => json({ items: [{ ...token, revoked_at: revoked ? "2026-12-02T00:00:00Z" : null }] }),
      "DELETE /api/v1/tokens/5": () => { revoked = true; return { status: 204 }; },
    });
    render(<Providers><Tokens level="viewer" /></Providers>);
    fireEvent.click(await screen.findByRole("button", { name: "Revoke" }));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Yes, revoke" }));
    await screen.findByText("revoked");
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(1);
    expect(screen.queryByRole("button", { name: "Revoke" })).toBeNull();
  });
});
