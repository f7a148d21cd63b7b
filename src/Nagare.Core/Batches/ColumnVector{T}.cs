using Nagare.Core.Types;

namespace Nagare.Core.Batches;

/// <summary>A column of <typeparamref name="T"/> values; see <see cref="ColumnVector"/>.</summary>
public sealed class ColumnVector<T> : ColumnVector
{
    internal ColumnVector(ColumnType type, int capacity)
        : base(type, capacity)
    {
        Values = new T[capacity];
    }

    /// <summary>The values; slots of NULL rows are undefined.</summary>
    public T[] Values { get; }

    /// <summary>Sets a value and marks the row valid.</summary>
    public void Set(int row, T value)
    {
        Values[row] = value;
        Nulls[row] = false;
    }

    /// <summary>Marks the row NULL.</summary>
    public void SetNull(int row)
    {
        Values[row] = default!;
        Nulls[row] = true;
    }

    public override object? GetBoxed(int row) => Nulls[row] ? null : Values[row];

    public override void SetBoxed(int row, object? value)
    {
        if (value is null or DBNull)
        {
            SetNull(row);
        }
        else
        {
            Set(row, (T)value);
        }
    }
}
