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
        // Access: users, roles, tokens, sessions, the audit log and sealed secrets. Booleans are INT 0/1 and sealed
        // secrets base64 TEXT, so both dialects take the same SQL and the same parameters. No semicolon in the seeded
        // text: the migration is split into statements at each one. The audit log lists newest first by its key.
        (2, """
            CREATE TABLE users (
                id {id},
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL,
                password_hash TEXT NULL,
                disabled INT NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL,
                version BIGINT NOT NULL DEFAULT 1);
            CREATE INDEX users_by_role ON users (role);
            CREATE TABLE roles (
                name TEXT PRIMARY KEY,
                level TEXT NOT NULL,
                grants TEXT NOT NULL,
                description TEXT NULL,
                builtin INT NOT NULL DEFAULT 0,
                version BIGINT NOT NULL DEFAULT 1,
                protections TEXT NOT NULL DEFAULT '{}');
            INSERT INTO roles (name, level, grants, description, builtin, version) VALUES
                ('admin', 'admin', '[{"pattern":"*","privilege":"admin"}]', 'Everything: users, roles, tokens, the audit log, and every dataset.', 1, 1),
                ('editor', 'editor', '[{"pattern":"*","privilege":"write"}]', 'Edits connections, syncs, models and pipelines, and writes every dataset.', 1, 1),
                ('analyst', 'analyst', '[{"pattern":"*","privilege":"read"}]', 'Runs SQL on and reads every dataset, and starts runs.', 1, 1),
                ('viewer', 'viewer', '[{"pattern":"mart_*","privilege":"read"}]', 'Reads pipelines, runs and the mart_ datasets.', 1, 1);
            CREATE TABLE tokens (
                id {id},
                name TEXT NOT NULL,
                user_id BIGINT NOT NULL,
                prefix TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE,
                scopes TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NULL,
                revoked_at BIGINT NULL,
                last_used_at BIGINT NULL);
            CREATE INDEX tokens_by_user ON tokens (user_id);
            CREATE TABLE sessions (
                hash TEXT PRIMARY KEY,
                user_id BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL);
            CREATE INDEX sessions_by_user ON sessions (user_id);
            CREATE INDEX sessions_by_expiry ON sessions (expires_at);
            CREATE TABLE audit (
                id {id},
                at BIGINT NOT NULL,
                actor TEXT NULL,
                action TEXT NOT NULL,
                target TEXT NULL,
                outcome TEXT NOT NULL,
                detail TEXT NULL,
                address TEXT NULL);
            CREATE INDEX audit_by_actor ON audit (actor, id);
            CREATE INDEX audit_by_action ON audit (action, id);
            CREATE TABLE secrets (
                name TEXT PRIMARY KEY,
                sealed TEXT NOT NULL,
                updated_at BIGINT NOT NULL)
            """),
        // A password someone else chose (the first admin's printed one, one an admin set) is to be replaced by its
        // user; existing users chose theirs or were told it long ago, so they start without the request.
        (3, """
            ALTER TABLE users ADD COLUMN password_change_required INT NOT NULL DEFAULT 0
            """),
        // Daily statistics read the runs created and the tasks finished in a range of days: without these, every
        // look at a fortnight reads the whole history.
        (4, """
            CREATE INDEX runs_by_created ON runs (created_at);
            CREATE INDEX tasks_by_finished ON tasks (finished_at)
            """),
    ];
}
