namespace Nagare.Connectors.Postgres;

public sealed partial class PostgresDialect
{
    /// <summary>Server version, database and user, for connection tests.</summary>
    public const string ServerInfoQuery =
        "SELECT pg_catalog.current_setting('server_version'), pg_catalog.current_database(), current_user";

    /// <summary>
    /// Every column of every table, partitioned table, view, materialized view and foreign table in one
    /// round trip, ordered by schema, table and column position. Partitions are left out (their parent
    /// covers them). Domains resolve to their base type; arrays carry their element type; <c>pk_position</c> is
    /// the column's place in the primary key. <c>{0}</c> is replaced by extra conditions (schema list, name pattern).
    /// </summary>
    public const string DiscoverQueryTemplate = """
        SELECT n.nspname, c.relname, c.reltuples::float8,
               a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
               bt.typname, bt.typtype::text,
               CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,
               et.typname, et.typtype::text,
               pg_catalog.array_position(i.indkey::int2[], a.attnum)
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
        LEFT JOIN pg_catalog.pg_type et ON bt.typcategory = 'A' AND et.oid = bt.typelem
        LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition {0}
        ORDER BY n.nspname, c.relname, a.attnum
        """;

    /// <summary>Condition leaving out system schemas and Nagare's own when no schema list is given.</summary>
    public const string UserSchemasCondition =
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema', '_nagare') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

    /// <summary>Condition for a schema list given as parameter <c>@schemas</c> (text[]).</summary>
    public const string SchemaListCondition = "AND n.nspname = ANY(@schemas)";

    /// <summary>Condition for a <c>schema.table</c> LIKE pattern given as parameter <c>@pattern</c>.</summary>
    public const string NamePatternCondition = "AND (n.nspname || '.' || c.relname) LIKE @pattern";

    /// <summary>Condition for one table: parameters <c>@schema</c> and <c>@table</c>.</summary>
    public const string OneTableCondition = "AND n.nspname = @schema AND c.relname = @table";

    /// <summary>Key columns of a unique index or primary key matching <c>@columns</c> exactly (for merge's ON CONFLICT).</summary>
    public const string UniqueKeyExistsQuery = """
        SELECT EXISTS (
            SELECT 1 FROM pg_catalog.pg_index i
            JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = @schema AND c.relname = @table AND i.indisunique AND i.indpred IS NULL
              AND (SELECT pg_catalog.array_agg(a.attname::text ORDER BY a.attname)
                   FROM pg_catalog.pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum = ANY(i.indkey::int2[])) = @columns)
        """;

    /// <summary>The schema holding Nagare's state.</summary>
    public const string StateSchema = "_nagare";

    /// <summary>Creates the state table when missing.</summary>
    public const string CreateStateTable = """
        CREATE SCHEMA IF NOT EXISTS _nagare;
        CREATE TABLE IF NOT EXISTS _nagare.sync_state (
            sync_name text NOT NULL,
            state_key text NOT NULL,
            state_json jsonb NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (sync_name, state_key))
        """;

    /// <summary>Reads one state: parameters <c>@sync</c>, <c>@key</c>.</summary>
    public const string LoadStateQuery =
        "SELECT state_json::text FROM _nagare.sync_state WHERE sync_name = @sync AND state_key = @key";

    /// <summary>Stores one state: parameters <c>@sync</c>, <c>@key</c>, <c>@state</c> (jsonb), <c>@now</c>.</summary>
    public const string SaveStateCommand = """
        INSERT INTO _nagare.sync_state (sync_name, state_key, state_json, updated_at)
        VALUES (@sync, @key, @state, @now)
        ON CONFLICT (sync_name, state_key) DO UPDATE SET state_json = EXCLUDED.state_json, updated_at = EXCLUDED.updated_at
        """;

    /// <summary>
    /// Stores a chunked load's checkpoint, adding its completed chunks and extra values to those already stored, so
    /// chunk writers committing at the same time never lose each other's chunks. Parameters as <see cref="SaveStateCommand"/>.
    /// </summary>
    public const string SaveCheckpointCommand = """
        INSERT INTO _nagare.sync_state AS s (sync_name, state_key, state_json, updated_at)
        VALUES (@sync, @key, @state, @now)
        ON CONFLICT (sync_name, state_key) DO UPDATE SET
            state_json = pg_catalog.jsonb_set(pg_catalog.jsonb_set(EXCLUDED.state_json, '{completed_chunks}', (
                SELECT coalesce(pg_catalog.jsonb_agg(DISTINCT c.value ORDER BY c.value), '[]'::jsonb)
                FROM (SELECT pg_catalog.jsonb_array_elements(coalesce(s.state_json -> 'completed_chunks', '[]'::jsonb)) AS value
                      UNION
                      SELECT pg_catalog.jsonb_array_elements(EXCLUDED.state_json -> 'completed_chunks')) AS c)),
                '{extra}', coalesce(s.state_json -> 'extra', '{}'::jsonb) || coalesce(EXCLUDED.state_json -> 'extra', '{}'::jsonb)),
            updated_at = EXCLUDED.updated_at
        """;

    /// <summary>Column holding the chunk number in a chunked load's staging table.</summary>
    public const string ChunkColumn = "_nagare_chunk";

    /// <summary>Each schema of <c>@schemas</c>, in order, and whether the database has it.</summary>
    public const string SchemasQuery =
        "SELECT s, EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = s) FROM unnest(@schemas::text[]) WITH ORDINALITY AS u(s, i) ORDER BY i";

    /// <summary>Exports the snapshot of the current REPEATABLE READ transaction.</summary>
    public const string ExportSnapshotQuery = "SELECT pg_catalog.pg_export_snapshot()";
}
