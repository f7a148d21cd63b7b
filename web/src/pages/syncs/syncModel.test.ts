import { describe, expect, it } from "vitest";
import type { Stream } from "../../api/types";
import { toYaml } from "../../components/yaml";
import { castWarning, columnEffect, columnPattern, emptyColumnRule, emptySync, fileComments, literalStream, parseType, ruleForStream, ruleMatches, syncDocument, syncFromDocument, validateSync } from "./syncModel";
import { readYaml, readYamlWithComments, YamlReadError } from "./yamlRead";

const example = `# Copies the application's tables into the warehouse schema "lake".
name: app_to_lake
source: app
destination: warehouse
target_schema: lake

columns:
  # Analysts join on the hashed address, never see it.
  "customers.email": { mask: sha256 }

streams:
  # Small reference table: copied whole every run.
  - select: main.plans
    mode: full_refresh

  # Append-only log: each run copies only the rows past the highest id seen.
  - select: main.events
    mode: incremental
    cursor: id

  - select: main.customers
    mode: merge
    primary_key: [id]
    cursor: updated_at
`;

const init = `# A sync copies selected streams of a source into a destination (the warehouse by default).
name: example
source: app_db
destination: warehouse
target_schema: lake_app
naming: "{table}"                # or "{schema}_{table}"

streams:
  - select: "public.*"           # glob over schema.table
    exclude: ["public.tmp_*"]
    mode: incremental            # full_refresh | append | incremental | merge
    cursor: updated_at
  - select: "shard_*.orders_*"   # fan-in: many same-shaped tables into one
    into: orders_all
    source_column: _source
    mode: full_refresh
    sql: |
      select *
      from {{ schema }}.{{ table }}
    filter: 'status <> ''test'''

# Column rules for every stream: "column", "table.column" or "schema.table.column" globs.
columns:
  "*.email": { mask: sha256 }
  "users.phone": { mask: hmac, secret: "\${PHONE_KEY}" }

on_error: fail                   # fail | skip | quarantine (rows go to _rejected)
chunking:
  chunk_rows: 500000
`;

describe("reading sync files", () => {
  it("reads block and flow YAML, quoted and block scalars, and drops comments", () => {
    expect(readYaml(init)).toEqual({
      name: "example", source: "app_db", destination: "warehouse", target_schema: "lake_app", naming: "{table}",
      streams: [
        { select: "public.*", exclude: ["public.tmp_*"], mode: "incremental", cursor: "updated_at" },
        { select: "shard_*.orders_*", into: "orders_all", source_column: "_source", mode: "full_refresh", sql: "select *\nfrom {{ schema }}.{{ table }}\n", filter: "status <> 'test'" },
      ],
      columns: { "*.email": { mask: "sha256" }, "users.phone": { mask: "hmac", secret: "${PHONE_KEY}" } },
      on_error: "fail",
      chunking: { chunk_rows: 500000 },
    });
    expect(readYaml("streams:\n- select: a\n  mode: append\n- select: [b, c]\n")).toEqual({ streams: [{ select: "a", mode: "append" }, { select: ["b", "c"] }] });
    expect(readYaml('a: "x # not a comment"  # comment\nb: it\'s\nc: ~\nd: true\ne: "\\u00e9\\n"')).toEqual({ a: "x # not a comment", b: "it's", c: null, d: true, e: "é\n" });
  });

  it("refuses what it cannot read faithfully, naming the line", () => {
    expect(() => readYaml("a: &x 1\nb: *x\n")).toThrow(YamlReadError);
    expect(() => readYaml("a: one\n  two\n")).toThrow(/line 2/);
    expect(() => readYaml("a: 1\na: 2\n")).toThrow(/given twice/);
    expect(() => readYaml('a: "open\n')).toThrow(/line 1/);
  });

  it("leaves a sync over several sources to its file, since the form edits one source", () => {
    expect(() => syncFromDocument(readYaml("sources: [shard1, shard2]\nstreams:\n  - select: public.orders\n"), "shards")).toThrow(
      "sources: a sync over several source connections is edited in its file",
    );
  });

  it("round-trips a hand-written sync through the form, keeping what the form does not edit", () => {
    const form = syncFromDocument(readYaml(init), "example");
    expect(form.source).toBe("app_db");
    expect(form.streams.map((s) => s.select)).toEqual([["public.*"], ["shard_*.orders_*"]]);
    expect(form.columns.map((c) => [c.pattern, c.mask, c.secret])).toEqual([["*.email", "sha256", ""], ["users.phone", "hmac", "${PHONE_KEY}"]]);
    const again = syncFromDocument(readYaml(toYaml(syncDocument(form))), "example");
    expect(syncDocument(again)).toEqual(syncDocument(form));
    expect(syncDocument(form)).toEqual(readYaml(init));
  });

  it("writes the example back in the same order, without comments", () => {
    const form = syncFromDocument(readYaml(example), "app_to_lake");
    form.streams[0].mode = "merge";
    form.streams[0].primaryKey = "plan_id, version";
    expect(toYaml(syncDocument(form))).toBe([
      "name: app_to_lake", "source: app", "destination: warehouse", "target_schema: lake",
      "columns:", "  customers.email:", "    mask: sha256",
      "streams:",
      "  - select: main.plans", "    mode: merge", "    primary_key:", "      - plan_id", "      - version",
      "  - select: main.events", "    mode: incremental", "    cursor: id",
      "  - select: main.customers", "    mode: merge", "    primary_key:", "      - id", "    cursor: updated_at", "",
    ].join("\n"));
  });
});

