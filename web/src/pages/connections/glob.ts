// Globs as Nagare matches streams and columns (`*` any run, `?` one character, `[abc]`/`[a-z]`/`[!a]`
// one of a set; ordinal, whole text). A glob has no escape character: a literal `*`, `?` or `[` is
// written as the one-character set `[*]`, `[?]`, `[[]`.

const special = /[*?[]/;

/** The glob that matches exactly `name`. */
export function globEscape(name: string): string {
  return name.replace(/[*?[]/g, (c) => `[${c}]`);
}

/** The one name `pattern` matches when it has no wildcard (only escaped characters), else null. */
export function literalOf(pattern: string): string | null {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "[") {
      if (pattern[i + 2] === "]" && special.test(pattern[i + 1]) ) {
        out += pattern[i + 1];
        i += 2;
        continue;
      }
      return null;
    }
    if (c === "*" || c === "?") return null;
    out += c;
  }
  return out;
}

/** The `select` sent to discovery for what a person typed: a word is searched anywhere, a glob is used as it is. */
export function searchGlob(text: string): string | null {
  const q = text.trim();
  if (!q) return null;
  return special.test(q) ? q : `*${q}*`;
}

function matchOne(pattern: string, p: number, c: string): number {
  if (pattern[p] === "?") return p + 1;
  if (pattern[p] === "[") {
    const end = pattern.indexOf("]", p + 1);
    if (end > p + 1) {
      let set = pattern.slice(p + 1, end);
      const negate = set[0] === "!";
      if (negate) set = set.slice(1);
      let found = false;
      for (let i = 0; i < set.length; i++) {
        if (i + 2 < set.length && set[i + 1] === "-") {
          found ||= c >= set[i] && c <= set[i + 2];
          i += 2;
        } else {
          found ||= c === set[i];
        }
      }
      return found !== negate ? end + 1 : -1;
    }
  }
  return pattern[p] === c ? p + 1 : -1;
}

/** True when `text` matches `pattern` as a whole (the same algorithm as the server's). */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === "*") {
      starP = p++;
      starT = t;
      continue;
    }
    const after = p < pattern.length ? matchOne(pattern, p, text[t]) : -1;
    if (after >= 0) {
      p = after;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}
