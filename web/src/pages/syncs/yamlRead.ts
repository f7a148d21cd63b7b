// Reads the YAML that sync files are written in — block mappings and sequences, flow `{…}` and
// `[…]` on one line, quoted and plain scalars, `|`/`>` block scalars, comments — into plain data,
// so that the sync form can edit a file written by hand. Anything beyond that (anchors, aliases,
// tags, multi-line plain or quoted scalars, several documents) is refused with the line, and the
// page offers the file's text instead of the form.

export class YamlReadError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line { no: number; indent: number; text: string }

/** The text of a line without its comment (a `#` at the start or after a space, outside quotes). */
function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (quote === "'" && c === "'" && text[i + 1] === "'") { i++; continue; }
      if (quote === '"' && c === "\\") { i++; continue; }
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      // A quote opens a quoted scalar only where a scalar starts.
      const before = text.slice(0, i).trimEnd();
      if (before === "" || /[:\-[{,]$/.test(before)) quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

function plainScalar(text: string): YamlValue {
  if (/^(null|Null|NULL|~)$/.test(text) || text === "") return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^-?(0|[1-9][0-9]*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (/^-?(0|[1-9][0-9]*)\.[0-9]+$/.test(text)) return Number(text);
  return text;
}

const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", b: "\b", f: "\f", v: "\v", a: "\x07", e: "\x1b", " ": " ", "/": "/", '"': '"', "\\": "\\", N: "\u0085", _: "\u00a0", L: "\u2028", P: "\u2029" };

/** A quoted scalar starting at `text[start]`; its value and where it ends. */
function quoted(text: string, start: number, no: number): { value: string; end: number } {
  const q = text[start];
  let out = "";
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (q === "'") {
      if (c === "'") {
        if (text[i + 1] === "'") { out += "'"; i++; continue; }
        return { value: out, end: i + 1 };
      }
      out += c;
      continue;
    }
    if (c === '"') return { value: out, end: i + 1 };
    if (c === "\\") {
      const e = text[++i];
      if (e === "x" || e === "u" || e === "U") {
        const size = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = text.slice(i + 1, i + 1 + size);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== size) throw new YamlReadError(no, `bad escape \\${e}${hex}`);
        out += String.fromCodePoint(parseInt(hex, 16));
        i += size;
      } else if (e in escapes) {
        out += escapes[e];
      } else {
        throw new YamlReadError(no, `unknown escape \\${e ?? ""}`);
      }
      continue;
    }
    out += c;
  }
  throw new YamlReadError(no, "a quoted value that does not end on its line (write it on one line)");
}

/** A flow collection or scalar inside `{…}`/`[…]`, starting at `pos`. */
function flow(text: string, pos: number, no: number, inKey = false): { value: YamlValue; end: number } {
  let i = pos;
  while (text[i] === " ") i++;
  const c = text[i];
  if (c === "{" || c === "[") {
    const close = c === "{" ? "}" : "]";
    const map: Record<string, YamlValue> = {};
    const list: YamlValue[] = [];
    i++;
    for (;;) {
      while (text[i] === " ") i++;
      if (text[i] === close) return { value: c === "{" ? map : list, end: i + 1 };
      if (i >= text.length) throw new YamlReadError(no, `'${c}' without '${close}' on its line`);
      if (c === "{") {
        const key = flow(text, i, no, true);
        if (key.value !== null && typeof key.value === "object") throw new YamlReadError(no, "a mapping key must be a single value");
        i = key.end;
        while (text[i] === " ") i++;
        let value: YamlValue = null;
        if (text[i] === ":") {
          const v = flow(text, i + 1, no);
          value = v.value;
          i = v.end;
        }
        const k = String(key.value);
        if (k in map) throw new YamlReadError(no, `'${k}' is given twice`);
        map[k] = value;
      } else {
        const v = flow(text, i, no);
        list.push(v.value);
        i = v.end;
      }
      while (text[i] === " ") i++;
      if (text[i] === ",") i++;
      else if (text[i] !== close) throw new YamlReadError(no, `expected ',' or '${close}'`);
    }
  }
  if (c === '"' || c === "'") {
    const q = quoted(text, i, no);
    return { value: q.value, end: q.end };
  }
  if (c === "&" || c === "*" || c === "!") throw new YamlReadError(no, "anchors, aliases and tags are not read here");
  let j = i;
  while (j < text.length && !",]}".includes(text[j]) && !(text[j] === ":" && (inKey || j + 1 >= text.length || " ,]}".includes(text[j + 1])))) j++;
  return { value: plainScalar(text.slice(i, j).trim()), end: j };
}

/** A scalar or flow collection that fills the rest of a line. */
function inline(text: string, no: number): YamlValue {
  const t = text.trim();
  if (t.startsWith("&") || t.startsWith("*") || t.startsWith("!")) throw new YamlReadError(no, "anchors, aliases and tags are not read here");
  if (t.startsWith("{") || t.startsWith("[") || t.startsWith('"') || t.startsWith("'")) {
    const v = flow(t, 0, no);
    if (t.slice(v.end).trim() !== "") throw new YamlReadError(no, `unexpected '${t.slice(v.end).trim()}'`);
    return v.value;
  }
  if (t.startsWith("@") || t.startsWith("`") || t.startsWith("%")) throw new YamlReadError(no, `a value cannot start with '${t[0]}'`);
  return plainScalar(t);
}

/** Where the `key:` of a block mapping line ends (the index of its colon), or -1. */
function keyEnd(text: string): number {
  if (text.startsWith('"') || text.startsWith("'")) {
    const q = quoted(text, 0, 0);
    return text[q.end] === ":" && (q.end + 1 >= text.length || text[q.end + 1] === " ") ? q.end : -1;
  }
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ":" && (i + 1 >= text.length || text[i + 1] === " ")) return i;
  }
  return -1;
}

