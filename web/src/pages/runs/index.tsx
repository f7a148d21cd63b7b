// The Runs page: /runs (the list) and /runs/:id (one run).
import type { PageProps } from "../types";
import { RunsList } from "./RunsList";
import { RunView } from "./RunView";

export default function Page({ sub }: PageProps) {
  return sub.length > 0 ? <RunView key={sub[0]} id={sub[0]} /> : <RunsList />;
}
