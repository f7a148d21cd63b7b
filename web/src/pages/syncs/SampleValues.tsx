// Sample rows in the column mapping: the first rows of the table as the source has them, so a cast or a
// mask can be judged by real values. A masked column's values are never shown, only that they are masked.
import { useCallback, useState } from "react";
import { api, seg } from "../../api/client";
import type { StreamSample } from "../../api/types";
import { useT } from "../../i18n";
import { useAction } from "../connections/useAction";
import { messages } from "./messages";
import type { ColumnRuleForm } from "./syncModel";

/** Rows asked for: a few values per column are enough to judge a cast, and the source reads no more. */
export const SAMPLE_ROWS = 5;

/** Longest value shown in full; longer ones are cut, with the whole value in the tooltip. */
const SHOWN_CHARACTERS = 40;

/** A JSON value of the sample as text: strings as they are, lists and structs as their JSON. */
export function sampleText(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Loads the sample of one stream on demand; a new request replaces the last one's answer. */
export function useStreamSample(connection: string, stream: string) {
  const [sample, setSample] = useState<StreamSample | null>(null);
  const action = useAction(async () => {
    setSample(await api.get<StreamSample>(`connections/${seg(connection)}/streams/${seg(stream)}/sample?limit=${SAMPLE_ROWS}`));
  });
  const { run } = action;
  const load = useCallback(() => { void run(); }, [run]);
  // A sample of another table (the selection changed under it) is not this one's.
  const current = sample && sample.stream === stream ? sample : null;
  return { sample: current, busy: action.busy, error: action.error, load };
}

/** The values of one column in the sample, or what hides them. */
export function SampleValues({ sample, column, mask, excluded }: { sample: StreamSample; column: string; mask: ColumnRuleForm["mask"]; excluded: boolean }) {
  const t = useT(messages);
  const index = sample.columns.findIndex((c) => c.name === column);
  if (index < 0) return null;
  const values = sample.rows.map((row) => row[index]);
  return (
    <ul className={excluded ? "sample-values excluded" : "sample-values"} aria-label={t("sampleOf", { column })} title={excluded ? t("sampleExcluded") : undefined}>
      {values.map((value, i) => {
        if (mask) {
          return <li key={i} className="masked" aria-label={t("maskedValue")} title={t("sampleMasked", { mask })}>•••</li>;
        }
        const text = sampleText(value);
        const cut = text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}…` : text;
        return <li key={i} className={value === null ? "null" : undefined} title={text}>{cut}</li>;
      })}
    </ul>
  );
}
