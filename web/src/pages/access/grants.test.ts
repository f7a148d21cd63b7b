import { describe, expect, it } from "vitest";
import { matches, resolve, validPattern, withGrant } from "./grants";

describe("grants", () => {
  it("resolves like the server: most specific pattern wins, the lower privilege on a tie", () => {
    const grants = [{ pattern: "*", privilege: "read" as const }, { pattern: "dwh_secret", privilege: "none" as const }, { pattern: "mart_*", privilege: "write" as const }];
    expect(resolve(grants, "dwh_secret")).toBe("none");
    expect(resolve(grants, "mart_sales")).toBe("write");
    expect(resolve(grants, "raw")).toBe("read");
    expect(resolve([{ pattern: "a?", privilege: "admin" }, { pattern: "?b", privilege: "read" }], "ab")).toBe("read");
    expect(resolve([], "x")).toBe("none");
    expect(matches("MART_*", "mart_x")).toBe(true);
    expect(matches("m.rt", "mart")).toBe(false);
  });

  it("checks patterns and edits grants case-insensitively", () => {
    expect(validPattern("mart_*")).toBe(true);
    expect(validPattern("a b")).toBe(false);
    expect(validPattern("")).toBe(false);
    const grants = [{ pattern: "Mart_*", privilege: "read" as const }];
    expect(withGrant(grants, "mart_*", "write")).toEqual([{ pattern: "Mart_*", privilege: "write" }]);
    expect(withGrant(grants, "mart_*", null)).toEqual([]);
    expect(withGrant(grants, "x", "none")).toEqual([...grants, { pattern: "x", privilege: "none" }]);
  });
});
