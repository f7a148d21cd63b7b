import type { PageProps } from "../types";

export default function Page({ sub }: PageProps) {
  return <section><h1>models</h1><p>{sub.join("/")}</p></section>;
}
