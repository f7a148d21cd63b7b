// Tables and columns of the warehouse the caller may read, for the editor's completion: the dataset list, then
// each dataset's tables with columns, a few requests at a time.
import { useEffect, useState } from "react";
import type { SQLNamespace } from "@codemirror/lang-sql";
import { api, seg } from "../../api/client";
import type { Dataset, DatasetDetail } from "../../api/types";

/** At most this many datasets are read for completion (the rest would only slow the page). */
const MAX_DATASETS = 200;
const AT_ONCE = 4;

export function namespaceOf(details: readonly DatasetDetail[]): SQLNamespace {
  const schema: Record<string, Record<string, { label: string; type: string; detail: string }[]>> = {};
  for (const d of details) {
    const tables: Record<string, { label: string; type: string; detail: string }[]> = {};
    for (const t of d.tables) tables[t.name] = t.columns.map((c) => ({ label: c.name, type: "property", detail: c.type }));
    schema[d.name] = tables;
  }
  return schema as SQLNamespace;
}

/** The completion schema, filled in as datasets arrive; completion simply knows fewer names when a request fails. */
export function useWarehouseSchema(): SQLNamespace | undefined {
  const [schema, setSchema] = useState<SQLNamespace | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    (async () => {
      const list = await api.get<{ items: Dataset[] }>("datasets", { signal });
      const names = list.items.map((d) => d.name).slice(0, MAX_DATASETS);
      const details: DatasetDetail[] = [];
      for (let i = 0; i < names.length; i += AT_ONCE) {
        const batch = await Promise.all(names.slice(i, i + AT_ONCE).map((n) => api.get<DatasetDetail>(`datasets/${seg(n)}`, { signal }).catch(() => null)));
        for (const d of batch) if (d) details.push(d);
        if (signal.aborted) return;
        setSchema(namespaceOf(details));
      }
      if (names.length === 0) setSchema({});
    })().catch(() => { /* completion is a convenience: without it the editor still works */ });
    return () => controller.abort();
  }, []);
  return schema;
}
