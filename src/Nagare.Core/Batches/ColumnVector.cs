using Nagare.Core.Types;

namespace Nagare.Core.Batches;

/// <summary>
/// One column of a <see cref="ColumnBatch"/>: a typed value array plus a null mask. The value
/// type for each <see cref="ColumnKind"/> is listed on the enum. The arrays are allocated once
/// per batch and refilled for every batch a source yields: do not keep references to them.
/// </summary>
public abstract class ColumnVector
{
    private protected ColumnVector(ColumnType type, int capacity)
    {
        Type = type;
        Nulls = new bool[capacity];
    }

    /// <summary>The column's canonical type.</summary>
    public ColumnType Type { get; }

    /// <summary>True where the row is NULL (the value slot is then undefined).</summary>
    public bool[] Nulls { get; private set; }

    /// <summary>How many rows the arrays hold.</summary>
    public int Capacity => Nulls.Length;

    /// <summary>The value at <paramref name="row"/> boxed, or null; for tests and slow paths only.</summary>
    public abstract object? GetBoxed(int row);

    /// <summary>Sets <paramref name="row"/> from a boxed value (null for NULL); for slow paths only.</summary>
    public abstract void SetBoxed(int row, object? value);

    /// <summary>Creates a vector of the .NET value type <paramref name="type"/> maps to.</summary>
    public static ColumnVector Create(ColumnType type, int capacity)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            ColumnKind.Boolean => new ColumnVector<bool>(type, capacity),
            ColumnKind.Int8 => new ColumnVector<sbyte>(type, capacity),
            ColumnKind.Int16 => new ColumnVector<short>(type, capacity),
            ColumnKind.Int32 => new ColumnVector<int>(type, capacity),
            ColumnKind.Int64 => new ColumnVector<long>(type, capacity),
            ColumnKind.UInt8 => new ColumnVector<byte>(type, capacity),
            ColumnKind.UInt16 => new ColumnVector<ushort>(type, capacity),
            ColumnKind.UInt32 => new ColumnVector<uint>(type, capacity),
            ColumnKind.UInt64 => new ColumnVector<ulong>(type, capacity),
            ColumnKind.Float32 => new ColumnVector<float>(type, capacity),
            ColumnKind.Float64 => new ColumnVector<double>(type, capacity),
            ColumnKind.Decimal => new ColumnVector<Int128>(type, capacity),
            ColumnKind.String or ColumnKind.Json => new ColumnVector<string?>(type, capacity),
            ColumnKind.Bytes => new ColumnVector<byte[]?>(type, capacity),
            ColumnKind.Date => new ColumnVector<DateOnly>(type, capacity),
            ColumnKind.Time => new ColumnVector<TimeOnly>(type, capacity),
            ColumnKind.Timestamp => new ColumnVector<DateTime>(type, capacity),
            ColumnKind.TimestampTz => new ColumnVector<DateTimeOffset>(type, capacity),
            ColumnKind.Interval => new ColumnVector<Interval>(type, capacity),
            ColumnKind.Uuid => new ColumnVector<Guid>(type, capacity),
            ColumnKind.List => new ColumnVector<object?[]?>(type, capacity),
            ColumnKind.Struct => new ColumnVector<IReadOnlyDictionary<string, object?>?>(type, capacity),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column kind."),
        };
    }

    /// <summary>
    /// Copies rows 0 to <paramref name="rows"/> - 1 into <paramref name="target"/>, a vector of the same type: null
    /// mask, values, and text still held as UTF-8 stays UTF-8. Byte arrays are copied; list and struct values are
    /// shared, as sources make a new one per row.
    /// </summary>
    /// <exception cref="ArgumentException">The target holds another value type or fewer rows.</exception>
    public abstract void CopyTo(ColumnVector target, int rows);

    /// <summary>Marks every row valid again (values are overwritten by the next fill).</summary>
    public void ClearNulls()
    {
        Array.Clear(Nulls);
        DiscardUtf8();
    }

    /// <summary>Forgets text held as UTF-8 that was not decoded yet (the next fill replaces it).</summary>
    private protected virtual void DiscardUtf8()
    {
    }
}
