// The access API's shapes as the server writes them (RolesApi, UsersApi, AuditApi). They differ
// from the shared api/types.ts where that is off: a mask's kind is `with`, tokens name their
// user by id, audit lines carry detail and address, and lists come as { items }.
import type { Level, Privilege } from "../../api/types";

export type { Level, Privilege };
export type MaskWith = "hash" | "null" | "redact";

export interface Grant { pattern: string; privilege: Privilege }
export interface Mask { table: string; column: string; with: MaskWith }
export interface RowFilter { table: string; where: string }

export interface RoleRecord {
  name: string;
  level: Level;
  grants: Grant[];
  description: string | null;
  builtin: boolean;
  version: number;
  masks: Mask[];
  row_filters: RowFilter[];
}

/** The body of PUT /roles/{name}: the whole role but its name (unknown fields are refused). */
export interface RoleBody { level: Level; grants: Grant[]; description: string | null; masks: Mask[]; row_filters: RowFilter[] }

export interface UserRecord { id: number; name: string; role: string; disabled: boolean; created_at: string; version: number }

export interface AuditEntry { id: number; at: string; actor: string | null; action: string; target: string | null; outcome: string; detail: string | null; address: string | null }
export interface AuditPage { items: AuditEntry[]; next: string | null }

export interface DatasetView { name: string; privilege: Privilege; tables: number }

export interface ListOf<T> { items: T[] }

export const levels: Level[] = ["viewer", "analyst", "editor", "admin"];
export const maskKinds: MaskWith[] = ["hash", "null", "redact"];

/** The body a role is written back with. */
export const bodyOf = (role: RoleRecord): RoleBody => ({
  level: role.level,
  grants: role.grants.map((g) => ({ pattern: g.pattern, privilege: g.privilege })),
  description: role.description,
  masks: (role.masks ?? []).map((m) => ({ table: m.table, column: m.column, with: m.with })),
  row_filters: (role.row_filters ?? []).map((f) => ({ table: f.table, where: f.where })),
});
