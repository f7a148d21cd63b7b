import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { Activation, ActivationPlan } from "../../api/types";
import { json, renderPage, stubApi, type Call } from "../connections/test-utils";
import Page from "./index";

const activations: Activation[] = [
  { name: "export", destination: "appdb.t", mode: "mirror", description: "orders to the app", file: "activations/export.yml", problem: null },
  { name: "broken", destination: null, mode: null, description: null, file: "activations/broken.yml", problem: "no connection named 'nowhere'" },
  { name: "segments_s3", destination: "s3://exports/segments/daily/ at https://minio.internal:9000", mode: "full", description: null, file: "activations/segments_s3.yml", problem: null },
  { name: "crm_contacts", destination: "POST https://api.example.com/v2/contacts/batch", mode: "changes", description: null, file: "activations/crm_contacts.yml", problem: null },
];

const plan: ActivationPlan = {
  activation: "export", destination: "appdb.t", mode: "mirror", result_rows: 3, inserts: 3, updates: 0, deletes: 0, unchanged: 0,
  sends_all: false, first_run: true,
  samples: { insert: [{ id: "1", region: "tokyo" }, { id: "2", region: "osaka" }, { id: "3", region: "tokyo" }], update: [], delete: [] },
  requests: [],
};

const httpPlan: ActivationPlan = {
  activation: "crm_contacts", destination: "POST https://api.example.com/v2/contacts/batch", mode: "changes",
  result_rows: 5, inserts: 2, updates: 0, deletes: 1, unchanged: 2, sends_all: false, first_run: false,
  samples: { insert: [{ id: "7", email: "a@example.com" }, { id: "8", email: "b@example.com" }], update: [], delete: [{ id: "3" }] },
  requests: [
    { operation: "insert", records: 2, method: "POST", url: "https://api.example.com/v2/contacts/batch?key=***", body: '{"contacts":[{"id":12345678901234567890,"email":"a@example.com"},{"id":8,"email":"b@example.com"}]}' },
    { operation: "delete", records: 1, method: "POST", url: "https://api.example.com/v2/contacts/batch_delete", body: '[{"id":3}]' },
  ],
};

const retryPlan: ActivationPlan = {
  ...httpPlan, inserts: 0, updates: 2, deletes: 0, unchanged: 0,
  samples: { insert: [], update: [{ id: "7", email: "a@example.com" }, { id: "9", email: "c@example.com" }], delete: [] },
  requests: [{ operation: "update", records: 2, method: "POST", url: "https://api.example.com/v2/contacts/batch?key=***", body: '[{"id":7},{"id":9}]' }],
};

