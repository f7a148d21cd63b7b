// /syncs (the list), /syncs/new, /syncs/NAME (run, state, history) and /syncs/NAME/edit.
import type { PageProps } from "../types";
import { SyncDetail } from "./SyncDetail";
import { SyncEditor } from "./SyncEditor";
import { SyncList } from "./SyncList";
import "../connections/connections.css";
import "./syncs.css";

export default function Page({ sub }: PageProps) {
  if (sub.length === 0) return <SyncList />;
  if (sub.length === 1 && sub[0] === "new") return <SyncEditor key="new" name={null} />;
  if (sub.length === 2 && sub[1] === "edit") return <SyncEditor key={`edit:${sub[0]}`} name={sub[0]} />;
  return <SyncDetail key={sub[0]} name={sub[0]} />;
}
