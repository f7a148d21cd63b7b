using System.Globalization;
using Nagare.Core.Batches;
using Nagare.Core.Text;
using Nagare.Core.Types;

namespace Nagare.Runtime.Replication;

/// <summary>Cursor values: the maximum of a column in a batch, and their invariant text form kept in sync state.</summary>
public static class CursorValues
{
    /// <summary>The larger of <paramref name="current"/> and the largest non-NULL value in the first <paramref name="rows"/> rows.</summary>
    public static object? Max(ColumnVector column, int rows, object? current)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column switch
        {
            ColumnVector<long> v => Max(v, rows, current),
            ColumnVector<int> v => Max(v, rows, current),
            ColumnVector<short> v => Max(v, rows, current),
            ColumnVector<sbyte> v => Max(v, rows, current),
            ColumnVector<byte> v => Max(v, rows, current),
            ColumnVector<ushort> v => Max(v, rows, current),
            ColumnVector<uint> v => Max(v, rows, current),
            ColumnVector<ulong> v => Max(v, rows, current),
            ColumnVector<float> v => Max(v, rows, current),
            ColumnVector<double> v => Max(v, rows, current),
            ColumnVector<Int128> v => MaxDecimal(v, rows, current),
            ColumnVector<DateOnly> v => Max(v, rows, current),
            ColumnVector<TimeOnly> v => Max(v, rows, current),
            ColumnVector<DateTime> v => Max(v, rows, current),
            ColumnVector<DateTimeOffset> v => Max(v, rows, current),
            ColumnVector<Guid> v => Max(v, rows, current),
            ColumnVector<string?> v => MaxString(v, rows, current),
            _ => throw new Core.NagareException($"A {column.Type} column cannot be a cursor; use an integer, decimal, date, timestamp or text column."),
        };
    }

    /// <summary>
    /// The value's canonical text (<see cref="ValueFormat"/>), as kept in state. Versions before it was canonical
    /// wrote times with six fixed fraction digits (<c>2024-01-02T03:04:05.000000Z</c>); <see cref="Parse"/> reads both.
    /// </summary>
    public static string Format(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return ValueFormat.Format(value);
    }

    /// <summary>Parses state text back into the column's .NET value type.</summary>
    public static object Parse(string text, ColumnType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var c = CultureInfo.InvariantCulture;
        return type.Kind switch
        {
            ColumnKind.Int8 => sbyte.Parse(text, c),
            ColumnKind.Int16 => short.Parse(text, c),
            ColumnKind.Int32 => int.Parse(text, c),
            ColumnKind.Int64 => long.Parse(text, c),
            ColumnKind.UInt8 => byte.Parse(text, c),
            ColumnKind.UInt16 => ushort.Parse(text, c),
            ColumnKind.UInt32 => uint.Parse(text, c),
            ColumnKind.UInt64 => ulong.Parse(text, c),
            ColumnKind.Float32 => float.Parse(text, c),
            ColumnKind.Float64 => double.Parse(text, c),
            ColumnKind.Decimal => DecimalValue.Parse(text),
            ColumnKind.Date => DateOnly.ParseExact(text, "yyyy-MM-dd", c),
            ColumnKind.Time => TimeOnly.Parse(text, c),
            ColumnKind.Timestamp => DateTime.SpecifyKind(DateTime.Parse(text, c, DateTimeStyles.None), DateTimeKind.Unspecified),
            ColumnKind.TimestampTz => DateTimeOffset.Parse(text, c, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
            ColumnKind.Uuid => Guid.Parse(text, c),
            _ => text,
        };
    }

    /// <summary>A decimal cursor is kept as a <see cref="DecimalValue"/>, exact to 38 digits.</summary>
    private static object? MaxDecimal(ColumnVector<Int128> column, int rows, object? current)
    {
        var scale = column.Type.Scale;
        var values = column.Values;
        var nulls = column.Nulls;
        DecimalValue? max = current switch
        {
            DecimalValue d => d,
            decimal m => DecimalValue.FromDecimal(m),
            _ => null,
        };
        for (var i = 0; i < rows; i++)
        {
            if (!nulls[i] && (max is not { } m || new DecimalValue(values[i], scale) > m))
            {
                max = new DecimalValue(values[i], scale);
            }
        }

        return max ?? current;
    }

    private static object? Max<T>(ColumnVector<T> column, int rows, object? current)
        where T : IComparable<T>
    {
        var values = column.Values;
        var nulls = column.Nulls;
        var has = current is T;
        var max = has ? (T)current! : default!;
        for (var i = 0; i < rows; i++)
        {
            if (!nulls[i] && (!has || values[i].CompareTo(max) > 0))
            {
                max = values[i];
                has = true;
            }
        }

        return has ? max : current;
    }

    private static object? MaxString(ColumnVector<string?> column, int rows, object? current)
    {
        var max = current as string;
        for (var i = 0; i < rows; i++)
        {
            if (!column.Nulls[i] && column.Values[i] is { } value && (max is null || string.CompareOrdinal(value, max) > 0))
            {
                max = value;
            }
        }

        return max;
    }
}