const orders: Stream = {
  stream: "public.orders", schema: "public", table: "orders", primary_key: [], cursor_candidates: ["updated_at", "id"], estimated_rows: 10,
  columns: [{ name: "id", type: "int64", nullable: false, native_type: "bigint" }, { name: "amount", type: "decimal(12,2)", nullable: true, native_type: "numeric" }, { name: "meta.v", type: "string", nullable: true, native_type: "text" }],
};

describe("the sync form", () => {
  it("selects a ticked table by its exact name and finds problems the loader would report", () => {
    const form = { ...emptySync(), name: "bad name", streams: [ruleForStream({ ...orders, stream: "public.odd*name", table: "odd*name" })] };
    expect(form.streams[0].select).toEqual(["public.odd[*]name"]);
    expect(literalStream(form.streams[0])).toBe("public.odd*name");
    form.streams[0].mode = "incremental";
    form.streams[0].columns = [{ key: 1, pattern: "amount", rename: "", exclude: false, cast: "string", mask: "sha256", secret: "", other: {} }];
    expect(validateSync(form, true).map((p) => `${p.field}: ${p.key}`)).toEqual([
      "name: nameInvalid", "source: sourceRequired", "streams[0].cursor: cursorRequired", "streams[0].columns[0].cast: maskAndCast",
    ]);
    form.streams[0].mode = "merge";
    expect(validateSync(form, false).map((p) => p.key)).toContain("mergeNeedsKey");
  });

  it("matches column rules as the planner does", () => {
    expect(ruleMatches("amount", orders, "amount")).toBe(true);
    expect(ruleMatches("orders.amount", orders, "amount")).toBe(true);
    expect(ruleMatches("*.amount", orders, "amount")).toBe(true);
    expect(ruleMatches("public.*.am*", orders, "amount")).toBe(true);
    expect(ruleMatches("customers.amount", orders, "amount")).toBe(false);
    expect(columnPattern(orders, "meta.v")).toBe("public.orders.meta.v");
    expect(ruleMatches(columnPattern(orders, "meta.v"), orders, "meta.v")).toBe(true);
  });

  it("takes the rules matching a column together as the planner does: a mask or exclude anywhere holds, the last cast wins", () => {
    const rules = [
      { ...emptyColumnRule("*.amount"), mask: "sha256" as const },
      { ...emptyColumnRule("amount"), cast: "string" },
      { ...emptyColumnRule("orders.amount"), cast: "decimal(10,2)" },
      { ...emptyColumnRule("id"), exclude: true },
      { ...emptyColumnRule("customers.amount"), exclude: true },
    ];
    expect(columnEffect(rules, orders, "amount")).toEqual({ exclude: false, mask: "sha256", cast: "decimal(10,2)" });
    expect(columnEffect(rules, orders, "id")).toEqual({ exclude: true, mask: "", cast: "" });
    expect(columnEffect([], orders, "id")).toEqual({ exclude: false, mask: "", cast: "" });
  });

  it("warns where a cast narrows or changes a type", () => {
    expect(castWarning("int64", "int32")?.key).toBe("narrow");
    expect(castWarning("int32", "int64")).toBeNull();
    expect(castWarning("decimal(12,2)", "decimal(10,2)")?.key).toBe("narrow");
    expect(castWarning("decimal(12,4)", "decimal(14,2)")?.key).toBe("rounds");
    expect(castWarning("decimal(12,2)", "numeric(18,2)")).toBeNull();
    expect(castWarning("int64", "decimal(18,0)")?.key).toBe("narrow");
    expect(castWarning("string", "int64")?.key).toBe("kind");
    expect(castWarning("timestamptz", "date")?.key).toBe("dropsTime");
    expect(castWarning("timestamptz", "timestamp")?.key).toBe("dropsZone");
    expect(castWarning("float64", "float32")?.key).toBe("precision");
    expect(castWarning("uuid", "string")).toBeNull();
    expect(castWarning("int64", "integr")?.key).toBe("unknownType");
    expect(parseType("DECIMAL")).toEqual({ kind: "decimal", precision: 18, scale: 3 });
    expect(parseType("decimal(40,2)")).toBeNull();
  });
});

