// Project files through the configuration-as-code endpoints: one file's text with its ETag, and writing it back
// only at the version that was read (If-Match), so two editors never overwrite each other.
import { api, ApiError, seg } from "../../api/client";
import type { ApplyResult, ProjectFile } from "../../api/types";

/** A project path as URL segments (`models/a b.sql` → `models/a%20b.sql`). */
export const filePath = (path: string): string => `project/files/${path.split("/").map(seg).join("/")}`;

export interface FileVersion { content: string; etag: string | null }

export async function readFile(path: string, signal?: AbortSignal): Promise<FileVersion> {
  const response = await api.raw("GET", filePath(path), undefined, { signal, headers: { Accept: "text/plain, application/json" } });
  return { content: await response.text(), etag: response.headers.get("ETag") };
}

/** Writes a file: replaces the version `etag` names, or creates it when `etag` is null. Answers the new ETag. */
export async function writeFile(path: string, content: string, etag: string | null): Promise<{ etag: string | null; result: ApplyResult }> {
  const response = await api.raw("PUT", filePath(path), { content }, etag ? { ifMatch: etag } : { ifNoneMatch: "*" });
  return { etag: response.headers.get("ETag"), result: (await response.json()) as ApplyResult };
}

export async function listFiles(signal?: AbortSignal): Promise<ProjectFile[]> {
  return (await api.get<{ items: ProjectFile[] }>("project/files", { signal })).items;
}

/** A place a problem message names: `models/orders.sql:4` or `models/orders.sql:4:7`. */
export interface ProblemPlace { path: string; line: number; column: number | null }

/** The file places a problem's text names, in order. */
export function problemPlaces(text: string): ProblemPlace[] {
  const places: ProblemPlace[] = [];
  for (const m of text.matchAll(/([A-Za-z0-9_./-]+\.(?:sql|ya?ml|csv|md|j2)):(\d+)(?::(\d+))?/g)) {
    places.push({ path: m[1].replace(/^\.\//, ""), line: Number(m[2]), column: m[3] ? Number(m[3]) : null });
  }
  return places;
}

/** The lines of a problem (the API joins several with newlines). */
export function problemLines(error: unknown): string[] {
  if (error instanceof ApiError) return (error.detail ?? error.title).split("\n").filter((l) => l.trim() !== "");
  if (error instanceof Error) return [error.message];
  return error ? [String(error)] : [];
}
