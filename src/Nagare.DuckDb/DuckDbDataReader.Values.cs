using System.Numerics;
using System.Runtime.CompilerServices;
using Nagare.DuckDb.Native;
using Nagare.DuckDb.Reading;

namespace Nagare.DuckDb;

// Per-value reads: one bounds check, one validity test, then the column reader (a virtual call,
// or none for the most common types). Nothing here allocates except strings, blobs and nested values.
public sealed unsafe partial class DuckDbDataReader
{
    public override bool IsDBNull(int ordinal)
    {
        var column = Column(ordinal);
        return !column.IsValid(CurrentRow());
    }

    public override Task<bool> IsDBNullAsync(int ordinal, CancellationToken cancellationToken) =>
        IsDBNull(ordinal) ? TrueTask : FalseTask;

    public override object GetValue(int ordinal)
    {
        var column = Column(ordinal);
        var row = CurrentRow();
        return column.IsValid(row) ? column.GetValue(row) : DBNull.Value;
    }

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var count = Math.Min(values.Length, FieldCount);
        for (var i = 0; i < count; i++)
        {
            values[i] = GetValue(i);
        }

        return count;
    }

    public override bool GetBoolean(int ordinal) => Valid(ordinal, out var row).GetBoolean(row);

    public override byte GetByte(int ordinal) => Valid(ordinal, out var row).GetByte(row);

    /// <summary>Reads a TINYINT (or another integer that fits).</summary>
    public sbyte GetSByte(int ordinal) => Valid(ordinal, out var row).GetSByte(row);

    public override short GetInt16(int ordinal) => Valid(ordinal, out var row).GetInt16(row);

    /// <summary>Reads a USMALLINT (or another integer that fits).</summary>
    public ushort GetUInt16(int ordinal) => Valid(ordinal, out var row).GetUInt16(row);

    public override int GetInt32(int ordinal)
    {
        var column = Valid(ordinal, out var row);
        return column.DuckType == DuckDbType.Integer ? ((int*)column.Data)[row] : column.GetInt32(row);
    }

    /// <summary>Reads a UINTEGER (or another integer that fits).</summary>
    public uint GetUInt32(int ordinal) => Valid(ordinal, out var row).GetUInt32(row);

    public override long GetInt64(int ordinal)
    {
        var column = Valid(ordinal, out var row);
        return column.DuckType == DuckDbType.BigInt ? ((long*)column.Data)[row] : column.GetInt64(row);
    }

    /// <summary>Reads a UBIGINT (or another integer that fits).</summary>
    public ulong GetUInt64(int ordinal) => Valid(ordinal, out var row).GetUInt64(row);

    /// <summary>Reads a HUGEINT (or another integer).</summary>
    public Int128 GetInt128(int ordinal) => Valid(ordinal, out var row).GetInt128(row);

    /// <summary>Reads a UHUGEINT (or another non-negative integer).</summary>
    public UInt128 GetUInt128(int ordinal) => Valid(ordinal, out var row).GetUInt128(row);

    /// <summary>Reads any integer, or a DECIMAL with scale 0, exactly.</summary>
    public BigInteger GetBigInteger(int ordinal) => Valid(ordinal, out var row).GetBigInteger(row);

    public override float GetFloat(int ordinal) => Valid(ordinal, out var row).GetFloat(row);

    public override double GetDouble(int ordinal)
    {
        var column = Valid(ordinal, out var row);
        return column.DuckType == DuckDbType.Double ? ((double*)column.Data)[row] : column.GetDouble(row);
    }

    /// <summary>
    /// Reads a DECIMAL as a .NET decimal: values with more than 28 significant digits are rounded, and ones whose
    /// integer part does not fit throw <see cref="OverflowException"/>. Use <see cref="GetDuckDbDecimal"/> (or
    /// <see cref="GetString"/>) for DECIMAL(38) values exactly.
    /// </summary>
    public override decimal GetDecimal(int ordinal) => Valid(ordinal, out var row).GetDecimal(row);

    /// <summary>Reads a DECIMAL exactly as stored (unscaled integer and scale), or an integer of up to 128 bits as scale 0.</summary>
    /// <exception cref="InvalidCastException">The column is neither a DECIMAL nor an integer.</exception>
    /// <exception cref="OverflowException">A UHUGEINT above Int128's range.</exception>
    public DuckDbDecimal GetDuckDbDecimal(int ordinal) => Valid(ordinal, out var row).GetDuckDbDecimal(row);

    public override string GetString(int ordinal)
    {
        var column = Valid(ordinal, out var row);
        return column.DuckType == DuckDbType.Varchar ? StringVectorReader.Utf8(column.Data, row) : column.GetString(row);
    }

    public override char GetChar(int ordinal)
    {
        var text = GetString(ordinal);
        return text.Length == 1 ? text[0] : throw new InvalidCastException($"Column '{_names[ordinal]}' holds a string of length {text.Length}, not one character.");
    }

    public override DateTime GetDateTime(int ordinal) => Valid(ordinal, out var row).GetDateTime(row);

    /// <summary>Reads a DATE (or the date part of a timestamp).</summary>
    public DateOnly GetDateOnly(int ordinal) => Valid(ordinal, out var row).GetDateOnly(row);

    /// <summary>Reads a TIME.</summary>
    public TimeOnly GetTimeOnly(int ordinal) => Valid(ordinal, out var row).GetTimeOnly(row);

    /// <summary>Reads a TIMESTAMPTZ.</summary>
    public DateTimeOffset GetDateTimeOffset(int ordinal) => Valid(ordinal, out var row).GetDateTimeOffset(row);

    /// <summary>Reads an INTERVAL.</summary>
    public DuckDbInterval GetInterval(int ordinal) => GetFieldValue<DuckDbInterval>(ordinal);

    public override Guid GetGuid(int ordinal) => Valid(ordinal, out var row).GetGuid(row);

    /// <summary>
    /// The bytes of a VARCHAR (UTF-8 text, as DuckDB stores and validates it) or BLOB value, without copying: valid
    /// only until the reader moves on. Lets a caller pass text on without making a .NET string.
    /// </summary>
    public ReadOnlySpan<byte> GetRawBytes(int ordinal) => Valid(ordinal, out var row).GetRawBytes(row);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var bytes = Valid(ordinal, out var row).GetRawBytes(row);
        if (buffer is null)
        {
            return bytes.Length;
        }

        if (dataOffset < 0 || dataOffset > bytes.Length)
        {
            return 0;
        }

        var count = (int)Math.Min(length, bytes.Length - dataOffset);
        bytes.Slice((int)dataOffset, count).CopyTo(buffer.AsSpan(bufferOffset, count));
        return count;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var text = GetString(ordinal);
        if (buffer is null)
        {
            return text.Length;
        }

        if (dataOffset < 0 || dataOffset > text.Length)
        {
            return 0;
        }

        var count = (int)Math.Min(length, text.Length - dataOffset);
        text.AsSpan((int)dataOffset, count).CopyTo(buffer.AsSpan(bufferOffset, count));
        return count;
    }

    /// <summary>
    /// Reads the value as <typeparamref name="T"/> without boxing for scalar types. NULL gives
    /// null for reference and nullable types and throws for other value types.
    /// </summary>
    public override T GetFieldValue<T>(int ordinal)
    {
        var column = Column(ordinal);
        var row = CurrentRow();
        if (!column.IsValid(row))
        {
            if (typeof(T) == typeof(object) || typeof(T) == typeof(DBNull))
            {
                return (T)(object)DBNull.Value;
            }

            return ValueReading.NullAs<T>(column);
        }

        if (typeof(T) == typeof(long) && column.DuckType == DuckDbType.BigInt)
        {
            return Unsafe.As<long, T>(ref ((long*)column.Data)[row]);
        }

        if (typeof(T) == typeof(double) && column.DuckType == DuckDbType.Double)
        {
            return Unsafe.As<double, T>(ref ((double*)column.Data)[row]);
        }

        if (typeof(T) == typeof(object))
        {
            return (T)column.GetValue(row);
        }

        return column.GetFieldValue<T>(row);
    }

    public override Task<T> GetFieldValueAsync<T>(int ordinal, CancellationToken cancellationToken) =>
        Task.FromResult(GetFieldValue<T>(ordinal));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private VectorReader Column(int ordinal)
    {
        var columns = _columns;
        if ((uint)ordinal >= (uint)columns.Length)
        {
            ThrowBadOrdinal(ordinal);
        }

        return columns[ordinal];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong CurrentRow()
    {
        var row = _row;
        if (row >= _chunkSize)
        {
            ThrowNoRow();
        }

        return row;
    }

    /// <summary>The column at <paramref name="ordinal"/> after checking there is a current row and it is not NULL.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private VectorReader Valid(int ordinal, out ulong row)
    {
        var column = Column(ordinal);
        row = CurrentRow();
        if (!column.IsValid(row))
        {
            ThrowNull(ordinal);
        }

        return column;
    }

    private void ThrowBadOrdinal(int ordinal)
    {
        if (_closed)
        {
            throw Closed();
        }

        throw new IndexOutOfRangeException($"Column ordinal {ordinal} is out of range; the result has {_columns.Length} column(s).");
    }

    private void ThrowNoRow()
    {
        if (_closed)
        {
            throw Closed();
        }

        throw new InvalidOperationException("No current row: call Read() first, and only read while it returns true.");
    }

    private void ThrowNull(int ordinal) =>
        throw new InvalidCastException($"Column '{_names[ordinal]}' is NULL in this row; test IsDBNull first or use GetFieldValue with a nullable type.");
}
