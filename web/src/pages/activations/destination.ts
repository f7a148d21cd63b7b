// What the Activations page reads from the API's text: the kind of a destination (the list names a
// destination only by its display) and a request body laid out for reading.

export type DestinationKind = "database" | "files" | "s3" | "http";

const databaseModes = new Set(["insert", "upsert", "replace", "mirror"]);

/**
 * The kind of destination behind a display as the server writes it: `s3://bucket/prefix/` (optionally
 * followed by ` at ENDPOINT`) for files in S3, `METHOD URL` for an HTTP API (the URL as written, which may
 * begin with a `${…}` reference), `connection:table` with a database mode (insert, upsert, replace,
 * mirror) for a table, and a folder with `full` or `changes` for files.
 * Null when the activation cannot be read (no display or mode).
 */
export function destinationKind(display: string | null, mode: string | null): DestinationKind | null {
  if (display == null) return null;
  if (display.startsWith("s3://")) return "s3";
  if (/^(POST|PUT|PATCH|DELETE) (https?:\/\/|\$\{|\{\{)/i.test(display)) return "http";
  if (mode == null) return null;
  return databaseModes.has(mode) ? "database" : "files";
}

/**
 * A JSON text re-indented by two spaces, its strings and numbers kept exactly as written (parsing and
 * writing it again would round numbers beyond 2^53); a text that is not JSON is returned as it is.
 */
export function prettyJson(text: string): string {
  try {
    JSON.parse(text);
  } catch {
    return text;
  }
  let out = "";
  let depth = 0;
  let inString = false;
  const newline = () => "\n" + "  ".repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i];
      else if (c === '"') inString = false;
      continue;
    }
    if (c === " " || c === "\t" || c === "\n" || c === "\r") continue;
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      if (text[j] === close) {
        out += c + close;
        i = j;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === "}" || c === "]") {
      depth--;
      out += newline() + c;
    } else if (c === ",") {
      out += "," + newline();
    } else if (c === ":") {
      out += ": ";
    } else {
      out += c;
    }
  }
  return out;
}
