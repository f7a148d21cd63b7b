using System.Collections.Immutable;
using System.Data;
using System.Runtime.CompilerServices;
using System.Text;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Npgsql;
using NpgsqlTypes;

namespace Nagare.Connectors.Postgres;

public sealed partial class PostgresConnection
{
    /// <summary>
    /// Reads with one binary <c>COPY (SELECT …) TO STDOUT</c>: the projection, filter, cursor and key range go into
    /// the SELECT, and the raw COPY stream is decoded straight into the reused batch's arrays. With a snapshot token the
    /// read runs in its own REPEATABLE READ READ ONLY transaction on that snapshot.
    /// </summary>
    public async IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var columns = request.EffectiveColumns;
        var stream = request.Stream.Id.ToString();
        var (sql, wires) = BuildCopyQuery(request, columns);

        // Two batches: while the consumer writes one, the next is decoded from the COPY stream on another thread,
        // so PostgreSQL keeps sending and decoding overlaps the destination's work. The second is made only when
        // the first fills, and a table the catalog says is small starts with a batch its size: a sync of thousands
        // of small tables otherwise allocated two full batches (about a megabyte) per table, and the garbage
        // collector took an eighth of the process's time.
        var batches = new ColumnBatch?[2];
        var readerSets = new PostgresColumnReader[2][];
        PostgresColumnReader[] Prepare(int b, int capacity)
        {
            if (batches[b]?.Capacity != capacity)
            {
                var batch = batches[b] = new ColumnBatch(columns, capacity) { Origin = stream };
                readerSets[b] = new PostgresColumnReader[columns.Length];
                for (var i = 0; i < columns.Length; i++)
                {
                    var name = columns[i].Name;
                    readerSets[b][i] = PostgresColumnReader.Create(batch.Columns[i], columns[i].Type, wires[i], () => $"Column '{name}' of {stream}", $"{request.Stream.Id.Name}.{name}");
                }
            }

            return readerSets[b];
        }

        var full = request.BatchSize;
        var first = request.Stream.EstimatedRows is { } estimate && estimate < full / 4 ? (int)Math.Max(64, (estimate * 2) + 16) : full;
        if (request.Limit is { } limit)
        {
            // A sample of 20 rows needs a batch of 20, not one sized for the table.
            full = Math.Min(full, Math.Max(1, limit));
            first = Math.Min(first, full);
        }

