using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using MySqlConnector;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.MySql;

public sealed partial class MySqlServerConnection
{
    /// <summary>
    /// Reads with one SELECT (projection, filter, cursor, key range and limit in it) whose rows the driver streams:
    /// a batch is filled from the network as it arrives, so a table of any size never sits in memory. With a snapshot
    /// token the read runs on the snapshot's session (see <see cref="BeginSnapshotAsync"/>).
    /// </summary>
    public async IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var columns = request.EffectiveColumns;
        var stream = request.Stream.Id.ToString();
        var readers = columns.Select(c => MySqlColumnReader.Create(c, request.CustomSql is null ? request.Stream.Find(c.Name)?.NativeType : null, Options)).ToArray();

        // With zero_dates: error the message names the row's key, so key columns the projection lacks are read too.
        var keys = request.CustomSql is null && Options.ZeroDates == MySqlZeroDates.Error ? request.Stream.PrimaryKey : [];
        var extra = keys.Where(k => !columns.Any(c => c.Name == k)).ToImmutableArray();
        var names = columns.Select(c => c.Name).Concat(extra).ToList();
        var keyOrdinals = keys.Select(k => names.IndexOf(k)).ToArray();

        MySqlSnapshot? snapshot = null;
        if (request.Snapshot is { } token && !_snapshots.TryGetValue(token, out snapshot))
        {
            throw new ConnectorException($"Snapshot '{token}' of connection {Name} has ended or never existed; {stream} cannot be read in it.") { Connection = Name, Stream = stream };
        }

        MySqlSession? own = null;
        if (snapshot is not null)
        {
            await snapshot.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The session's settings travel with the SELECT: a sync of thousands of small tables pays one round trip
            // per table fewer.
            own = await OpenSessionAsync($"reading {stream}", cancellationToken, settingsSent: false).ConfigureAwait(false);
        }

