import { describe, expect, it } from "vitest";
import { destinationKind, prettyJson } from "./destination";

describe("destinationKind", () => {
  it("reads the kind from the display the server writes", () => {
    expect(destinationKind("app_db:public.daily_kpis", "mirror")).toBe("database");
    expect(destinationKind("exports/segments", "full")).toBe("files");
    expect(destinationKind("exports/segments", "changes")).toBe("files");
    expect(destinationKind("s3://exports/", "full")).toBe("s3");
    expect(destinationKind("s3://exports/segments/daily/ at https://minio.internal:9000", "changes")).toBe("s3");
    expect(destinationKind("POST https://api.example.com/v2/contacts/batch", "changes")).toBe("http");
    expect(destinationKind("PATCH ${CRM_URL}/contacts/{{ record.id }}", "full")).toBe("http");
    expect(destinationKind(null, null)).toBeNull();
  });
});

describe("prettyJson", () => {
  it("indents objects and arrays, keeping empty ones, strings and numbers as written", () => {
    expect(prettyJson('{"a":[],"b":{},"c":"x, {y}: \\"z\\"","n":1.50e3}')).toBe('{\n  "a": [],\n  "b": {},\n  "c": "x, {y}: \\"z\\"",\n  "n": 1.50e3\n}');
    expect(prettyJson("[ 1 , 2 ]")).toBe("[\n  1,\n  2\n]");
    expect(prettyJson("null")).toBe("null");
  });

  it("leaves a text that is not JSON as it is", () => {
    expect(prettyJson("email=a@example.com")).toBe("email=a@example.com");
  });
});
