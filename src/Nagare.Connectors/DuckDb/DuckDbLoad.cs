using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

/// <summary>Where a load's rows go: <see cref="Table"/> (the staging table when <see cref="Staging"/> is set, else the target).</summary>
/// <param name="Columns">The request's columns, spelled as the existing table spells them.</param>
/// <param name="Existing">The target as it was before the load; null when it did not exist.</param>
/// <param name="Staging">The quoted staging table to swap or merge from at the end, or null.</param>
/// <param name="Table">Schema and name of the table the rows are appended to.</param>
internal sealed record LoadTarget(ImmutableArray<ColumnSchema> Columns, StreamSchema? Existing, string? Staging, (string Schema, string Name) Table);

/// <summary>The SQL steps of a load, run by the writers inside their transaction.</summary>
internal static class DuckDbLoad
{
    /// <summary>Creates the schema of <paramref name="table"/> if needed (outside any transaction, tolerating a concurrent creator).</summary>
    public static void EnsureSchema(DuckDbConnection connection, StreamId table)
    {
        if (table.Namespace is null or "main")
        {
            return;
        }

        // Another process may be creating it at the same moment: its uncommitted CREATE makes ours fail with a
        // conflict, and the schema becomes visible once it commits.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                connection.ExecuteNonQuery("CREATE SCHEMA IF NOT EXISTS " + DuckDbDialect.Quote(table.Namespace));
                return;
            }
            catch (DuckDbException) when (SchemaExists(connection, table.Namespace))
            {
                return;
            }
            catch (DuckDbException e) when (attempt < 5 && e.Message.Contains("conflict", StringComparison.OrdinalIgnoreCase))
            {
                Thread.Sleep(20 * attempt);
            }
        }
    }

    /// <summary>
    /// Prepares the tables of a load in the caller's transaction and says where the rows go. Full refresh replaces
    /// the table in the transaction and writes into it, or, with delete detection, writes into
    /// <c>&lt;table&gt;__nagare_staging</c> to be compared and swapped in at the end; merge writes into staging;
    /// append and incremental into the table, whose columns are added or widened first.
    /// </summary>
    public static LoadTarget Prepare(DuckDbWarehouseConnection owner, DuckDbConnection connection, WriteRequest request)
    {
        var schema = request.Target.Namespace ?? "main";
        var stagingName = request.Target.Name + DuckDbWarehouseConnection.StagingSuffix;
        var staging = DuckDbDialect.Instance.QuoteTable(schema, stagingName);
        if (request.Mode == WriteMode.FullRefresh && request.Scope is { } scope)
        {
            // One source's rows in a table several sources fill: the others' rows stay, so the table is evolved (not
            // replaced), this source's old rows deleted and its new ones appended, all in the caller's transaction.
            var current = owner.DescribeForWrite(connection, request.Target);
            var aligned = AlignNames(request.Columns, current);
            PrepareTarget(connection, request, aligned, current, softDelete: false);
            if (current is not null)
            {
                using var delete = connection.CreateCommand();
                delete.CommandText = $"DELETE FROM {DuckDbWarehouseConnection.Table(request.Target)} WHERE starts_with({DuckDbDialect.Quote(scope.Column)}, $1)";
                delete.Parameters.AddPositional(scope.Prefix);
                delete.ExecuteNonQuery();
            }

            return new LoadTarget(aligned, current, null, (schema, request.Target.Name));
        }

        if (request.Mode == WriteMode.FullRefresh && request.DeleteDetection == DeleteDetection.None)
        {
            // A plain replacement needs no staging table: the transaction replaces the table, other connections
            // read the old one until the commit, and a rollback keeps it. What the old table looked like does not
            // matter either (describing it, then a staging table, a drop and a rename cost about 2 ms per table
            // on a nightly run over existing tables).
            var create = owner.MayExist(connection, request.Target) ? "CREATE OR REPLACE TABLE" : "CREATE TABLE";
            connection.ExecuteNonQuery($"{create} {DuckDbWarehouseConnection.Table(request.Target)} ({ColumnList(request.Columns)})");
            return new LoadTarget(request.Columns, null, null, (schema, request.Target.Name));
        }

        var existing = owner.DescribeForWrite(connection, request.Target);
        var columns = AlignNames(request.Columns, existing);
        var soft = request.DeleteDetection == DeleteDetection.Soft;
        switch (request.Mode)
        {
            case WriteMode.FullRefresh when existing is not null:
            {
                var all = soft && !columns.Any(c => Same(c.Name, request.SoftDeleteColumn))
                    ? [.. columns, new ColumnSchema(request.SoftDeleteColumn, Core.Types.ColumnType.TimestampTz)]
                    : columns;
                connection.ExecuteNonQuery($"CREATE OR REPLACE TABLE {staging} ({ColumnList(all)})");
                return new LoadTarget(columns, existing, staging, (schema, stagingName));
            }

            case WriteMode.Merge:
                if (request.PrimaryKey.IsDefaultOrEmpty)
                {
                    throw new ConnectorException($"Merge into {request.Target} needs a primary key; set primary_key for the stream.") { Stream = request.Target.ToString() };
                }

                PrepareTarget(connection, request, columns, existing, soft);
                connection.ExecuteNonQuery($"CREATE OR REPLACE TABLE {staging} ({ColumnList(columns)})");
                return new LoadTarget(columns, existing, staging, (schema, stagingName));

            default:
                PrepareTarget(connection, request, columns, existing, soft && request.Mode == WriteMode.FullRefresh);
                return new LoadTarget(columns, existing, null, (schema, request.Target.Name));
        }
    }

    /// <summary>Swaps or merges the staged rows (per <see cref="Prepare"/>) in the caller's transaction; returns the counts.</summary>
    public static WriteResult Finish(DuckDbConnection connection, WriteRequest request, LoadTarget target, long rows)
    {
        long inserted = rows, updated = 0, deleted = 0, unchanged = 0;
        switch (request.Mode)
        {
            case WriteMode.FullRefresh when target.Staging is not null:
                deleted = Swap(connection, request, target.Columns, target.Existing, target.Staging);
                break;
            case WriteMode.Merge:
                (inserted, updated, deleted, unchanged) = Merge(connection, request, target.Columns, target.Staging!);
                connection.ExecuteNonQuery($"DROP TABLE {target.Staging}");
                break;
        }

        return new WriteResult(rows, inserted, updated, deleted, unchanged);
    }

    /// <summary>
    /// The request's columns spelled as the existing table spells them: DuckDB compares names case-insensitively,
    /// so <c>Name</c> and <c>name</c> are one column.
    /// </summary>
    public static ImmutableArray<ColumnSchema> AlignNames(ImmutableArray<ColumnSchema> columns, StreamSchema? existing) =>
        Common.ColumnSpelling.AsExisting(columns, existing);

    /// <summary>Creates the target when missing, else adds and widens columns per the request's policy.</summary>
    /// <exception cref="SchemaChangeException">An incompatible change.</exception>
    public static void PrepareTarget(DuckDbConnection connection, WriteRequest request, ImmutableArray<ColumnSchema> columns, StreamSchema? existing, bool softDelete)
    {
        var table = DuckDbWarehouseConnection.Table(request.Target);
        if (existing is null)
        {
            var all = softDelete && !columns.Any(c => Same(c.Name, request.SoftDeleteColumn))
                ? [.. columns, new ColumnSchema(request.SoftDeleteColumn, Core.Types.ColumnType.TimestampTz)]
                : columns;
            connection.ExecuteNonQuery($"CREATE TABLE {table} ({ColumnList(all)})");
            return;
        }

        var plan = SchemaEvolution.Compare(request.Target, existing.Columns, columns, request.SchemaChanges);
        var sql = new StringBuilder();
        foreach (var added in plan.Added)
        {
            sql.Append($"ALTER TABLE {table} ADD COLUMN {DuckDbDialect.Quote(added.Name)} {DuckDbTypeMapping.TypeName(added.Type)};\n");
        }

        foreach (var widened in plan.Widened)
        {
            sql.Append($"ALTER TABLE {table} ALTER COLUMN {DuckDbDialect.Quote(widened.Name)} SET DATA TYPE {DuckDbTypeMapping.TypeName(widened.To)};\n");
        }

        if (softDelete && existing.Columns.All(c => !Same(c.Name, request.SoftDeleteColumn)) && plan.Added.All(c => !Same(c.Name, request.SoftDeleteColumn)))
        {
            sql.Append($"ALTER TABLE {table} ADD COLUMN {DuckDbDialect.Quote(request.SoftDeleteColumn)} TIMESTAMP WITH TIME ZONE;\n");
        }

        if (sql.Length > 0)
        {
            connection.ExecuteNonQuery(sql.ToString());
        }
    }

    /// <summary><c>"a" INTEGER, "b" VARCHAR</c>.</summary>
    public static string ColumnList(IEnumerable<ColumnSchema> columns) =>
        string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name) + " " + DuckDbTypeMapping.TypeName(c.Type)));

    /// <summary><c>"a", "b"</c>, optionally prefixed with an alias.</summary>
    public static string Names(IEnumerable<string> names, string? alias = null) =>
        string.Join(", ", names.Select(n => (alias is null ? "" : alias + ".") + DuckDbDialect.Quote(n)));

    /// <summary>
    /// Replaces the target with the staging table (full refresh), applying delete detection against the old
    /// target. Returns the rows counted as deleted.
    /// </summary>
    public static long Swap(DuckDbConnection connection, WriteRequest request, ImmutableArray<ColumnSchema> columns, StreamSchema? existing, string staging)
    {
        var target = DuckDbWarehouseConnection.Table(request.Target);
        long deleted = 0;
        if (existing is not null && request.DeleteDetection != DeleteDetection.None && !request.PrimaryKey.IsDefaultOrEmpty)
        {
            var missing = $"NOT EXISTS (SELECT 1 FROM {staging} s WHERE {KeyMatch(request.PrimaryKey, "s", "t")})";
            if (request.DeleteDetection == DeleteDetection.Hard)
            {
                deleted = connection.ExecuteScalar<long>($"SELECT count(*) FROM {target} t WHERE {missing}");
            }
            else
            {
                var soft = request.SoftDeleteColumn;
                var hadSoft = existing.Columns.Any(c => Same(c.Name, soft));
                var values = columns.Where(c => !Same(c.Name, soft)).Select(c => existing.Columns.Any(e => Same(e.Name, c.Name))
                    ? $"CAST(t.{DuckDbDialect.Quote(c.Name)} AS {DuckDbTypeMapping.TypeName(c.Type)})"
                    : "NULL");
                var names = columns.Where(c => !Same(c.Name, soft)).Select(c => c.Name).Append(soft);
                var stamp = hadSoft ? $"coalesce(t.{DuckDbDialect.Quote(soft)}, now())" : "now()";
                deleted = connection.ExecuteNonQuery(
                    $"INSERT INTO {staging} ({Names(names)}) SELECT {string.Join(", ", values)}, {stamp} FROM {target} t WHERE {missing}");
            }
        }

        if (existing is not null)
        {
            connection.ExecuteNonQuery($"DROP TABLE {target}");
        }

        connection.ExecuteNonQuery($"ALTER TABLE {staging} RENAME TO {DuckDbDialect.Quote(request.Target.Name)}");
        return deleted;
    }

    /// <summary>
    /// Upserts the staging rows into the target by key; returns (inserted, updated, deleted, unchanged). A stored row
    /// whose values all equal the incoming row's is left alone and counted as unchanged.
    /// </summary>
    public static (long Inserted, long Updated, long Deleted, long Unchanged) Merge(DuckDbConnection connection, WriteRequest request, ImmutableArray<ColumnSchema> columns, string staging)
    {
        if (request.PrimaryKey.IsDefaultOrEmpty)
        {
            throw new ConnectorException($"Merge into {request.Target} needs a primary key; set primary_key for the stream.") { Stream = request.Target.ToString() };
        }

        var target = DuckDbWarehouseConnection.Table(request.Target);
        var keys = request.PrimaryKey;
        var keyList = Names(keys);

        // A key sent twice keeps its last row.
        long staged, distinct;
        using (var count = connection.CreateCommand())
        {
            count.CommandText = $"SELECT count(*), count(DISTINCT ({keyList})) FROM {staging}";
            using var reader = count.ExecuteReader();
            reader.Read();
            (staged, distinct) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        if (distinct < staged)
        {
            connection.ExecuteNonQuery($"DELETE FROM {staging} WHERE rowid NOT IN (SELECT max(rowid) FROM {staging} GROUP BY {keyList})");
        }

        var soft = request.DeleteDetection == DeleteDetection.Soft ? request.SoftDeleteColumn : null;
        var valueColumns = columns.Where(c => !keys.Any(k => Same(k, c.Name)) && (soft is null || !Same(c.Name, soft))).ToList();
        var assignments = valueColumns.Select(c => $"{DuckDbDialect.Quote(c.Name)} = s.{DuckDbDialect.Quote(c.Name)}").ToList();
        var changed = valueColumns.Select(c => $"t.{DuckDbDialect.Quote(c.Name)} IS DISTINCT FROM s.{DuckDbDialect.Quote(c.Name)}").ToList();
        if (soft is not null)
        {
            assignments.Add($"{DuckDbDialect.Quote(soft)} = NULL");
            changed.Add($"t.{DuckDbDialect.Quote(soft)} IS NOT NULL");
        }

        var match = KeyMatch(keys, "s", "t");
        // Rows another source owns are never this load's deletes.
        var owned = request.Scope is { } scope ? $" AND starts_with(t.{DuckDbDialect.Quote(scope.Column)}, {DuckDbDialect.Literal(scope.Prefix)})" : string.Empty;
        long updated = 0;
        if (assignments.Count > 0)
        {
            updated = connection.ExecuteNonQuery($"UPDATE {target} AS t SET {string.Join(", ", assignments)} FROM {staging} AS s WHERE {match} AND ({string.Join(" OR ", changed)})");
        }

        var names = columns.Select(c => c.Name).ToList();
        var inserted = connection.ExecuteNonQuery(
            $"INSERT INTO {target} ({Names(names)}) SELECT {Names(names, "s")} FROM {staging} s WHERE NOT EXISTS (SELECT 1 FROM {target} AS t WHERE {match})");
        long deleted = 0;
        var missing = $"NOT EXISTS (SELECT 1 FROM {staging} s WHERE {match})";
        if (request.DeleteDetection == DeleteDetection.Hard)
        {
            deleted = connection.ExecuteNonQuery($"DELETE FROM {target} AS t WHERE {missing}{owned}");
        }
        else if (soft is not null)
        {
            deleted = connection.ExecuteNonQuery($"UPDATE {target} AS t SET {DuckDbDialect.Quote(soft)} = now() WHERE t.{DuckDbDialect.Quote(soft)} IS NULL AND {missing}{owned}");
        }

        return (inserted, updated, deleted, distinct - inserted - updated);
    }

    /// <summary>
    /// Stores the states of sync streams (in the caller's transaction), in one statement. Rows are only added, never
    /// replaced here: the newest row of a key is its state, and older rows are removed once per sync run when the
    /// states are first read. A delete per stream scanned the whole state table each time (2 ms per table at
    /// 1,000 tables).
    /// </summary>
    public static void SaveStates(DuckDbConnection connection, IReadOnlyList<(WriteRequest Request, StreamState State)> states)
    {
        if (states.Count == 0)
        {
            return;
        }

        using var command = connection.CreateCommand();
        var sql = new StringBuilder($"INSERT INTO {DuckDbWarehouseConnection.StateSchema}.sync_state VALUES ");
        for (var i = 0; i < states.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(${(3 * i) + 1}, ${(3 * i) + 2}, ${(3 * i) + 3}, now())");
            command.Parameters.AddPositional(states[i].Request.SyncName);
            command.Parameters.AddPositional(states[i].Request.StateKey);
            command.Parameters.AddPositional(StreamStateJson.Serialize(states[i].State));
        }

        command.CommandText = sql.ToString();
        command.ExecuteNonQuery();
    }

    /// <summary><c>a."k1" = b."k1" AND …</c>.</summary>
    public static string KeyMatch(IEnumerable<string> keys, string left, string right) =>
        string.Join(" AND ", keys.Select(k => $"{left}.{DuckDbDialect.Quote(k)} = {right}.{DuckDbDialect.Quote(k)}"));

    /// <summary>DuckDB's rule for identifiers: case-insensitive.</summary>
    public static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>A <see cref="DuckDbException"/> as a <see cref="ConnectorException"/>, transient for transaction conflicts.</summary>
    public static ConnectorException Failure(string connection, WriteRequest request, string action, DuckDbException e) =>
        new($"Cannot {action} table {request.Target} of {connection}: {e.Message}", e)
        {
            Connection = connection,
            Stream = request.Target.ToString(),
            // A write conflict, or memory that ran short while other work held it (for example while a load had DuckDB
            // drop cached blocks, see DuckDbWarehouseConnection.ReleaseCachedBlocks): another attempt may succeed.
            IsTransient = e.Message.Contains("conflict", StringComparison.OrdinalIgnoreCase) ||
                e.Message.StartsWith("Out of Memory Error", StringComparison.Ordinal),
        };

    private static bool SchemaExists(DuckDbConnection connection, string schema)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = $1";
        command.Parameters.AddPositional(schema);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