        MySqlCommand? command = null;
        MySqlDataReader? reader = null;
        var finished = false;
        try
        {
            command = Command(null, (snapshot?.Session ?? own!).Connection);
            command.CommandText = (own is null ? "" : SessionSetup + ";\n") + SelectSql(request, columns, extra, command);
            try
            {
                reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException e)
            {
                throw Translate(e, "reading", stream);
            }

            var capacity = request.Limit is { } limit ? Math.Clamp(limit, 1, request.BatchSize) : request.BatchSize;
            if (request.Stream.EstimatedRows is { } estimate && estimate < capacity / 4)
            {
                // A sync of thousands of small tables would otherwise allocate a full batch per table.
                capacity = (int)Math.Max(64, (estimate * 2) + 16);
            }

            var batch = new ColumnBatch(columns, capacity) { Origin = stream };
            long rowNumber = 0;
            while (true)
            {
                batch.Reset();
                batch.FirstRowNumber = rowNumber + 1;
                var rows = await FillAsync(reader, batch, readers, keys, keyOrdinals, request, rowNumber, cancellationToken).ConfigureAwait(false);
                if (rows == 0)
                {
                    finished = true;
                    break;
                }

                batch.RowCount = rows;
                rowNumber += rows;
                yield return batch;
            }
        }
        finally
        {
            if (reader is not null)
            {
                if (!finished)
                {
                    // Disposing a reader reads the rest of the result; a consumer that stopped early must not pay for the table.
                    await CancelQuietlyAsync(command!).ConfigureAwait(false);
                }

                await DisposeQuietlyAsync(reader).ConfigureAwait(false);
            }

            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            if (snapshot is not null)
            {
                snapshot.Gate.Release();
            }
            else if (own is not null)
            {
                await own.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Splits on an integer <paramref name="keyColumn"/> evenly between its minimum and maximum (one index lookup each);
    /// other keys are read whole. Rows whose key is NULL belong to the first range.
    /// </summary>
    public async Task<IReadOnlyList<KeyRange>> SplitAsync(StreamSchema stream, string keyColumn, int chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(keyColumn);
        var column = stream.Find(keyColumn) ?? throw new ConnectorException($"{stream.Id} has no column '{keyColumn}' to split on.") { Connection = Name, Stream = stream.Id.ToString() };
        KeyRange[] whole = [new KeyRange(keyColumn, null, null, 0)];
        if (chunks <= 1 || !column.Type.IsInteger)
        {
            return whole;
        }

        var key = MySqlDialect.Quote(keyColumn);
        await using var session = await OpenSessionAsync($"splitting {stream.Id}", cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = Command($"SELECT CAST(MIN({key}) AS CHAR), CAST(MAX({key}) AS CHAR) FROM {Table(stream.Id)}", session.Connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.IsDBNull(0))
            {
                return whole;
            }

            var min = Int128.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
            var max = Int128.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
            var span = max - min + 1;
            var ranges = new List<KeyRange>();
            object? from = null;
            var last = min;
            for (var i = 1; i < chunks; i++)
            {
                var bound = min + (span * i / chunks);
                if (bound > last)
                {
                    var value = FromInt128(bound, column.Type.Kind);
                    ranges.Add(new KeyRange(keyColumn, from, value, ranges.Count));
                    from = value;
                    last = bound;
                }
            }

            ranges.Add(new KeyRange(keyColumn, from, null, ranges.Count));
            return ranges;
        }
        catch (MySqlException e)
        {
            throw Translate(e, "splitting into key ranges", stream.Id.ToString());
        }
    }

    /// <summary>
    /// Opens a session in <c>START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY</c> at REPEATABLE READ and keeps it until
    /// the handle is disposed. Every read given its token sees the database as it was at that moment, whichever tables
    /// it reads; MySQL cannot share a snapshot between sessions, so those reads take turns on the one session.
    /// </summary>
    public async Task<ISourceSnapshot> BeginSnapshotAsync(CancellationToken cancellationToken)
    {
        var session = await OpenSessionAsync("starting a snapshot", cancellationToken, limited: false).ConfigureAwait(false);
        try
        {
            await using var command = Command(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", session.Connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            var token = Guid.NewGuid().ToString("N");
            var snapshot = new MySqlSnapshot(session, token, t => _snapshots.TryRemove(t, out _));
            _snapshots[token] = snapshot;
            return snapshot;
        }
        catch (Exception e)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            if (e is MySqlException)
            {
                throw Translate(e, "starting a snapshot", null);
            }

            throw;
        }
    }

    /// <summary><c>`database`.`table`</c>, the connection's database when the stream names none.</summary>
    internal string Table(StreamId id) => MySqlDialect.Instance.QuoteTable(id.Namespace ?? Options.Database, id.Name);

    /// <summary>
    /// The SELECT of a read. With <paramref name="part"/> it begins with that number as a column, saying which read of
    /// a combined statement a row belongs to, and its parameters carry the number in their names.
    /// </summary>
    private string SelectSql(ReadRequest request, ImmutableArray<ColumnSchema> columns, ImmutableArray<string> extra, MySqlCommand command, int? part = null)
    {
        var sql = new StringBuilder("SELECT ");
        var suffix = part?.ToString(CultureInfo.InvariantCulture) ?? "";
        if (part is not null)
        {
            sql.Append(suffix).Append(" AS _nagare_part").Append(columns.IsEmpty && extra.IsEmpty ? "" : ", ");
        }

        sql.AppendJoin(", ", columns.Select(c => Selected(c, request)).Concat(extra.Select(MySqlDialect.Quote)));
        if (columns.IsEmpty && extra.IsEmpty && part is null)
        {
            sql.Append("NULL");
        }

        sql.Append(" FROM ");
        sql.Append(request.CustomSql is { } custom ? "(" + custom + "\n) AS _nagare_query" : Table(request.Stream.Id));
        var conditions = new List<string>();
        if (!string.IsNullOrWhiteSpace(request.Filter))
        {
            conditions.Add("(" + request.Filter + "\n)");
        }

        if (request.Cursor is { After: { } after } cursor)
        {
            conditions.Add($"{MySqlDialect.Quote(cursor.Column)} > {Parameter(command, "@cursor" + suffix, after, request.Stream.Find(cursor.Column))}");
        }

        if (request.Range is { } range)
        {
            var key = MySqlDialect.Quote(range.Column);
            var column = request.Stream.Find(range.Column);
            if (range.From is { } low)
            {
                conditions.Add($"{key} >= {Parameter(command, "@from" + suffix, low, column)}");
            }

            if (range.To is { } high)
            {
                var to = Parameter(command, "@to" + suffix, high, column);
                conditions.Add(range.From is null ? $"({key} < {to} OR {key} IS NULL)" : $"{key} < {to}");
            }
        }

        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions);
        }

        if (request.Cursor is { } ordered)
        {
            sql.Append(" ORDER BY ").Append(MySqlDialect.Quote(ordered.Column));
        }

        if (request.Limit is { } limit)
        {
            sql.Append(" LIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture));
        }

        return sql.ToString();
    }

    /// <summary>
    /// A column as selected. FLOAT is sent as a double: the text protocol prints a FLOAT with six digits
    /// (3.40282e38), a double with all it needs, so the float read back is the one stored.
    /// </summary>
    private static string Selected(ColumnSchema column, ReadRequest request)
    {
        var quoted = MySqlDialect.Quote(column.Name);
        var native = request.CustomSql is null ? request.Stream.Find(column.Name)?.NativeType : null;
        return native is not null && native.StartsWith("float", StringComparison.OrdinalIgnoreCase) ? $"({quoted} + 0E0) AS {quoted}" : quoted;
    }

    /// <summary>Adds a cursor or key value as a parameter in the form its column compares with; returns the SQL that refers to it.</summary>
    private string Parameter(MySqlCommand command, string name, object value, ColumnSchema? column)
    {
        var native = column?.NativeType ?? string.Empty;
        switch (value)
        {
            case DecimalValue exact:
                // A text compared with a DECIMAL would compare as a double; cast it so the comparison is exact.
                command.Parameters.AddWithValue(name, exact.ToString());
                return $"CAST({name} AS DECIMAL(65,30))";
            case DateTimeOffset instant:
                var utc = instant.UtcDateTime;
                var local = native.StartsWith("datetime", StringComparison.OrdinalIgnoreCase) && Options.SourceTimeZone is { } zone
                    ? TimeZoneInfo.ConvertTimeFromUtc(utc, zone)
                    : utc;
                command.Parameters.AddWithValue(name, DateTime.SpecifyKind(local, DateTimeKind.Unspecified));
                return name;
            case DateOnly date:
                command.Parameters.AddWithValue(name, date.ToDateTime(TimeOnly.MinValue));
                return name;
            case TimeOnly time:
                command.Parameters.AddWithValue(name, time.ToTimeSpan());
                return name;
            case Interval interval:
                command.Parameters.AddWithValue(name, TimeSpan.FromTicks(interval.Microseconds * TimeSpan.TicksPerMicrosecond));
                return name;
            case Guid guid:
                command.Parameters.AddWithValue(name, guid.ToString("D"));
                return name;
            default:
                command.Parameters.AddWithValue(name, value);
                return name;
        }
    }

    private async Task<int> FillAsync(
        MySqlDataReader reader, ColumnBatch batch, MySqlColumnReader[] readers, ImmutableArray<string> keys, int[] keyOrdinals,
        ReadRequest request, long rowsBefore, CancellationToken cancellationToken)
    {
        var row = 0;
        try
        {
            while (row < batch.Capacity && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                for (var c = 0; c < readers.Length; c++)
                {
                    bool read;
                    try
                    {
                        read = readers[c].Read(reader, c, batch.Columns[c], row);
                    }
                    catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException)
                    {
                        throw new ConnectorException(
                            $"Cannot read column '{batch.Schema[c].Name}' of {request.Stream.Id} row {rowsBefore + row + 1} as {batch.Schema[c].Type}: {e.Message}", e)
                        {
                            Connection = Name,
                            Stream = request.Stream.Id.ToString(),
                        };
                    }

                    if (!read)
                    {
                        var key = keys.IsEmpty
                            ? $"row {rowsBefore + row + 1} (the table has no primary key)"
                            : "key " + string.Join(", ", keys.Select((k, i) => $"{k}={MySqlColumnReader.KeyText(reader.GetValue(keyOrdinals[i]))}"));
                        throw new ConnectorException(
                            $"Table {request.Stream.Id} of connection {Name}: column '{batch.Schema[c].Name}' holds the date '{reader.GetMySqlDateTime(c)}', which no calendar has, at {key}.")
                        {
                            Connection = Name,
                            Stream = request.Stream.Id.ToString(),
                            Hint = "Set zero_dates: null on the connection to read such dates as NULL, or fix the rows at the source.",
                        };
                    }
                }

                row++;
            }
        }
        catch (MySqlException e)
        {
            throw Translate(e, "reading", request.Stream.Id.ToString());
        }

        return row;
    }

    private static object FromInt128(Int128 value, ColumnKind kind) => kind switch
    {
        ColumnKind.Int8 => (sbyte)value,
        ColumnKind.Int16 => (short)value,
        ColumnKind.Int32 => (int)value,
        ColumnKind.UInt8 => (byte)value,
        ColumnKind.UInt16 => (ushort)value,
        ColumnKind.UInt32 => (uint)value,
        ColumnKind.UInt64 => (ulong)value,
        _ => (long)value,
    };

    private static async Task CancelQuietlyAsync(MySqlCommand command)
    {
        try
        {
            // Cancel sends KILL QUERY on a separate session and waits for it.
            await Task.Run(command.Cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException)
        {
            // The read is being abandoned; disposing the reader below drains what is left.
        }
    }

    private static async Task DisposeQuietlyAsync(MySqlDataReader reader)
    {
        try
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException)
        {
            // A cancelled or broken read: the session is reset or discarded by the pool.
        }
    }
}
