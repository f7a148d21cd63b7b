// The Pipelines page: /pipelines (the list) and /pipelines/:name (one pipeline).
import type { PageProps } from "../types";
import "../runs/runs.css";
import { PipelinesList } from "./PipelinesList";
import { PipelineView } from "./PipelineView";

export default function Page({ sub }: PageProps) {
  return sub.length > 0 ? <PipelineView key={sub[0]} name={sub[0]} /> : <PipelinesList />;
}