        await using var session = await OpenSessionAsync($"reading {stream}", cancellationToken).ConfigureAwait(false);
        NpgsqlTransaction? transaction = null;
        Stream? copy = null;
        PostgresCopyReader? reader = null;
        Task<int>? pending = null;
        try
        {
            try
            {
                if (request.Snapshot is not null)
                {
                    transaction = await BeginSnapshotReadAsync(session.Connection, request.Snapshot, cancellationToken).ConfigureAwait(false);
                }

                CountCommand();
                copy = await session.Connection.BeginRawBinaryCopyAsync(sql, cancellationToken).ConfigureAwait(false);
                reader = new PostgresCopyReader(copy, stream);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                throw Translate(e, "reading", stream);
            }

            long rowsBefore = 0;
            var current = 0;
            pending = FillAsync(reader!, first, Prepare(current, first), stream, cancellationToken);
            while (true)
            {
                // Taken before awaiting: a failed fill is this read's error, not one for the cleanup below to await again.
                var filling = pending!;
                pending = null;
                var rows = await filling.ConfigureAwait(false);
                if (rows == 0)
                {
                    break;
                }

                var batch = batches[current]!;
                batch.RowCount = rows;
                batch.FirstRowNumber = rowsBefore + 1;
                rowsBefore += rows;
                var more = rows == batch.Capacity;
                if (more)
                {
                    current = 1 - current;
                    var next = Prepare(current, full);
                    pending = Task.Run(() => FillAsync(reader!, full, next, stream, cancellationToken), cancellationToken);
                }

                yield return batch;
                if (!more)
                {
                    break;
                }
            }

            if (transaction is not null)
            {
                await copy!.DisposeAsync().ConfigureAwait(false);
                copy = null;
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (pending is not null)
            {
                // The consumer stopped early: the read ahead must finish before the stream goes away.
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception e) when (e is ConnectorException or OperationCanceledException)
                {
                    // Its error (or the cancellation) is not the consumer's: the consumer already left.
                }
            }

            reader?.Dispose();
            if (copy is not null)
            {
                await DisposeQuietlyAsync(copy).ConfigureAwait(false);
            }

            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Splits on <paramref name="keyColumn"/>: integer keys split evenly between min and max (one cheap index
    /// query); other keys at percentiles of the key (sampled on big tables). Rows whose key is NULL belong to the first range.
    /// </summary>
    public async Task<IReadOnlyList<KeyRange>> SplitAsync(StreamSchema stream, string keyColumn, int chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(keyColumn);
        var column = stream.Find(keyColumn) ?? throw new ConnectorException($"{stream.Id} has no column '{keyColumn}' to split on.") { Connection = Name, Stream = stream.Id.ToString() };
        KeyRange[] whole = [new KeyRange(keyColumn, null, null, 0)];
        if (chunks <= 1)
        {
            return whole;
        }

        var table = PostgresDialect.Instance.QuoteTable(stream.Id.Namespace, stream.Id.Name);
        var key = PostgresDialect.Quote(keyColumn);
        await using var session = await OpenSessionAsync($"splitting {stream.Id}", cancellationToken).ConfigureAwait(false);
        try
        {
            if (column.Type.Kind is ColumnKind.Int16 or ColumnKind.Int32 or ColumnKind.Int64)
            {
                await using var command = Command(session.Connection, $"SELECT min({key})::int8, max({key})::int8 FROM {table}");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (reader.IsDBNull(0))
                {
                    return whole;
                }

                var min = (Int128)reader.GetInt64(0);
                var max = (Int128)reader.GetInt64(1);
                var span = max - min + 1;
                var bounds = new List<object>();
                for (var i = 1; i < chunks; i++)
                {
                    var bound = min + (span * i / chunks);
                    if (bound > min && (bounds.Count == 0 || bound > ToInt128(bounds[^1])))
                    {
                        bounds.Add(FromInt64((long)bound, column.Type.Kind));
                    }
                }

                return ToRanges(keyColumn, bounds);
            }

            var fractions = string.Join(",", Enumerable.Range(1, chunks - 1).Select(i => ((double)i / chunks).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            var sample = stream.EstimatedRows is > 1_000_000 ? $" TABLESAMPLE SYSTEM ({Math.Max(0.01, 100.0 * 1_000_000 / stream.EstimatedRows.Value).ToString("R", System.Globalization.CultureInfo.InvariantCulture)})" : "";
            await using (var command = Command(
                session.Connection,
                $"SELECT DISTINCT b FROM pg_catalog.unnest((SELECT percentile_disc(ARRAY[{fractions}]::float8[]) WITHIN GROUP (ORDER BY {key}) FROM {table}{sample} WHERE {key} IS NOT NULL)) AS b ORDER BY b"))
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var bounds = new List<object>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!reader.IsDBNull(0))
                    {
                        bounds.Add(ReadKey(reader, column.Type));
                    }
                }

                // The lowest percentile would leave an (almost) empty first range; the open first range covers it.
                if (bounds.Count > 0)
                {
                    bounds.RemoveAt(0);
                }

                return ToRanges(keyColumn, bounds);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Translate(e, "splitting into key ranges", stream.Id.ToString());
        }
    }

    /// <summary>
    /// Exports a snapshot from a REPEATABLE READ READ ONLY transaction held on its own session until the handle is
    /// disposed; readers given its token see exactly that state of the database.
    /// </summary>
    public async Task<ISourceSnapshot> BeginSnapshotAsync(CancellationToken cancellationToken)
    {
        var session = await OpenSessionAsync("exporting a snapshot", cancellationToken, limited: false).ConfigureAwait(false);
        try
        {
            var transaction = await session.Connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using var command = Command(session.Connection, "SET TRANSACTION READ ONLY; " + PostgresDialect.ExportSnapshotQuery, transaction);
            var token = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return new PostgresSnapshot(session, transaction, token);
        }
        catch (Exception e)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            if (e is NpgsqlException or TimeoutException)
            {
                throw Translate(e, "exporting a snapshot", null);
            }

            throw;
        }
    }

    /// <summary>A read-only <c>REPEATABLE READ</c> transaction on the exported snapshot <paramref name="token"/>.</summary>
    private async Task<NpgsqlTransaction> BeginSnapshotReadAsync(NpgsqlConnection connection, string token, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = Command(connection, $"SET TRANSACTION SNAPSHOT {PostgresDialect.Literal(token)}; SET TRANSACTION READ ONLY", transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The COPY statement for a read and the wire type of each column.</summary>
    internal static (string Sql, NpgsqlDbType[] Wires) BuildCopyQuery(ReadRequest request, ImmutableArray<ColumnSchema> columns)
    {
        var sql = new StringBuilder("COPY (");
        var wires = AppendSelect(sql, request, columns, part: null);
        sql.Append(") TO STDOUT (FORMAT BINARY)");
        return (sql.ToString(), wires);
    }

    /// <summary>
    /// Appends the SELECT of a read and returns the wire type of each column; with <paramref name="part"/> the SELECT
    /// begins with that number as an <c>int4</c> column, saying which read of a combined statement a row belongs to.
    /// </summary>
    private static NpgsqlDbType[] AppendSelect(StringBuilder sql, ReadRequest request, ImmutableArray<ColumnSchema> columns, int? part)
    {
        sql.Append("SELECT ");
        if (part is { } number)
        {
            sql.Append(number.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" AS _nagare_part").Append(columns.IsEmpty ? "" : ", ");
        }

        var wires = new NpgsqlDbType[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var column = columns[i];
            if (column.Type.Kind == ColumnKind.Struct)
            {
                throw new ConnectorException($"Column '{column.Name}' of {request.Stream.Id}: struct cannot be read from PostgreSQL; cast it to json in the sync's column mapping ({{ cast: json }}).");
            }

            if (i > 0)
            {
                sql.Append(", ");
            }

            sql.Append(PostgresDialect.Quote(column.Name));
            (wires[i], var cast) = WireOf(request, column);
            if (cast)
            {
                sql.Append("::").Append(PostgresDialect.Instance.TypeName(column.Type));
            }
        }

        if (columns.IsEmpty && part is null)
        {
            sql.Append("NULL");
        }

        sql.Append(" FROM ");
        sql.Append(request.CustomSql is null
            ? PostgresDialect.Instance.QuoteTable(request.Stream.Id.Namespace, request.Stream.Id.Name)
            : "(" + request.CustomSql + "\n) AS _nagare_query");
        var conditions = new List<string>();
        if (!string.IsNullOrWhiteSpace(request.Filter))
        {
            conditions.Add("(" + request.Filter + "\n)");
        }

        if (request.Cursor is { After: not null } cursor)
        {
            conditions.Add($"{PostgresDialect.Quote(cursor.Column)} > {PostgresDialect.ValueLiteral(cursor.After)}");
        }

        if (request.Range is { } range)
        {
            var key = PostgresDialect.Quote(range.Column);
            if (range.From is not null)
            {
                conditions.Add($"{key} >= {PostgresDialect.ValueLiteral(range.From)}");
            }

            if (range.To is not null)
            {
                // Rows whose key is NULL belong to the first range. A key declared NOT NULL (a primary key) has none,
                // and without the OR PostgreSQL may read the range by the index instead of scanning the whole table.
                var nulls = range.From is null && request.Stream.Find(range.Column) is not { Nullable: false };
                conditions.Add(nulls
                    ? $"({key} < {PostgresDialect.ValueLiteral(range.To)} OR {key} IS NULL)"
                    : $"{key} < {PostgresDialect.ValueLiteral(range.To)}");
            }
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        if (request.Cursor is { } ordered)
        {
            sql.Append(" ORDER BY ").Append(PostgresDialect.Quote(ordered.Column));
        }

        if (request.Limit is { } limit)
        {
            sql.Append(" LIMIT ").Append(limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return wires;
    }

    /// <summary>How a read's columns arrive: each one's wire type, without writing the statement.</summary>
    internal static NpgsqlDbType[] WiresOf(ReadRequest request) => [.. request.EffectiveColumns.Select(c => WireOf(request, c).Wire)];

    /// <summary>The wire type of <paramref name="column"/> as the read selects it, and whether the SELECT casts it to get there.</summary>
    private static (NpgsqlDbType Wire, bool Cast) WireOf(ReadRequest request, ColumnSchema column)
    {
        var source = request.CustomSql is null ? request.Stream.Find(column.Name) : null;
        return source is not null && source.Type == column.Type && PostgresDialect.ReadsDirectly(source.NativeType, column.Type)
            ? (DirectWire(source.NativeType!, column.Type), false)
            : (CastWire(column.Type), true);
    }

    private static NpgsqlDbType DirectWire(string nativeType, ColumnType type)
    {
        if (type.Kind == ColumnKind.List)
        {
            return NpgsqlDbType.Array | DirectWire(nativeType[..nativeType.LastIndexOf('[')], type.Element!);
        }

        return type.Kind switch
        {
            ColumnKind.Decimal when nativeType == "money" => NpgsqlDbType.Money,
            ColumnKind.Json when nativeType == "json" => NpgsqlDbType.Json,
            _ => CastWire(type),
        };
    }

    /// <summary>The wire type of a value cast to <see cref="PostgresDialect.TypeName"/> of <paramref name="type"/>.</summary>
    internal static NpgsqlDbType CastWire(ColumnType type) => type.Kind switch
    {
        ColumnKind.Boolean => NpgsqlDbType.Boolean,
        ColumnKind.Int8 or ColumnKind.Int16 or ColumnKind.UInt8 => NpgsqlDbType.Smallint,
        ColumnKind.Int32 or ColumnKind.UInt16 => NpgsqlDbType.Integer,
        ColumnKind.Int64 or ColumnKind.UInt32 => NpgsqlDbType.Bigint,
        ColumnKind.UInt64 or ColumnKind.Decimal => NpgsqlDbType.Numeric,
        ColumnKind.Float32 => NpgsqlDbType.Real,
        ColumnKind.Float64 => NpgsqlDbType.Double,
        ColumnKind.String => NpgsqlDbType.Text,
        ColumnKind.Bytes => NpgsqlDbType.Bytea,
        ColumnKind.Date => NpgsqlDbType.Date,
        ColumnKind.Time => NpgsqlDbType.Time,
        ColumnKind.Timestamp => NpgsqlDbType.Timestamp,
        ColumnKind.TimestampTz => NpgsqlDbType.TimestampTz,
        ColumnKind.Interval => NpgsqlDbType.Interval,
        ColumnKind.Uuid => NpgsqlDbType.Uuid,
        ColumnKind.Json or ColumnKind.Struct => NpgsqlDbType.Jsonb,
        ColumnKind.List when type.Element!.Kind is ColumnKind.List or ColumnKind.Struct => NpgsqlDbType.Jsonb,
        ColumnKind.List => NpgsqlDbType.Array | CastWire(type.Element!),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column kind."),
    };

    private static object ReadKey(NpgsqlDataReader reader, ColumnType type) => type.Kind switch
    {
        ColumnKind.Date => reader.GetFieldValue<DateOnly>(0),
        ColumnKind.Timestamp => reader.GetFieldValue<DateTime>(0),
        ColumnKind.TimestampTz => reader.GetFieldValue<DateTimeOffset>(0),
        ColumnKind.Uuid => reader.GetFieldValue<Guid>(0),
        ColumnKind.Decimal => DecimalValue.FromDecimal(reader.GetFieldValue<decimal>(0)),
        ColumnKind.Float32 => reader.GetFieldValue<float>(0),
        ColumnKind.Float64 => reader.GetFieldValue<double>(0),
        ColumnKind.Time => reader.GetFieldValue<TimeOnly>(0),
        _ => reader.GetValue(0),
    };

    private static Int128 ToInt128(object value) => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);

    private static object FromInt64(long value, ColumnKind kind) => kind switch
    {
        ColumnKind.Int16 => (short)value,
        ColumnKind.Int32 => (int)value,
        _ => value,
    };

    private static List<KeyRange> ToRanges(string column, List<object> bounds)
    {
        var ranges = new List<KeyRange>(bounds.Count + 1);
        object? from = null;
        foreach (var bound in bounds)
        {
            ranges.Add(new KeyRange(column, from, bound, ranges.Count));
            from = bound;
        }

        ranges.Add(new KeyRange(column, from, null, ranges.Count));
        return ranges;
    }

    private static async ValueTask DisposeQuietlyAsync(Stream copy)
    {
        try
        {
            await copy.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            // The read already failed or was abandoned; the session is discarded by the pool if it broke.
        }
    }

    /// <summary>Decodes the next batch, reporting driver and network errors as connector errors.</summary>
    private async Task<int> FillAsync(PostgresCopyReader reader, int capacity, PostgresColumnReader[] readers, string stream, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.FillAsync(capacity, readers, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
        {
            throw Translate(e, "reading", stream);
        }
    }
}
