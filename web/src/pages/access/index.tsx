import type { PageProps } from "../types";

export default function Page({ sub }: PageProps) {
  return <section><h1>access</h1><p>{sub.join("/")}</p></section>;
}