describe("comments of a sync file", () => {
  const text = [
    "# Nightly copy of the shop.",
    "",
    "# Owner: data team",
    "name: app_to_lake",
    "source: shop_db   # the primary",
    "note: |",
    "  # text of the note, not a comment",
    "  second line",
    "# streams below",
    "streams:",
    "  - select: 'a # b'",
    "",
  ].join("\n");

  it("finds whole-line comments and comments after values, not text inside block scalars or quotes", () => {
    const read = readYamlWithComments(text);
    expect(read.comments).toEqual([1, 3, 5, 9]);
    expect(read.value).toEqual({ name: "app_to_lake", source: "shop_db", note: "# text of the note, not a comment\nsecond line\n", streams: [{ select: "a # b" }] });
  });

  it("keeps the comments at the top and names the lines of the others", () => {
    const { header, dropped } = fileComments(text, readYamlWithComments(text).comments);
    expect(header).toBe("# Nightly copy of the shop.\n\n# Owner: data team\n");
    expect(dropped).toEqual([5, 9]);
    expect(fileComments("name: x\n", [])).toEqual({ header: "", dropped: [] });
    expect(fileComments("\n\nname: x  # y\n", [3])).toEqual({ header: "", dropped: [3] });
  });
});

describe("the snapshot of a sync", () => {
  it("reads and writes snapshot: run, and leaves the default unwritten", () => {
    const form = syncFromDocument(readYaml("source: app\nsnapshot: run\nstreams:\n  - select: public.orders\n"), "s");
    expect(form.snapshot).toBe("run");
    expect(toYaml(syncDocument(form))).toContain("snapshot: run\n");
    expect(toYaml(syncDocument({ ...form, snapshot: "" }))).not.toContain("snapshot");
  });

  it("refuses a value the sync does not know, so the file opens as text", () => {
    expect(() => syncFromDocument(readYaml("source: app\nsnapshot: always\nstreams: []\n"), "s")).toThrow(/snapshot: 'always' is not table or run/);
  });
});
