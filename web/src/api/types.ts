// Shapes of the REST API's answers (snake_case, as the server writes them). The OpenAPI
// document at /api/v1/openapi.json is the reference; these mirror it for the UI.

export type Level = "viewer" | "analyst" | "editor" | "admin";
export type Privilege = "none" | "read" | "write" | "admin";

export interface Session { name: string; role: string; level: Level; via: string; csrf_token: string | null; password_change_required?: boolean }

export interface Health { status: string; version: string; store: string; warehouse: string; pipelines: number }

export interface SecretSetting { secret: true; set: boolean }
export type SettingValue = string | number | boolean | null | SecretSetting | unknown[] | Record<string, unknown>;
export interface Connection { name: string; type: string; max_concurrency: number | null; settings: Record<string, SettingValue>; file: string; builtin: boolean; problem: string | null }
export interface ConnectionBody { type: string; settings?: Record<string, unknown>; secrets?: Record<string, string> }
export interface ConnectionTest { ok: boolean; error: string | null; type: string | null; seconds: number | null; version: string | null }
export interface StreamColumn { name: string; type: string; nullable: boolean; native_type: string | null }
export interface Stream { stream: string; schema: string; table: string; columns: StreamColumn[]; primary_key: string[]; cursor_candidates: string[]; estimated_rows: number | null }
/** The first rows of one stream (GET /connections/{name}/streams/{stream}/sample): values in their JSON form, in the order of `columns`. */
export interface StreamSample { stream: string; columns: { name: string; type: string }[]; rows: unknown[][] }

/** A connector type and the options its connection files take (GET /connectors). */
export interface ConnectorOption { name: string; kind: "string" | "integer" | "boolean" | "path" | "choice" | "list" | "map"; required: boolean; secret: boolean; default: string | number | boolean | null; description: string; choices: string[] | null }
export interface Connector { type: string; description: string; options: ConnectorOption[] }

export interface Sync { name: string; source: string; destination: string; target_schema: string | null; streams: number; file: string; problem?: string | null }
export interface StreamState { stream: string; cursor_column: string | null; cursor: string | null; chunks_staged: number[]; extra: Record<string, string>; updated_at: string | null }
export interface SyncState { sync: string; streams: StreamState[] }

export interface Dataset { name: string; privilege: Privilege; tables: number }
export interface DatasetColumn { name: string; type: string; nullable: boolean }
export interface DatasetTable { name: string; kind: string; rows: number | null; columns: DatasetColumn[] }
export interface DatasetDetail { name: string; privilege: Privilege; tables: DatasetTable[] }

export interface Model { name: string; type: string; materialized: string | null; relation: string | null; depends_on: string[]; path: string; description: string | null }
export interface ModelDetail { model: Model; raw_sql: string; compiled_sql: string | null }

export interface QueryColumn { name: string; type: string }
export interface QueryResult { columns: QueryColumn[]; rows: unknown[][]; row_count: number; truncated: boolean }

export interface Deadline { time: string | null; time_zone: string; max_duration_seconds: number | null }
export interface PipelineParam { name: string; type: string; default: string | null; description: string | null }
export interface PipelineStep { name: string; kind: string; target: string | null; after: string[]; deadline: Deadline | null }
export interface LastRun { id: number; state: string; logical_date: string; finished_at: string | null; slo: string | null }
export interface Pipeline {
  name: string; description: string | null; schedule: string | null; time_zone: string | null; params: PipelineParam[];
  steps: string[]; after: string[]; max_active_runs: number; file: string;
  deadline?: Deadline | null; steps_detail?: PipelineStep[]; next_run_at?: string | null; last_run?: LastRun | null;
}
export interface StartedRun { id: number; state: string; existing: boolean; url: string }
export interface Backfill { runs: { id: number; logical_date: string; existing: boolean }[] }

export interface Run {
  id: number; pipeline: string; trigger: string; logical_date: string; state: string; params: Record<string, unknown>;
  scheduled_at: string; created_at: string; started_at: string | null; finished_at: string | null;
  deadline_at: string | null; eta: string | null; slo: string | null; error: string | null;
}
export interface RunStep { name: string; ordinal: number; state: string; total: number; done: number; failed: number; running: number; after: string[]; ready_at: string | null; started_at: string | null; finished_at: string | null }
export interface RunTask { id: number; step: string; item: string | null; state: string; attempts: number; started_at: string | null; finished_at: string | null; rows: number | null; bytes: number | null; error: string | null }
export interface RunAttempt { id: number; task_id: number; number: number; worker: string; state: string; started_at: string; finished_at: string | null; rows: number | null; bytes: number | null; error: string | null }
export interface RunDetail { run: Run; steps: RunStep[]; tasks: RunTask[]; attempts: RunAttempt[] }
export interface LogLine { id: number; attempt_id: number; at: string; line: string }

export interface DailyStat { date: string; runs: number; succeeded: number; failed: number; rows: number; bytes: number }

export interface ProjectFile { path: string; sha256: string; bytes: number }
export interface ApplyResult { created: string[]; changed: string[]; deleted: string[] }

export interface DatasetGrant { pattern: string; privilege: Privilege }
export interface ColumnMask { table: string; column: string; with: "hash" | "null" | "redact" }
export interface RowFilter { table: string; where: string }
export interface Role { name: string; level: Level; grants: DatasetGrant[]; description: string | null; builtin: boolean; version: number; masks: ColumnMask[]; row_filters: RowFilter[] }
export interface User { id: number; name: string; role: string; disabled: boolean; created_at: string; version: number }
export interface Token { id: number; name: string; user?: string; scopes: string[]; created_at: string; expires_at: string | null; revoked?: boolean; [key: string]: unknown }
export interface AuditEntry { id: number; at: string; actor: string; action: string; target: string | null; outcome?: string; [key: string]: unknown }

/** A page of a list that continues at `next` (a `before=` cursor), or ends. */
export interface Page<T> { items: T[]; next?: string | null }

export interface Activation { name: string; destination: string | null; mode: string | null; description: string | null; file: string; problem: string | null; destination_type?: "database" | "files" | "s3" | "http" | null }
export interface ActivationRejected { key: string; operation: string; record: string; http_status: number | null; response: string | null; error: string; run_id: number | null; rejected_at: string | null }
export interface ActivationRejectedList { total: number; items: ActivationRejected[] }

export type ActivationSample = Record<string, string | null>;

export interface ActivationPlan {
  activation: string; destination: string; mode: string;
  result_rows: number; inserts: number; updates: number; deletes: number; unchanged: number;
  sends_all: boolean; first_run: boolean;
  samples: { insert: ActivationSample[]; update: ActivationSample[]; delete: ActivationSample[] };
  /** An HTTP destination's first requests of each kind, rendered as a run sends them (secrets masked); empty for other destinations. */
  requests: ActivationPlanRequest[];
}

/** A request a run would send: its kind (`insert`, `update`, `delete`, or `send` for a batch of several kinds), records, method, URL and body. */
export interface ActivationPlanRequest { operation: string; records: number; method: string; url: string; body: string | null }

/** What a run or its dry run sends: the changes (the default), the whole result (`full`), or only the records an HTTP API rejected before (`retry_rejected`). */
export interface ActivationRequest { full?: boolean; retry_rejected?: boolean }
