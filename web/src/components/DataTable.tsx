// Rows of a result or preview, virtualised so that 100,000 rows scroll smoothly.
import { useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { QueryColumn } from "../api/types";

function cell(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function DataTable({ columns, rows, height = 420, label }: { columns: QueryColumn[]; rows: unknown[][]; height?: number; label?: string }) {
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => 28, overscan: 20 });
  const template = `repeat(${Math.max(columns.length, 1)}, minmax(120px, 1fr))`;
  return (
    <div className="data-table" role="table" aria-label={label} aria-rowcount={rows.length + 1}>
      <div className="data-table-head" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div role="columnheader" key={c.name} title={c.type}><span>{c.name}</span> <small>{c.type}</small></div>
        ))}
      </div>
      <div ref={parent} className="data-table-body" style={{ maxHeight: height }}>
        <div style={{ height: virtual.getTotalSize() || rows.length * 28, position: "relative" }}>
          {(virtual.getVirtualItems().length > 0 ? virtual.getVirtualItems() : rows.slice(0, 50).map((_, index) => ({ index, start: index * 28, key: index }))).map((item) => (
            <div role="row" key={item.key} className="data-table-row" style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)` }}>
              {rows[item.index].map((v, i) => <div role="cell" key={i} className={v === null ? "null" : undefined}>{cell(v)}</div>)}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
