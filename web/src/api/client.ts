// The one way the UI talks to Nagare: the public REST API under /api/v1, with the session
// cookie and the anti-forgery header on every change. Errors are RFC 7807 problems; the
// `field` they name lets a form show the message next to the input it concerns.
import { parseExactJson } from "./exactJson";

export const API = "/api/v1";

/** An RFC 7807 problem answered by the API, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | null;
  readonly field: string | null;
  readonly retryAfter: number | null;

  constructor(status: number, title: string, detail: string | null, field: string | null, retryAfter: number | null = null) {
    super(detail ?? title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.field = field;
    this.retryAfter = retryAfter;
  }

  /** True when the problem names this field (a JSON path such as `$.settings.host`, a parameter or a header). */
  concerns(field: string): boolean {
    if (!this.field) return false;
    const f = this.field.replace(/^\$\.?/, "");
    return f === field || f.startsWith(`${field}.`) || f.startsWith(`${field}[`);
  }
}

/** Called when an answer says the caller is not signed in (the session expired). */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

function cookie(name: string): string | null {
  for (const part of document.cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

export interface RequestOptions {
  /** If-Match: the ETag of the version being replaced. */
  ifMatch?: string | null;
  /** If-None-Match: "*" to create only. */
  ifNoneMatch?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Do not call the unauthorized handler on 401 (the sign-in form itself). */
  quiet401?: boolean;
}

/** A JSON answer with its ETag. */
export interface Versioned<T> {
  value: T;
  etag: string | null;
}

async function send(method: string, path: string, body: unknown, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json", ...(options.headers ?? {}) };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") {
    const csrf = cookie("nagare_csrf");
    if (csrf) headers["X-CSRF-Token"] = csrf;
  }
  if (options.ifMatch) headers["If-Match"] = options.ifMatch;
  if (options.ifNoneMatch) headers["If-None-Match"] = options.ifNoneMatch;
  let response: Response;
  try {
    response = await fetch(path.startsWith("/") ? path : `${API}/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "Network error", "The server did not answer.", null);
  }
  if (!response.ok) {
    let title = response.statusText || `HTTP ${response.status}`;
    let detail: string | null = null;
    let field: string | null = null;
    try {
      const problem = (await response.json()) as { title?: string; detail?: string; field?: string };
      title = problem.title ?? title;
      detail = problem.detail ?? null;
      field = problem.field ?? null;
    } catch {
      // not a problem document
    }
    const retry = response.headers.get("Retry-After");
    if (response.status === 401 && !options.quiet401) onUnauthorized?.();
    throw new ApiError(response.status, title, detail, field, retry ? Number(retry) : null);
  }
  return response;
}

async function json<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  // Numbers a double cannot hold exactly (BIGINT ids beyond 2^53, long decimals) arrive as their text.
  return (text ? parseExactJson(text) : undefined) as T;
}

/** Typed calls of the REST API; `path` is relative to /api/v1 (e.g. "runs?limit=50"). */
export const api = {
  get: async <T>(path: string, options?: RequestOptions): Promise<T> => json<T>(await send("GET", path, undefined, options)),
  getVersioned: async <T>(path: string, options?: RequestOptions): Promise<Versioned<T>> => {
    const response = await send("GET", path, undefined, options);
    return { value: await json<T>(response), etag: response.headers.get("ETag") };
  },
  post: async <T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> => json<T>(await send("POST", path, body ?? {}, options)),
  put: async <T>(path: string, body: unknown, options?: RequestOptions): Promise<T> => json<T>(await send("PUT", path, body, options)),
  patch: async <T>(path: string, body: unknown, options?: RequestOptions): Promise<T> => json<T>(await send("PATCH", path, body, options)),
  delete: async <T = void>(path: string, options?: RequestOptions): Promise<T> => json<T>(await send("DELETE", path, undefined, options)),
  /** The raw answer (downloads: CSV, Parquet). */
  raw: (method: string, path: string, body?: unknown, options?: RequestOptions): Promise<Response> => send(method, path, body, options),
};

/** Encodes one path segment (names may hold any character). */
export const seg = (value: string | number): string => encodeURIComponent(String(value));
