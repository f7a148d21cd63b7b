using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Nagare.Core.Batches;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.DuckDb;
using Nagare.DuckDb.Native;

namespace Nagare.Connectors.Common;

/// <summary>
/// Turns a <see cref="DuckDbDataReader"/> result into <see cref="ColumnBatch"/>es: result column i fills batch
/// column i through the reader's typed getter for the column's canonical kind (no boxing for scalar kinds).
/// The result's types should already be the canonical ones (cast in SQL, see <see cref="DuckDbTypeMapping.NeedsCast"/>);
/// numeric getters also widen compatible types.
/// </summary>
public sealed class DuckDbBatchReader
{
    private readonly DuckDbDataReader _reader;
    private readonly ImmutableArray<ColumnSchema> _columns;
    private ColumnBatch? _boundBatch;
    private ColumnFiller[] _fillers = [];

    /// <summary>Reads <paramref name="reader"/>'s current result, whose columns are <paramref name="columns"/> in order.</summary>
    public DuckDbBatchReader(DuckDbDataReader reader, ImmutableArray<ColumnSchema> columns)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.FieldCount != columns.Length)
        {
            throw new ArgumentException($"The query returns {reader.FieldCount} columns but {columns.Length} were expected ({string.Join(", ", columns.Select(c => c.Name))}).", nameof(columns));
        }

        _reader = reader;
        _columns = columns;
    }

    /// <summary>Rows read so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>
    /// Refills <paramref name="batch"/> (reset first) with up to <see cref="ColumnBatch.Capacity"/> rows.
    /// Returns false when the result had no more rows (the batch is then empty).
    /// </summary>
    public bool Fill(ColumnBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!ReferenceEquals(batch, _boundBatch))
        {
            _fillers = [.. batch.Columns.Select((v, i) => ColumnFiller.Create(v, i, _reader.GetDuckDbType(i)))];
            _boundBatch = batch;
        }

        batch.Reset();
        var reader = _reader;
        var fillers = _fillers;
        foreach (var filler in fillers)
        {
            filler.Begin();
        }

        var row = 0;
        var capacity = batch.Capacity;
        while (row < capacity && reader.Read())
        {
            for (var c = 0; c < fillers.Length; c++)
            {
                fillers[c].Fill(reader, row);
            }

            row++;
        }

        batch.RowCount = row;
        batch.FirstRowNumber = RowsRead + 1;
        RowsRead += row;
        return row > 0;
    }

    /// <summary>Reads the whole result as batches of <paramref name="batchSize"/> rows, reusing one batch.</summary>
    public async IAsyncEnumerable<ColumnBatch> ReadAllAsync(int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var batch = new ColumnBatch(_columns, batchSize);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Fill(batch))
            {
                yield break;
            }

            yield return batch;
            await Task.CompletedTask.ConfigureAwait(false);
        }
    }

    /// <summary>Converts a value the DuckDB reader returns for a nested column into the canonical .NET form.</summary>
    internal static object? Canonical(object? value) => value switch
    {
        null or DBNull => null,
        DuckDbInterval i => new Interval(i.Months, i.Days, i.Micros),
        decimal m => DecimalValue.FromDecimal(m),
        DuckDbDecimal d => new DecimalValue(d.Unscaled, d.Scale),
        string or byte[] => value,
        IDictionary<string, object?> fields => fields.ToDictionary(f => f.Key, f => Canonical(f.Value)),
        IList list => ToArray(list),
        _ => value,
    };

    /// <summary>A DECIMAL (or integer) at the column's scale, exactly; a value that does not fit fails naming it.</summary>
    private static Int128 Unscaled(DuckDbDataReader reader, int ordinal, ColumnType type)
    {
        var value = reader.GetDuckDbDecimal(ordinal);
        if (UnscaledDecimal.TryRescale(value.Unscaled, value.Scale, type.Scale, out var unscaled) && UnscaledDecimal.FitsPrecision(unscaled, type.Precision))
        {
            return unscaled;
        }

        throw new OverflowException($"Column '{reader.GetName(ordinal)}' holds {value}, which does not fit {type}.");
    }

    private static object?[] ToArray(IList list)
    {
        var array = new object?[list.Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = Canonical(list[i]);
        }

        return array;
    }

    private abstract class ColumnFiller
    {
        public abstract void Fill(DuckDbDataReader reader, int row);

        /// <summary>Called before the first row of every batch.</summary>
        public virtual void Begin()
        {
        }

        public static ColumnFiller Create(ColumnVector vector, int ordinal, DuckDbType type) => vector switch
        {
            ColumnVector<string?> v when type == DuckDbType.Varchar => new Utf8Text(v, ordinal),
            ColumnVector<bool> v => new Typed<bool>(v, ordinal, static (r, o) => r.GetBoolean(o)),
            ColumnVector<sbyte> v => new Typed<sbyte>(v, ordinal, static (r, o) => r.GetSByte(o)),
            ColumnVector<short> v => new Typed<short>(v, ordinal, static (r, o) => r.GetInt16(o)),
            ColumnVector<int> v => new Typed<int>(v, ordinal, static (r, o) => r.GetInt32(o)),
            ColumnVector<long> v => new Typed<long>(v, ordinal, static (r, o) => r.GetInt64(o)),
            ColumnVector<byte> v => new Typed<byte>(v, ordinal, static (r, o) => r.GetByte(o)),
            ColumnVector<ushort> v => new Typed<ushort>(v, ordinal, static (r, o) => r.GetUInt16(o)),
            ColumnVector<uint> v => new Typed<uint>(v, ordinal, static (r, o) => r.GetUInt32(o)),
            ColumnVector<ulong> v => new Typed<ulong>(v, ordinal, static (r, o) => r.GetUInt64(o)),
            ColumnVector<float> v => new Typed<float>(v, ordinal, static (r, o) => r.GetFloat(o)),
            ColumnVector<double> v => new Typed<double>(v, ordinal, static (r, o) => r.GetDouble(o)),
            ColumnVector<Int128> v => new Typed<Int128>(v, ordinal, (r, o) => Unscaled(r, o, v.Type)),
            ColumnVector<string?> v => new Typed<string?>(v, ordinal, static (r, o) => r.GetString(o)),
            ColumnVector<byte[]?> v => new Typed<byte[]?>(v, ordinal, static (r, o) => r.GetFieldValue<byte[]>(o)),
            ColumnVector<DateOnly> v => new Typed<DateOnly>(v, ordinal, static (r, o) => r.GetDateOnly(o)),
            ColumnVector<TimeOnly> v => new Typed<TimeOnly>(v, ordinal, static (r, o) => r.GetTimeOnly(o)),
            ColumnVector<DateTime> v => new Typed<DateTime>(v, ordinal, static (r, o) => DateTime.SpecifyKind(r.GetDateTime(o), DateTimeKind.Unspecified)),
            ColumnVector<DateTimeOffset> v => new Typed<DateTimeOffset>(v, ordinal, static (r, o) => r.GetDateTimeOffset(o)),
            ColumnVector<Guid> v => new Typed<Guid>(v, ordinal, static (r, o) => r.GetGuid(o)),
            ColumnVector<Interval> v => new Typed<Interval>(v, ordinal, static (r, o) =>
            {
                var i = r.GetInterval(o);
                return new Interval(i.Months, i.Days, i.Micros);
            }),
            ColumnVector<object?[]?> v => new Typed<object?[]?>(v, ordinal, static (r, o) => ToArray((IList)r.GetValue(o))),
            ColumnVector<IReadOnlyDictionary<string, object?>?> v => new Typed<IReadOnlyDictionary<string, object?>?>(v, ordinal, static (r, o) =>
                (IReadOnlyDictionary<string, object?>?)Canonical(r.GetValue(o))),
            _ => throw new ArgumentException($"Unsupported vector {vector.GetType().Name} of type {vector.Type}.", nameof(vector)),
        };
    }

    /// <summary>VARCHAR values stay UTF-8 (see <see cref="Utf8Values"/>): no .NET string unless a consumer asks.</summary>
    private sealed class Utf8Text(ColumnVector<string?> vector, int ordinal) : ColumnFiller
    {
        private readonly bool[] _nulls = vector.Nulls;
        private Utf8Values? _utf8;

        public override void Begin() => _utf8 = vector.BeginUtf8();

        public override void Fill(DuckDbDataReader reader, int row)
        {
            var utf8 = _utf8!;
            if (reader.IsDBNull(ordinal))
            {
                utf8.SetEmpty(row);
                _nulls[row] = true;
            }
            else
            {
                utf8.Set(row, reader.GetRawBytes(ordinal));
            }
        }
    }

    private sealed class Typed<T>(ColumnVector<T> vector, int ordinal, Func<DuckDbDataReader, int, T> get) : ColumnFiller
    {
        private readonly T[] _values = vector.Values;
        private readonly bool[] _nulls = vector.Nulls;

        public override void Fill(DuckDbDataReader reader, int row)
        {
            if (reader.IsDBNull(ordinal))
            {
                _values[row] = default!;
                _nulls[row] = true;
            }
            else
            {
                _values[row] = get(reader, ordinal);
            }
        }
    }
}