const handler = (c: Call) => {
  if (c.method === "GET" && c.path === "activations") return json({ items: activations });
  if (c.method === "POST" && c.path === "activations/export/plan") return json(plan);
  if (c.method === "POST" && c.path === "activations/export/runs") return json({ id: 42, state: "queued", existing: false, url: "/api/v1/runs/42" }, 201);
  if (c.method === "POST" && c.path === "activations/crm_contacts/plan") return json((c.body as { retry_rejected?: boolean }).retry_rejected ? retryPlan : httpPlan);
  if (c.method === "POST" && c.path === "activations/crm_contacts/runs") return json({ id: 43, state: "queued", existing: false, url: "/api/v1/runs/43" }, 201);
  if (c.method === "GET" && c.path === "activations/crm_contacts/rejected") return json({ total: 0, items: [] });
  return undefined;
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("activations", () => {
  it("lists activations with destination, mode and problem", async () => {
    stubApi(handler, "viewer");
    renderPage(<Page sub={[]} />, "/activations");
    expect(await screen.findByRole("link", { name: "export" })).toBeTruthy();
    expect(screen.getByText("mirror")).toBeTruthy();
    expect(screen.getByText("no connection named 'nowhere'")).toBeTruthy();
  });

  it("lists each destination's type and display as the API gives it", async () => {
    stubApi(handler, "viewer");
    renderPage(<Page sub={[]} />, "/activations");
    const row = (name: string) => screen.getByRole("link", { name }).closest("tr") as HTMLElement;
    await screen.findByRole("link", { name: "crm_contacts" });
    expect(within(row("export")).getByText("Database table")).toBeTruthy();
    expect(within(row("segments_s3")).getByText("Files in S3")).toBeTruthy();
    expect(within(row("segments_s3")).getByText("s3://exports/segments/daily/ at https://minio.internal:9000")).toBeTruthy();
    expect(within(row("crm_contacts")).getByText("HTTP API")).toBeTruthy();
    expect(within(row("crm_contacts")).getByText("POST https://api.example.com/v2/contacts/batch")).toBeTruthy();
  });

  it("shows the dry run's counts and samples, and runs only after a preview", async () => {
    const api = stubApi(handler);
    renderPage(<Page sub={["export"]} />, "/activations/export");
    const run = await screen.findByRole("button", { name: "Run now" });
    expect((run as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole("button", { name: "Preview changes" }));

    expect((await screen.findByTestId("plan-inserts")).textContent).toBe("3");
    expect(screen.getByTestId("plan-updates").textContent).toBe("0");
    expect(screen.getByText(/First run/)).toBeTruthy();
    expect(screen.getByRole("table", { name: "Sample inserts" }).textContent).toContain("osaka");
    expect(api.sent("POST", "activations/export/plan")[0].body).toEqual({ full: false });
    expect(api.sent("POST", "activations/export/runs")).toHaveLength(0);

    await waitFor(() => expect((screen.getByRole("button", { name: "Run now" }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByRole("button", { name: "Run now" }));

    expect(await screen.findByRole("link", { name: "Open run #42" })).toBeTruthy();
    expect(api.sent("POST", "activations/export/runs")).toHaveLength(1);
    expect(api.sent("POST", "activations/export/runs")[0].body).toEqual({ full: false });
  });
});

describe("activations to an HTTP API", () => {
  it("shows the destination's type and the dry run's first requests, grouped by operation, bodies laid out", async () => {
    stubApi(handler);
    renderPage(<Page sub={["crm_contacts"]} />, "/activations/crm_contacts");
    expect((await screen.findByTestId("destination-kind")).textContent).toBe("HTTP API");

    fireEvent.click(screen.getByRole("button", { name: "Preview changes" }));

    const inserts = await screen.findByRole("region", { name: "Insert requests" });
    expect(within(inserts).getByText("https://api.example.com/v2/contacts/batch?key=***", { exact: false })).toBeTruthy();
    expect(within(inserts).getByText("POST")).toBeTruthy();
    expect(within(inserts).getByText("2 record(s)")).toBeTruthy();
    const body = within(inserts).getByLabelText("Body of Insert request 1");
    expect(body.tagName).toBe("PRE");
    // Re-indented, with a number beyond 2^53 kept as written.
    expect(body.textContent).toBe(`{
  "contacts": [
    {
      "id": 12345678901234567890,
      "email": "a@example.com"
    },
    {
      "id": 8,
      "email": "b@example.com"
    }
  ]
}`);
    const deletes = screen.getByRole("region", { name: "Delete requests" });
    expect(within(deletes).getByText("https://api.example.com/v2/contacts/batch_delete", { exact: false })).toBeTruthy();
    expect(within(deletes).getByLabelText("Body of Delete request 1").textContent).toBe('[\n  {\n    "id": 3\n  }\n]');
  });

  it("retries rejected records: the preview and the run send retry_rejected", async () => {
    const api = stubApi(handler);
    renderPage(<Page sub={["crm_contacts"]} />, "/activations/crm_contacts");
    const retry = await screen.findByRole("radio", { name: "Retry rejected records" });
    expect(retry.getAttribute("aria-describedby")).toBe("act-retry-hint");
    expect(document.getElementById("act-retry-hint")?.textContent).toMatch(/rejected before/);

    fireEvent.click(retry);
    fireEvent.click(screen.getByRole("button", { name: "Preview changes" }));

    expect((await screen.findByTestId("plan-rejected")).textContent).toBe("Rejected records to send again: 2");
    expect(api.sent("POST", "activations/crm_contacts/plan")[0].body).toEqual({ retry_rejected: true });
    expect(screen.getByRole("region", { name: "Update requests" })).toBeTruthy();

    await waitFor(() => expect((screen.getByRole("button", { name: "Run now" }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByRole("button", { name: "Run now" }));

    expect(await screen.findByRole("link", { name: "Open run #43" })).toBeTruthy();
    expect(api.sent("POST", "activations/crm_contacts/runs")[0].body).toEqual({ retry_rejected: true });
  });

  it("offers no retry of rejected records for a database table, nor requests in its preview", async () => {
    stubApi(handler);
    renderPage(<Page sub={["export"]} />, "/activations/export");
    expect((await screen.findByTestId("destination-kind")).textContent).toBe("Database table");
    expect(screen.getByRole("radio", { name: /^Full/ })).toBeTruthy();
    expect(screen.queryByRole("radio", { name: "Retry rejected records" })).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Preview changes" }));
    await screen.findByTestId("plan-inserts");
    expect(screen.queryByRole("heading", { name: "First requests" })).toBeNull();
    expect(screen.queryByTestId("plan-rejected")).toBeNull();
  });

  it("sends full: true for a full refresh", async () => {
    const api = stubApi(handler);
    renderPage(<Page sub={["crm_contacts"]} />, "/activations/crm_contacts");
    fireEvent.click(await screen.findByRole("radio", { name: /^Full/ }));
    fireEvent.click(screen.getByRole("button", { name: "Preview changes" }));
    await screen.findByTestId("plan-inserts");
    expect(api.sent("POST", "activations/crm_contacts/plan")[0].body).toEqual({ full: true });
  });

  it("shows an HTTP API's rejected records with the API's answer, and names the type as the server does", async () => {
    const typed = activations.map((a) => (a.name === "crm_contacts" ? { ...a, destination: "crm (as the server names it)", destination_type: "http" as const } : a));
    const api = stubApi((c) => {
      if (c.method === "GET" && c.path === "activations") return json({ items: typed });
      if (c.method === "GET" && c.path === "activations/crm_contacts/rejected") {
        return json({ total: 3, items: [{ key: '{"id":4}', operation: "insert", record: '{"id":4,"email":"bad"}', http_status: 422, response: '{"error":"invalid email"}', error: "422 Unprocessable Entity", run_id: 17, rejected_at: "2026-12-01T08:00:00Z" }] });
      }
      return handler(c);
    }, "editor");
    renderPage(<Page sub={["crm_contacts"]} />, "/activations/crm_contacts");

    const table = await screen.findByRole("table", { name: "Rejected records of crm_contacts" });
    expect(screen.getByText("3 records are rejected; the newest:")).toBeTruthy();
    const row = within(table).getAllByRole("row")[1];
    expect(within(row).getByText('{"id":4}').getAttribute("title")).toBe('{"id":4,"email":"bad"}');
    expect(within(row).getByText("422")).toBeTruthy();
    expect(within(row).getByText('{"error":"invalid email"}')).toBeTruthy();
    expect(within(row).getByRole("link", { name: "#17" }).getAttribute("href")).toBe("/runs/17");
    expect(screen.getByTestId("destination-kind").textContent).toBe("HTTP API");
    expect(api.sent("GET", "activations/crm_contacts/rejected")[0].query.get("limit")).toBe("50");
  });

  it("asks no rejected records of a database table", async () => {
    const api = stubApi(handler, "editor");
    renderPage(<Page sub={["export"]} />, "/activations/export");
    expect(await screen.findByTestId("destination-kind")).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Rejected records" })).toBeNull();
    expect(api.sent("GET", "activations/export/rejected")).toHaveLength(0);
  });
});
