// Turning a query result into the series of the Chart component.
import type { QueryColumn } from "../../api/types";
import type { Series } from "../../components/Chart";

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL|NUMERIC|INT[0-9]*|FLOAT[0-9]*)\b/i;

/** Whether a column holds numbers: by its type, or (an unknown type) by its first non-null value. */
export function isNumericColumn(column: QueryColumn, rows: readonly unknown[][], index: number): boolean {
  if (NUMERIC.test(column.type.trim())) return true;
  if (column.type && column.type.toUpperCase() !== "UNKNOWN") return false;
  const first = rows.find((r) => r[index] !== null && r[index] !== undefined)?.[index];
  return typeof first === "number";
}

export function chartData(columns: readonly QueryColumn[], rows: readonly unknown[][], x: string, ys: readonly string[]): { labels: string[]; series: Series[] } {
  const xi = columns.findIndex((c) => c.name === x);
  const labels = rows.map((r) => (xi < 0 || r[xi] === null || r[xi] === undefined ? "" : String(r[xi])));
  const series = ys.map((name) => {
    const i = columns.findIndex((c) => c.name === name);
    return { name, values: rows.map((r) => { const v = Number(r[i]); return r[i] === null || !Number.isFinite(v) ? 0 : v; }) };
  });
  return { labels, series };
}
