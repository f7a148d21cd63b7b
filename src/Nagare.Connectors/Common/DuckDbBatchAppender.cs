using System.Collections;
using System.Collections.Immutable;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.DuckDb;
using Nagare.DuckDb.Appending;
using Nagare.DuckDb.Native;

namespace Nagare.Connectors.Common;

/// <summary>
/// Appends <see cref="ColumnBatch"/>es to a DuckDB table through the appender, column by column in
/// DuckDB-sized chunks (2048 rows): typed spans for scalar kinds (no boxing), NULL masks, and element
/// writers for lists and structs. <see cref="CopyRows"/> fills any <see cref="DuckDbChunkWriter"/> (an appender's
/// chunk or a table function's output) from a batch, for callers that drive DuckDB themselves.
/// </summary>
/// <remarks>
/// Errors (a value the column cannot hold, a constraint violation on flush) surface as
/// <see cref="ConnectorException"/> naming the table and the column.
/// </remarks>
public sealed class DuckDbBatchAppender : IDisposable
{
    private readonly DuckDbAppender _appender;
    private readonly bool _ownsAppender;
    private readonly string _table;

    /// <summary>Creates an appender for <paramref name="columns"/> (by name, in batch order) of <paramref name="schema"/>.<paramref name="table"/>.</summary>
    /// <exception cref="ConnectorException">The table or a column does not exist.</exception>
    public DuckDbBatchAppender(DuckDbConnection connection, string? schema, string table, ImmutableArray<ColumnSchema> columns)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _table = schema is null ? table : schema + "." + table;
        try
        {
            _appender = connection.CreateAppender(schema, table, [.. columns.Select(c => c.Name)]);
        }
        catch (DuckDbException e)
        {
            throw new ConnectorException($"Cannot write to table {_table}: {e.Message}", e) { Stream = _table };
        }

