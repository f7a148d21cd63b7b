using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

// Discovery (one catalog query for every table), description of one table, reads and key-range splits.
public sealed partial class DuckDbWarehouseConnection
{
    private const string CatalogQuery = """
        SELECT c.schema_name, c.table_name, c.column_name, c.data_type, c.is_nullable,
               t.estimated_size, k.constraint_column_names
        FROM duckdb_columns() c
        LEFT JOIN duckdb_tables() t ON t.table_oid = c.table_oid
        LEFT JOIN (SELECT table_oid, constraint_column_names FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY') k
            ON k.table_oid = c.table_oid
        WHERE c.database_name = current_database() AND NOT c.internal
          AND c.schema_name <> '_nagare' AND NOT suffix(c.table_name, '__nagare_staging')
        """;

    /// <inheritdoc/>
    public async IAsyncEnumerable<StreamSchema> DiscoverAsync(DiscoverRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        var sql = new StringBuilder(CatalogQuery);
        if (request.Namespaces is { Count: > 0 } namespaces)
        {
            sql.Append(" AND c.schema_name IN (").AppendJoin(", ", namespaces.Select(DuckDbDialect.Literal)).Append(')');
        }

        if (request.NamePattern is { } pattern)
        {
            sql.Append(" AND (c.schema_name || '.' || c.table_name) GLOB ").Append(DuckDbDialect.Literal(pattern));
        }

        sql.Append(" ORDER BY c.schema_name, c.table_name, c.column_index");
        command.CommandText = sql.ToString();
        List<StreamSchema> streams;
        try
        {
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            streams = ReadCatalog(reader);
        }
        catch (DuckDbException e)
        {
            throw Error($"Cannot list the tables of {Name}", e);
        }

        foreach (var stream in streams)
        {
            yield return stream;
        }
    }

    /// <inheritdoc/>
    public async Task<StreamSchema?> DescribeAsync(StreamId table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return Describe(connection, table);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var columns = request.EffectiveColumns;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = SelectSql(request, columns, command);
        DuckDbDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDbException e)
        {
            throw Error($"Cannot read {request.Stream.Id}", e, request.Stream.Id.ToString());
        }

        await using (reader.ConfigureAwait(false))
        {
            var batches = new DuckDbBatchReader(reader, columns);
            var batch = new ColumnBatch(columns, request.Limit is { } limit ? Math.Clamp(limit, 1, request.BatchSize) : request.BatchSize);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bool more;
                try
                {
                    more = batches.Fill(batch);
                }
                catch (Exception e) when (e is DuckDbException or OverflowException or InvalidCastException)
                {
                    throw Error($"Cannot read {request.Stream.Id}", e, request.Stream.Id.ToString());
                }

                if (!more)
                {
                    yield break;
                }

                batch.Origin = request.Stream.Id.ToString();
                yield return batch;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<KeyRange>> SplitAsync(StreamSchema stream, string keyColumn, int chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(keyColumn);
        if (chunks <= 1)
        {
            return [new KeyRange(keyColumn, null, null, 0)];
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var fractions = string.Join(", ", Enumerable.Range(1, chunks - 1).Select(i => ((double)i / chunks).ToString("R", CultureInfo.InvariantCulture)));
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT quantile_disc({DuckDbDialect.Quote(keyColumn)}, [{fractions}]) FROM {Table(stream.Id)} WHERE {DuckDbDialect.Quote(keyColumn)} IS NOT NULL";
        var bounds = new List<object>();
        try
        {
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0))
            {
                foreach (var value in (System.Collections.IList)reader.GetValue(0))
                {
                    if (value is not null && (bounds.Count == 0 || !Equals(bounds[^1], value)))
                    {
                        bounds.Add(value);
                    }
                }
            }
        }
        catch (DuckDbException e)
        {
            throw Error($"Cannot split {stream.Id} on {keyColumn}", e, stream.Id.ToString());
        }

        var ranges = new List<KeyRange>(bounds.Count + 1);
        object? from = null;
        foreach (var bound in bounds)
        {
            ranges.Add(new KeyRange(keyColumn, from, bound, ranges.Count));
            from = bound;
        }

        ranges.Add(new KeyRange(keyColumn, from, null, ranges.Count));
        return ranges;
    }

