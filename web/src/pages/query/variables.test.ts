import { describe, expect, it } from "vitest";
import {
  cronOf, cronProblem, extractVariables, folderProblem, isNumeric, modelSql, nameProblem, paramType, pipelineYaml,
  projectFiles, sqlLiteral, substitute, type SaveInput,
} from "./variables";

describe("variables", () => {
  it("finds each distinct {{ name }} once, in order, outside comments", () => {
    const sql = "select * from t where region = {{ region }} and amount > {{min_amount}}\n-- {{ commented }}\nand r2 = {{ region }} /* {{ also_not }} */ and {{ ref('x') }}";
    expect(extractVariables(sql)).toEqual(["region", "min_amount"]);
    expect(extractVariables("select 1")).toEqual([]);
  });

  it("inserts numbers bare and everything else as a SQL string", () => {
    expect(isNumeric("42")).toBe(true);
    expect(isNumeric("-3.5")).toBe(true);
    expect(isNumeric("007")).toBe(false);
    expect(isNumeric("1e3")).toBe(false);
    expect(isNumeric("")).toBe(false);
    expect(sqlLiteral("42")).toBe("42");
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral("")).toBe("''");
    const sql = "select * from t where region = {{ region }} and amount > {{ min }} and name like '%{{ q }}%' and c = '{{ code }}' -- it's {{ region }}";
    expect(substitute(sql, { region: "apac", min: "100", q: "O'B", code: "007" }))
      .toBe("select * from t where region = 'apac' and amount > 100 and name like '%O''B%' and c = '007' -- it's {{ region }}");
  });

  it("ignores quotes inside comments and quoted identifiers when deciding what is inside a string", () => {
    const sql = `select "it's" as x, {{ a }} /* don't */ , {{ b }}`;
    expect(substitute(sql, { a: "1", b: "x" })).toBe(`select "it's" as x, 1 /* don't */ , 'x'`);
  });

  it("types parameters by their value", () => {
    expect(paramType("100")).toBe("int");
    expect(paramType("2.5")).toBe("number");
    expect(paramType("2024-01-31")).toBe("date");
    expect(paramType("apac")).toBe("string");
    expect(paramType("007")).toBe("string");
  });
});

describe("saving a query as a scheduled model", () => {
  const input: SaveInput = {
    name: "daily_sales",
    folder: "models/mart/sales",
    sql: "select region, sum(amount) as total\nfrom main.orders\nwhere region = {{ region }} and amount > {{ min_amount }} and day >= {{ since }}\n  and note like '%{{ word }}%'\ngroup by region;\n",
    values: { region: "ap'ac", min_amount: "100", since: "2024-01-01", word: "x" },
    schedule: { kind: "daily", time: "06:30", weekday: 1, cron: "" },
    timeZone: "Asia/Tokyo",
  };

  it("writes the model with documented var() calls, materialized as a table", () => {
    expect(modelSql(input.sql, input.values)).toBe([
      "{{ config(materialized='table') }}",
      "",
      "select region, sum(amount) as total",
      "from main.orders",
      `where region = '{{ var('region', 'ap\\'ac') | replace("'", "''") }}' and amount > {{ var('min_amount', 100) }} and day >= '{{ var('since', '2024-01-01') }}'`,
      `  and note like '%{{ var('word', 'x') | replace("'", "''") }}%'`,
      "group by region",
      "",
    ].join("\n"));
  });

  it("writes a pipeline with the schedule, typed parameters and one build step", () => {
    expect(pipelineYaml(input)).toBe([
      "name: daily_sales",
      "description: Builds the model daily_sales from models/mart/sales/daily_sales.sql into a warehouse table",
      "schedule:",
      '  cron: "30 6 * * *"',
      "  timezone: Asia/Tokyo",
      "params:",
      "  region:",
      "    type: string",
      '    default: "ap\'ac"',
      "  min_amount:",
      "    type: int",
      "    default: 100",
      "  since:",
      "    type: date",
      '    default: "2024-01-01"',
      "  word:",
      "    type: string",
      "    default: x",
      "steps:",
      "  - build: daily_sales",
      "",
    ].join("\n"));
    expect(Object.keys(projectFiles(input))).toEqual(["models/mart/sales/daily_sales.sql", "pipelines/daily_sales.yml"]);
  });

  it("leaves the schedule out when the pipeline only runs when started", () => {
    const yaml = pipelineYaml({ ...input, sql: "select 1", schedule: { ...input.schedule, kind: "none" } });
    expect(yaml).toBe("name: daily_sales\ndescription: Builds the model daily_sales from models/mart/sales/daily_sales.sql into a warehouse table\nsteps:\n  - build: daily_sales\n");
  });

  it("turns schedule presets into cron expressions", () => {
    const s = { kind: "hourly" as const, time: "07:05", weekday: 3, cron: " 0  3 * * 1-5 " };
    expect(cronOf(s)).toBe("0 * * * *");
    expect(cronOf({ ...s, kind: "daily" })).toBe("5 7 * * *");
    expect(cronOf({ ...s, kind: "weekly" })).toBe("5 7 * * 3");
    expect(cronOf({ ...s, kind: "custom" })).toBe("0 3 * * 1-5");
    expect(cronOf({ ...s, kind: "none" })).toBeNull();
    expect(cronProblem("0 3 * *")).toBe("cronFields");
    expect(cronProblem("0 3 * * $")).toBe("cronChars");
    expect(cronProblem("0 3 * * MON-FRI")).toBeNull();
  });

  it("validates names and folders", () => {
    expect(nameProblem("daily_sales2")).toBeNull();
    expect(nameProblem("")).toBe("nameRequired");
    expect(nameProblem("daily-sales")).toBe("nameInvalid");
    expect(nameProblem("2sales")).toBe("nameInvalid");
    expect(folderProblem("models/", ["models"])).toBeNull();
    expect(folderProblem("models/mart/sales", ["models"])).toBeNull();
    expect(folderProblem("models/../x", ["models"])).toBe("folderInvalid");
    expect(folderProblem("pipelines/", ["models"])).toBe("folderOutside");
    expect(folderProblem("", ["models"])).toBe("folderInvalid");
  });
});