export function readYaml(source: string): YamlValue {
  return readYamlNoting(source, null);
}

/**
 * Reads YAML as `readYaml` does, and says which lines hold a comment: whole-line ones, and ones after a value.
 * Lines of a `|` or `>` block scalar are its text, never comments. Line numbers count from 1.
 */
export function readYamlWithComments(source: string): { value: YamlValue; comments: number[] } {
  const comments = new Set<number>();
  const value = readYamlNoting(source, comments);
  return { value, comments: [...comments].sort((a, b) => a - b) };
}

function readYamlNoting(source: string, comments: Set<number> | null): YamlValue {
  const raw = source.replace(/\r\n?/g, "\n").split("\n");
  let index = 0;
  if (raw[0]?.charCodeAt(0) === 0xfeff) raw[0] = raw[0].slice(1);

  const structural = (i: number): Line | null => {
    const text = raw[i];
    if (text.includes("\t") && /^\s*\t/.test(text)) throw new YamlReadError(i + 1, "tabs cannot indent YAML");
    const body = stripComment(text);
    if (comments && body.length < text.trimEnd().length) comments.add(i + 1);
    if (body.trim() === "") return null;
    const indent = body.length - body.trimStart().length;
    return { no: i + 1, indent, text: body.trim() };
  };
  const peek = (): Line | null => {
    while (index < raw.length) {
      const line = structural(index);
      if (line) {
        if (line.indent === 0 && line.text === "---") { index++; continue; }
        if (line.indent === 0 && (line.text === "..." || line.text.startsWith("--- "))) throw new YamlReadError(line.no, "one document per file");
        return line;
      }
      index++;
    }
    return null;
  };

  /** A `|` or `>` block scalar whose lines follow, more indented than `parent`. */
  const blockScalar = (header: string, parent: number, no: number): string => {
    const m = /^([|>])([+-]?)$/.exec(header);
    if (!m) throw new YamlReadError(no, `block scalar header '${header}' is not read here (use | or >, with - or +)`);
    const lines: string[] = [];
    let indent = -1;
    while (index < raw.length) {
      const text = raw[index];
      if (text.trim() === "") { lines.push(""); index++; continue; }
      const own = text.length - text.trimStart().length;
      if (indent < 0) {
        if (own <= parent) break;
        indent = own;
      }
      if (own < indent) break;
      lines.push(text.slice(indent));
      index++;
    }
    let end = lines.length;
    while (end > 0 && lines[end - 1] === "") end--;
    const body = lines.slice(0, end);
    const trailing = lines.length - end;
    let text: string;
    if (m[1] === "|") text = body.join("\n");
    else {
      text = "";
      for (let i = 0; i < body.length; i++) {
        if (i === 0) text = body[0];
        else if (body[i] === "" || body[i - 1] === "" || /^\s/.test(body[i])) text += `\n${body[i]}`;
        else text += ` ${body[i]}`;
      }
    }
    if (m[2] === "-" || body.length === 0) return text;
    if (m[2] === "+") return `${text}\n${"\n".repeat(trailing)}`;
    return `${text}\n`;
  };

  /** The value after `key:` or `-` on a line: inline, a block scalar, or the block below. */
  const valueAfter = (rest: string, parent: number, no: number, allowSameIndentList: boolean): YamlValue => {
    const r = rest.trim();
    if (r !== "") {
      if (r === "|" || r === ">" || /^[|>][+-]$/.test(r) || /^[|>][0-9]/.test(r)) return blockScalar(r, parent, no);
      return inline(r, no);
    }
    const next = peek();
    if (!next) return null;
    if (next.indent > parent) return block(next.indent);
    if (allowSameIndentList && next.indent === parent && (next.text === "-" || next.text.startsWith("- "))) return sequence(parent);
    return null;
  };

  const sequence = (indent: number): YamlValue[] => {
    const out: YamlValue[] = [];
    for (let line = peek(); line && line.indent === indent && (line.text === "-" || line.text.startsWith("- ")); line = peek()) {
      const rest = line.text === "-" ? "" : line.text.slice(2);
      const offset = line.text === "-" ? 1 : 2 + (rest.length - rest.trimStart().length);
      const item = rest.trim();
      if (item !== "" && !item.startsWith("{") && !item.startsWith("[") && keyEnd(item) >= 0) {
        // "- key: value": a mapping whose first entry is on the dash's line.
        raw[index] = " ".repeat(indent + offset) + raw[index].slice(raw[index].indexOf(item[0], indent + 1));
        out.push(mapping(indent + offset));
      } else if (item.startsWith("- ")) {
        raw[index] = " ".repeat(indent + offset) + item;
        out.push(sequence(indent + offset));
      } else {
        index++;
        out.push(valueAfter(item, indent, line.no, false));
      }
    }
    const stray = peek();
    if (stray && stray.indent > indent) throw new YamlReadError(stray.no, "unexpected indentation");
    return out;
  };

  const mapping = (indent: number): Record<string, YamlValue> => {
    const out: Record<string, YamlValue> = {};
    for (let line = peek(); line && line.indent === indent; line = peek()) {
      if (line.text === "-" || line.text.startsWith("- ")) throw new YamlReadError(line.no, "a list item where a key was expected");
      if (line.text.startsWith("? ")) throw new YamlReadError(line.no, "complex keys are not read here");
      const colon = keyEnd(line.text);
      if (colon < 0) throw new YamlReadError(line.no, `expected 'key: value', found '${line.text}'`);
      const keyText = line.text.slice(0, colon).trim();
      const key = keyText.startsWith('"') || keyText.startsWith("'") ? quoted(keyText, 0, line.no).value : keyText;
      if (/^[&*!]/.test(keyText)) throw new YamlReadError(line.no, "anchors, aliases and tags are not read here");
      if (Object.prototype.hasOwnProperty.call(out, key)) throw new YamlReadError(line.no, `'${key}' is given twice`);
      index++;
      out[key] = valueAfter(line.text.slice(colon + 1), indent, line.no, true);
    }
    const stray = peek();
    if (stray && stray.indent > indent) throw new YamlReadError(stray.no, "unexpected indentation (a value that goes on over several lines is not read here)");
    return out;
  };

  const block = (indent: number): YamlValue => {
    const line = peek()!;
    if (line.text === "-" || line.text.startsWith("- ")) return sequence(indent);
    if (keyEnd(line.text) >= 0 && !line.text.startsWith("{") && !line.text.startsWith("[")) return mapping(indent);
    index++;
    const value = inline(line.text, line.no);
    const after = peek();
    if (after && after.indent >= indent && after.no !== line.no) throw new YamlReadError(after.no, "a value that goes on over several lines is not read here");
    return value;
  };

  const first = peek();
  if (!first) return null;
  if (first.indent !== 0) throw new YamlReadError(first.no, "the document must start at the first column");
  const value = block(0);
  const rest = peek();
  if (rest) throw new YamlReadError(rest.no, `unexpected '${rest.text}'`);
  return value;
}