    /// <summary>The table as it exists on <paramref name="connection"/> (inside its transaction, if any), or null.</summary>
    /// <remarks>
    /// <c>pragma_table_info</c> looks at one table (about a millisecond), where filtering <c>duckdb_columns()</c>
    /// scans the whole catalog: with many thousands of tables that is the difference between milliseconds and
    /// a tenth of a second per stream.
    /// </remarks>
    internal StreamSchema? Describe(DuckDbConnection connection, StreamId table)
    {
        if (table.Name.Contains('"', StringComparison.Ordinal) || table.Namespace?.Contains('"', StringComparison.Ordinal) == true)
        {
            // pragma_table_info's name parser does not take doubled quotes; ask the catalog instead.
            return DescribeFromCatalog(connection, table);
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)";
        command.Parameters.AddPositional(Table(table));
        var columns = ImmutableArray.CreateBuilder<ColumnSchema>();
        var key = ImmutableArray.CreateBuilder<string>();
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var name = reader.GetString(0);
                var native = reader.GetString(1);
                columns.Add(new ColumnSchema(name, DuckDbTypeMapping.FromTypeName(native), !reader.GetBoolean(2), native));
                if (reader.GetBoolean(3))
                {
                    key.Add(name);
                }
            }
        }
        catch (DuckDbException e) when (e.Message.Contains("does not exist", StringComparison.Ordinal))
        {
            return null;
        }
        catch (DuckDbException e)
        {
            throw Error($"Cannot describe {table}", e, table.ToString());
        }

        var built = columns.ToImmutable();
        return built.IsEmpty
            ? null
            : new StreamSchema(new StreamId(table.Namespace ?? "main", table.Name), built, key.ToImmutable(), [.. built.Where(c => IsCursorCandidate(c.Type)).Select(c => c.Name)]);
    }

    private StreamSchema? DescribeFromCatalog(DuckDbConnection connection, StreamId table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = CatalogQuery.Replace(" AND NOT suffix(c.table_name, '__nagare_staging')", "", StringComparison.Ordinal)
            + " AND c.schema_name = $1 AND c.table_name = $2 ORDER BY c.column_index";
        command.Parameters.AddPositional(table.Namespace ?? "main");
        command.Parameters.AddPositional(table.Name);
        try
        {
            using var reader = command.ExecuteReader();
            var streams = ReadCatalog(reader);
            return streams.Count == 0 ? null : streams[0];
        }
        catch (DuckDbException e)
        {
            throw Error($"Cannot describe {table}", e, table.ToString());
        }
    }

    /// <summary>The quoted name of a table; a null namespace is DuckDB's <c>main</c>.</summary>
    internal static string Table(StreamId id) => DuckDbDialect.Instance.QuoteTable(id.Namespace ?? "main", id.Name);

    private static List<StreamSchema> ReadCatalog(DuckDbDataReader reader)
    {
        var streams = new List<StreamSchema>();
        string? schema = null;
        string? table = null;
        long? rows = null;
        ImmutableArray<string> key = [];
        var columns = ImmutableArray.CreateBuilder<ColumnSchema>();
        void Flush()
        {
            if (table is null)
            {
                return;
            }

            var built = columns.ToImmutable();
            streams.Add(new StreamSchema(new StreamId(schema, table), built, key, [.. built.Where(c => IsCursorCandidate(c.Type)).Select(c => c.Name)], rows));
            columns.Clear();
        }

        while (reader.Read())
        {
            var s = reader.GetString(0);
            var t = reader.GetString(1);
            if (s != schema || t != table)
            {
                Flush();
                schema = s;
                table = t;
                rows = reader.IsDBNull(5) ? null : reader.GetInt64(5);
                key = reader.IsDBNull(6) ? [] : [.. ((System.Collections.IList)reader.GetValue(6)).Cast<string>()];
            }

            var native = reader.GetString(3);
            columns.Add(new ColumnSchema(reader.GetString(2), DuckDbTypeMapping.FromTypeName(native), reader.GetBoolean(4), native));
        }

        Flush();
        return streams;
    }

    private static bool IsCursorCandidate(ColumnType type) =>
        type.IsInteger || type.Kind is ColumnKind.Decimal or ColumnKind.Date or ColumnKind.Timestamp or ColumnKind.TimestampTz;

    private static string SelectSql(ReadRequest request, ImmutableArray<ColumnSchema> columns, DuckDbCommand command)
    {
        var sql = new StringBuilder("SELECT ");
        for (var i = 0; i < columns.Length; i++)
        {
            var column = columns[i];
            var quoted = DuckDbDialect.Quote(column.Name);
            var native = column.NativeType ?? request.Stream.Find(column.Name)?.NativeType;
            sql.Append(i == 0 ? "" : ", ");
            if (DuckDbTypeMapping.NeedsCast(native, column.Type))
            {
                sql.Append("CAST(").Append(quoted).Append(" AS ").Append(DuckDbTypeMapping.TypeName(column.Type)).Append(") AS ").Append(quoted);
            }
            else
            {
                sql.Append(quoted);
            }
        }

        if (columns.Length == 0)
        {
            sql.Append("*");
        }

        sql.Append(" FROM ");
        sql.Append(request.CustomSql is { } custom ? "(" + custom + ") AS nagare_query" : Table(request.Stream.Id));
        var conditions = new List<string>();
        if (request.Filter is { } filter)
        {
            conditions.Add("(" + filter + ")");
        }

        if (request.Cursor is { After: { } after } cursor)
        {
            command.Parameters.AddPositional(after);
            conditions.Add($"{DuckDbDialect.Quote(cursor.Column)} > ${command.Parameters.Count}");
        }

        if (request.Range is { } range)
        {
            if (range.From is { } from)
            {
                command.Parameters.AddPositional(from);
                conditions.Add($"{DuckDbDialect.Quote(range.Column)} >= ${command.Parameters.Count}");
            }

            if (range.To is { } to)
            {
                command.Parameters.AddPositional(to);
                var below = $"{DuckDbDialect.Quote(range.Column)} < ${command.Parameters.Count}";

                // The first range also takes rows without a key, so the ranges together cover every row.
                conditions.Add(range.From is null ? $"({below} OR {DuckDbDialect.Quote(range.Column)} IS NULL)" : below);
            }
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        if (request.Cursor is { } ordered)
        {
            sql.Append(" ORDER BY ").Append(DuckDbDialect.Quote(ordered.Column));
        }

        if (request.Limit is { } limit)
        {
            sql.Append(" LIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture));
        }

        return sql.ToString();
    }
}