        _ownsAppender = true;
    }

    /// <summary>Wraps an existing appender whose columns are <paramref name="columns"/>, in order; the caller keeps ownership of it.</summary>
    public DuckDbBatchAppender(DuckDbAppender appender, ImmutableArray<ColumnSchema> columns)
    {
        ArgumentNullException.ThrowIfNull(appender);
        _appender = appender;
        _table = appender.Table;
    }

    /// <summary>Rows handed to DuckDB so far.</summary>
    public long RowsAppended { get; private set; }

    /// <summary>Appends every row of <paramref name="batch"/>; the batch can be reused when this returns.</summary>
    /// <exception cref="ConnectorException">A value does not fit its column; nothing of this appender should be committed.</exception>
    public void Append(ColumnBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var chunk = _appender.Chunk;
        var capacity = chunk.Capacity;
        for (var first = 0; first < batch.RowCount; first += capacity)
        {
            var count = Math.Min(capacity, batch.RowCount - first);
            CopyRows(batch, first, count, chunk, _table);
            try
            {
                _appender.AppendChunk();
            }
            catch (DuckDbException e)
            {
                throw Failure(batch, null, e);
            }

            RowsAppended += count;
        }
    }

    /// <summary>Writes everything appended so far to the table.</summary>
    /// <exception cref="ConnectorException">DuckDB rejected the rows (e.g. a constraint).</exception>
    public void Flush()
    {
        try
        {
            _appender.Flush();
        }
        catch (DuckDbException e)
        {
            throw new ConnectorException($"Cannot write rows to table {_table}: {e.Message}", e) { Stream = _table };
        }
    }

    /// <summary>Flushes and closes the appender.</summary>
    /// <exception cref="ConnectorException">DuckDB rejected the rows.</exception>
    public void Close()
    {
        try
        {
            _appender.Close();
        }
        catch (DuckDbException e)
        {
            throw new ConnectorException($"Cannot write rows to table {_table}: {e.Message}", e) { Stream = _table };
        }
    }

    public void Dispose()
    {
        if (_ownsAppender)
        {
            _appender.Dispose();
        }
    }

    /// <summary>
    /// Fills <paramref name="chunk"/> with rows <paramref name="firstRow"/>..+<paramref name="count"/> of
    /// <paramref name="batch"/> (at most <see cref="DuckDbChunkWriter.Capacity"/>) and sets its size. The chunk's
    /// columns must be the batch's columns, in order.
    /// </summary>
    /// <param name="batch">Source rows.</param>
    /// <param name="firstRow">First batch row to copy.</param>
    /// <param name="count">Rows to copy.</param>
    /// <param name="chunk">Target chunk (empty).</param>
    /// <param name="target">What the chunk is written to, for error messages.</param>
    /// <exception cref="ConnectorException">A value does not fit its column.</exception>
    public static void CopyRows(ColumnBatch batch, int firstRow, int count, DuckDbChunkWriter chunk, string target)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(chunk);
        if (batch.Columns.Length > chunk.ColumnCount)
        {
            throw new ArgumentException($"The batch has {batch.Columns.Length} columns but {target} takes {chunk.ColumnCount}.", nameof(batch));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, chunk.Capacity);
        for (var c = 0; c < batch.Columns.Length; c++)
        {
            try
            {
                WriteColumn(batch.Columns[c], firstRow, count, chunk.Column(c));
            }
            catch (Exception e) when (e is DuckDbException or OverflowException or InvalidCastException or ArgumentException)
            {
                throw ColumnFailure(batch, c, firstRow, count, target, e);
            }
        }

        chunk.Size = count;
    }

    private static void WriteColumn(ColumnVector vector, int first, int count, DuckDbVectorWriter writer)
    {
        switch (vector)
        {
            case ColumnVector<bool> v: writer.Write<bool>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<sbyte> v: writer.Write<sbyte>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<short> v: writer.Write<short>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<int> v: writer.Write<int>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<long> v: writer.Write<long>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<byte> v: writer.Write<byte>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<ushort> v: writer.Write<ushort>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<uint> v: writer.Write<uint>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<ulong> v: writer.Write<ulong>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<float> v: writer.Write<float>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<double> v: writer.Write<double>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<Int128> v: WriteDecimals(writer, v, first, count); break;
            case ColumnVector<string?> { Utf8: { } utf8 } v when writer.Type.Type == DuckDbType.Varchar:
                writer.WriteUtf8(utf8.Bytes, utf8.Starts.Slice(first, count), utf8.Lengths.Slice(first, count), v.Nulls.AsSpan(first, count));
                break;
            case ColumnVector<string?> v: writer.Write<string?>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<byte[]?> v: writer.Write<byte[]?>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<DateOnly> v: WriteValid(writer, v, first, count); break;
            case ColumnVector<TimeOnly> v: writer.Write<TimeOnly>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<DateTime> v: WriteValid(writer, v, first, count); break;
            case ColumnVector<DateTimeOffset> v: WriteValid(writer, v, first, count); break;
            case ColumnVector<Guid> v: writer.Write<Guid>(v.Values.AsSpan(first, count)); break;
            case ColumnVector<Interval> v: WriteIntervals(writer, v.Values.AsSpan(first, count)); break;
            case ColumnVector<object?[]?> v:
                for (var i = 0; i < count; i++)
                {
                    if (!v.Nulls[first + i])
                    {
                        SetValue(writer, i, v.Values[first + i]);
                    }
                }

                break;
            case ColumnVector<IReadOnlyDictionary<string, object?>?> v:
                for (var i = 0; i < count; i++)
                {
                    if (!v.Nulls[first + i])
                    {
                        SetValue(writer, i, v.Values[first + i]);
                    }
                }

                break;
            default:
                throw new ArgumentException($"Unsupported vector {vector.GetType().Name} of type {vector.Type}.", nameof(vector));
        }

        var nulls = vector.Nulls.AsSpan(first, count);
        var offset = 0;
        while (true)
        {
            var next = nulls[offset..].IndexOf(true);
            if (next < 0)
            {
                break;
            }

            writer.SetNull(offset + next);
            offset += next + 1;
        }
    }

    /// <summary>
    /// Writes a vector whose NULL slots may hold values DuckDB rejects (a default decimal or date is fine, but
    /// a caller's stale value may be out of range): valid runs go in bulk, NULL slots are skipped.
    /// </summary>
    private static void WriteValid<T>(DuckDbVectorWriter writer, ColumnVector<T> vector, int first, int count)
    {
        var values = vector.Values.AsSpan(first, count);
        foreach (var (start, end) in new ValidRuns(vector.Nulls.AsSpan(first, count)))
        {
            writer.Write<T>(values[start..end], start);
        }
    }

    /// <summary>Decimals go in as unscaled integers, in valid runs (a NULL slot may hold a stale, too-wide value).</summary>
    private static void WriteDecimals(DuckDbVectorWriter writer, ColumnVector<Int128> vector, int first, int count)
    {
        var values = vector.Values.AsSpan(first, count);
        foreach (var (start, end) in new ValidRuns(vector.Nulls.AsSpan(first, count)))
        {
            writer.WriteUnscaledDecimals(values[start..end], vector.Type.Scale, start);
        }
    }

    /// <summary>The runs of non-NULL rows of a NULL mask, as [start, end) pairs, without allocating.</summary>
    private ref struct ValidRuns(ReadOnlySpan<bool> nulls)
    {
        private readonly ReadOnlySpan<bool> _nulls = nulls;
        private int _next;

        public (int Start, int End) Current { get; private set; }

        public readonly ValidRuns GetEnumerator() => this;

        public bool MoveNext()
        {
            while (_next < _nulls.Length)
            {
                var start = _next;
                var nullAt = _nulls[start..].IndexOf(true);
                var end = nullAt < 0 ? _nulls.Length : start + nullAt;
                _next = end + 1;
                if (end > start)
                {
                    Current = (start, end);
                    return true;
                }
            }

            return false;
        }
    }

    private static void WriteIntervals(DuckDbVectorWriter writer, ReadOnlySpan<Interval> values)
    {
        var target = writer.GetData<DuckDbInterval>();
        for (var i = 0; i < values.Length; i++)
        {
            target[i] = new DuckDbInterval(values[i].Months, values[i].Days, values[i].Microseconds);
        }
    }

    private static void SetValue(DuckDbVectorWriter writer, int row, object? value)
    {
        switch (value)
        {
            case null:
                writer.SetNull(row);
                break;
            case Interval interval:
                writer.GetData<DuckDbInterval>()[row] = new DuckDbInterval(interval.Months, interval.Days, interval.Microseconds);
                break;
            case DecimalValue number:
                writer.SetValue(row, new DuckDbDecimal(number.Unscaled, (byte)number.Scale));
                break;
            case IReadOnlyDictionary<string, object?> fields when writer.Type.Type == DuckDbType.Struct:
                for (var f = 0; f < writer.Type.Fields.Count; f++)
                {
                    fields.TryGetValue(writer.Type.Fields[f].Key, out var fieldValue);
                    SetValue(writer.Field(f), row, fieldValue);
                }

                break;
            case IList items when value is not byte[] && writer.Type.Type is DuckDbType.List:
            {
                var offset = writer.AppendListEntry(row, items.Count);
                for (var i = 0; i < items.Count; i++)
                {
                    SetValue(writer.Elements, offset + i, items[i]);
                }

                break;
            }

            default:
                writer.SetValue(row, value);
                break;
        }
    }

    private static ConnectorException ColumnFailure(ColumnBatch batch, int column, int firstRow, int count, string target, Exception e)
    {
        var name = batch.Schema.Length > column ? batch.Schema[column].Name : column.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var type = batch.Columns[column].Type;
        var where = batch.Origin is null ? "" : $" (from {batch.Origin})";
        var rows = batch.FirstRowNumber > 0
            ? $" in rows {batch.FirstRowNumber + firstRow}..{batch.FirstRowNumber + firstRow + count - 1}"
            : "";
        return new ConnectorException($"Cannot write column \"{name}\" ({type}) of {target}{rows}{where}: {e.Message}", e) { Stream = target };
    }

    private ConnectorException Failure(ColumnBatch batch, int? column, DuckDbException e) =>
        column is { } c
            ? ColumnFailure(batch, c, 0, batch.RowCount, _table, e)
            : new ConnectorException($"Cannot write rows to table {_table}: {e.Message}", e) { Stream = _table };
}
