// /connections (the list), /connections/new and /connections/NAME.
import type { PageProps } from "../types";
import { ConnectionDetail, NewConnection } from "./ConnectionDetail";
import { ConnectionList } from "./ConnectionList";
import "./connections.css";

export default function Page({ sub }: PageProps) {
  if (sub.length === 0) return <ConnectionList />;
  if (sub.length === 1 && sub[0] === "new") return <NewConnection />;
  return <ConnectionDetail key={sub[0]} name={sub[0]} />;
}
