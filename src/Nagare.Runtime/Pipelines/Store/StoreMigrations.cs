using System.Collections.Immutable;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>
/// The metadata store's schema as numbered migrations, one SQL text for both dialects (<c>{id}</c> is the dialect's
/// generated key). A migration is never edited once released: a change is a new number.
/// Times are milliseconds since the Unix epoch (UTC) in both dialects, so comparisons and arithmetic are the same SQL.
/// </summary>
internal static class StoreMigrations
{
    public static ImmutableArray<(int Version, string Sql)> All { get; } =
    [
        (1, """
            CREATE TABLE runs (
                id {id},
                pipeline TEXT NOT NULL,
                run_trigger TEXT NOT NULL,
                idempotency_key TEXT NULL UNIQUE,
                logical_date TEXT NOT NULL,
                scheduled_at BIGINT NOT NULL,
                params TEXT NOT NULL,
                state TEXT NOT NULL,
                max_active INT NOT NULL,
                created_at BIGINT NOT NULL,
                started_at BIGINT NULL,
                finished_at BIGINT NULL,
                deadline_at BIGINT NULL,
                max_duration_ms BIGINT NULL,
                eta BIGINT NULL,
                slo TEXT NULL,
                followed INT NOT NULL DEFAULT 0,
                generation INT NOT NULL DEFAULT 0,
                error TEXT NULL);
            CREATE INDEX runs_by_pipeline ON runs (pipeline, id);
            CREATE INDEX runs_active ON runs (state, pipeline) WHERE state IN ('queued', 'running');
            CREATE INDEX runs_to_follow ON runs (followed) WHERE followed = 0;
            CREATE TABLE steps (
                run_id BIGINT NOT NULL,
                name TEXT NOT NULL,
                ordinal INT NOT NULL,
                state TEXT NOT NULL,
                waiting_on INT NOT NULL,
                upstream INT NOT NULL,
                total INT NOT NULL,
                done INT NOT NULL DEFAULT 0,
                failed INT NOT NULL DEFAULT 0,
                running INT NOT NULL DEFAULT 0,
                parallelism INT NULL,
                query_fanout INT NOT NULL DEFAULT 0,
                deadline_ms BIGINT NULL,
                ready_at BIGINT NULL,
                started_at BIGINT NULL,
                finished_at BIGINT NULL,
                PRIMARY KEY (run_id, name));
            CREATE INDEX steps_open ON steps (run_id) WHERE state IN ('waiting', 'ready', 'running');
            CREATE TABLE step_edges (
                run_id BIGINT NOT NULL,
                upstream TEXT NOT NULL,
                downstream TEXT NOT NULL,
                PRIMARY KEY (run_id, upstream, downstream));
            CREATE TABLE tasks (
                id {id},
                run_id BIGINT NOT NULL,
                step TEXT NOT NULL,
                item TEXT NULL,
                ordinal INT NOT NULL,
                state TEXT NOT NULL,
                attempts INT NOT NULL DEFAULT 0,
                failures INT NOT NULL DEFAULT 0,
                lost INT NOT NULL DEFAULT 0,
                max_attempts INT NOT NULL,
                backoff_ms BIGINT NOT NULL,
                max_backoff_ms BIGINT NOT NULL,
                timeout_ms BIGINT NULL,
                pool TEXT NULL,
                needs_warehouse INT NOT NULL,
                not_before BIGINT NOT NULL DEFAULT 0,
                lease_owner TEXT NULL,
                lease_expires BIGINT NULL,
                cancel_requested INT NOT NULL DEFAULT 0,
                ready_at BIGINT NULL,
                started_at BIGINT NULL,
                finished_at BIGINT NULL,
                rows_written BIGINT NULL,
                bytes_written BIGINT NULL,
                error TEXT NULL);
            CREATE INDEX tasks_ready ON tasks (not_before, id) WHERE state = 'ready';
            CREATE INDEX tasks_running ON tasks (lease_expires) WHERE state = 'running';
            CREATE INDEX tasks_by_step ON tasks (run_id, step);
            CREATE TABLE attempts (
                id {id},
                task_id BIGINT NOT NULL,
                run_id BIGINT NOT NULL,
                number INT NOT NULL,
                worker TEXT NOT NULL,
                state TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                finished_at BIGINT NULL,
                rows_written BIGINT NULL,
                bytes_written BIGINT NULL,
                error TEXT NULL,
                UNIQUE (task_id, number));
            CREATE INDEX attempts_by_run ON attempts (run_id);
            CREATE TABLE task_logs (
                id {id},
                attempt_id BIGINT NOT NULL,
                run_id BIGINT NOT NULL,
                at BIGINT NOT NULL,
                line TEXT NOT NULL);
            CREATE INDEX task_logs_by_run ON task_logs (run_id, id);
            CREATE TABLE leases (
                name TEXT PRIMARY KEY,
                holder TEXT NOT NULL,
                expires_at BIGINT NOT NULL);
            CREATE TABLE pools (
                name TEXT PRIMARY KEY,
                slots INT NOT NULL,
                in_use INT NOT NULL DEFAULT 0);
            CREATE TABLE schedules (
                pipeline TEXT PRIMARY KEY,
                last_tick BIGINT NOT NULL);
            CREATE TABLE notices (
                id {id},
                run_id BIGINT NOT NULL,
                generation INT NOT NULL,
                step TEXT NOT NULL,
                kind TEXT NOT NULL,
                channel TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INT NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL,
                sent_at BIGINT NULL,
                error TEXT NULL,
                UNIQUE (run_id, generation, step, kind, channel));
            CREATE TABLE workers (
                id TEXT PRIMARY KEY,
                host TEXT NOT NULL,
                pid INT NOT NULL,
                warehouse INT NOT NULL,
                started_at BIGINT NOT NULL,
                heartbeat_at BIGINT NOT NULL)
            """),
    ];
}
