// How the server resolves dataset grants (Nagare.Runtime.Access.Grants), so the grid can show
// what a role gets on a dataset from its patterns: the most specific matching pattern (most
// characters that are not wildcards) wins, the lower privilege among equally specific ones.
import type { Grant, Privilege } from "./types";

export const privileges: Privilege[] = ["none", "read", "write", "admin"];

export const isWildcard = (pattern: string): boolean => /[*?]/.test(pattern);

/** A pattern the server takes: 1–128 letters, digits, _, $, - and the wildcards * and ?. */
export const validPattern = (pattern: string): boolean => /^[\p{L}\p{N}_$*?-]{1,128}$/u.test(pattern);

const compiled = new Map<string, RegExp>();

/** True when `name` matches the glob `pattern` (* any run, ? one character; case-insensitive). */
export function matches(pattern: string, name: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = Array.from(pattern).map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).join("");
    regex = new RegExp(`^${source}$`, "iu");
    compiled.set(pattern, regex);
  }
  return regex.test(name);
}

const specificity = (pattern: string): number => pattern.split("").filter((c) => c !== "*" && c !== "?").length;

/** The privilege `grants` give on the dataset `name`; "none" when no pattern matches. */
export function resolve(grants: Grant[], name: string): Privilege {
  let best = -1;
  let result: Privilege = "none";
  for (const grant of grants) {
    if (!matches(grant.pattern, name)) continue;
    const s = specificity(grant.pattern);
    if (s > best || (s === best && privileges.indexOf(grant.privilege) < privileges.indexOf(result))) {
      best = s;
      result = grant.privilege;
    }
  }
  return result;
}

/** The grant a role holds for exactly this pattern (patterns compare case-insensitively), or undefined. */
export const grantFor = (grants: Grant[], pattern: string): Grant | undefined =>
  grants.find((g) => g.pattern.toLowerCase() === pattern.toLowerCase());

/** The grants with the one for `pattern` set to `privilege`, or removed when `privilege` is null. */
export function withGrant(grants: Grant[], pattern: string, privilege: Privilege | null): Grant[] {
  const key = pattern.toLowerCase();
  const exists = grants.some((g) => g.pattern.toLowerCase() === key);
  if (privilege === null) return grants.filter((g) => g.pattern.toLowerCase() !== key);
  if (!exists) return [...grants, { pattern, privilege }];
  return grants.map((g) => (g.pattern.toLowerCase() === key ? { pattern: g.pattern, privilege } : g));
}

/** Column order: by code point of the lower-cased name, so `*` comes first and `mart_*` just before `mart_sales`. */
export const byPattern = (a: string, b: string): number => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};
