using Nagare.Core.Types;

namespace Nagare.Core.Batches;

/// <summary>A column of <typeparamref name="T"/> values; see <see cref="ColumnVector"/>.</summary>
public sealed class ColumnVector<T> : ColumnVector
{
    private readonly T[] _values;
    private Utf8Values? _utf8;

    internal ColumnVector(ColumnType type, int capacity)
        : base(type, capacity)
    {
        _values = new T[capacity];
    }

    /// <summary>
    /// The values; slots of NULL rows are undefined. For a string column a source filled as UTF-8
    /// (<see cref="BeginUtf8"/>), the first access decodes the strings.
    /// </summary>
    public T[] Values
    {
        get
        {
            if (_utf8 is { Pending: true } utf8)
            {
                utf8.Pending = false;
                utf8.Decode((string?[])(object)_values, Nulls);
            }

            return _values;
        }
    }

    /// <summary>
    /// The column's text as UTF-8 bytes when a source filled it that way and no one has asked for
    /// <see cref="Values"/> since; null otherwise. Destinations that write UTF-8 use it to skip decoding.
    /// </summary>
    public Utf8Values? Utf8 => _utf8 is { Pending: true } utf8 ? utf8 : null;

    /// <summary>
    /// For a source about to fill this string column with a new batch: returns the column's (emptied) UTF-8
    /// buffer to fill with <see cref="Utf8Values.Set"/> / <see cref="Utf8Values.SetEmpty"/> row by row, the
    /// null mask being set as usual. Until someone reads <see cref="Values"/>, the strings exist only as bytes.
    /// </summary>
    /// <exception cref="InvalidOperationException">The column does not hold strings.</exception>
    public Utf8Values BeginUtf8()
    {
        if (typeof(T) != typeof(string))
        {
            throw new InvalidOperationException($"A {Type} column holds no text.");
        }

        _utf8 ??= new Utf8Values(Capacity);
        _utf8.Reset();
        _utf8.Pending = true;
        return _utf8;
    }

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

    private protected override void DiscardUtf8()
    {
        if (_utf8 is not null)
        {
            _utf8.Pending = false;
        }
    }

    public override void CopyTo(ColumnVector target, int rows)
    {
        if (target is not ColumnVector<T> typed || target.Capacity < rows)
        {
            throw new ArgumentException($"Cannot copy {rows} rows of a {Type} column into a {target?.Type} column of {target?.Capacity} rows.", nameof(target));
        }

        Array.Copy(Nulls, typed.Nulls, rows);
        if (_utf8 is { Pending: true } utf8)
        {
            var copy = typed.BeginUtf8();
            for (var row = 0; row < Math.Min(rows, utf8.Count); row++)
            {
                copy.Set(row, utf8[row]);
            }

            return;
        }

        typed.DiscardUtf8();
        Array.Copy(_values, typed._values, rows);
        if (typed._values is byte[]?[] bytes)
        {
            for (var row = 0; row < rows; row++)
            {
                bytes[row] = (byte[]?)bytes[row]?.Clone();
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>A decimal column's value is a <see cref="DecimalValue"/> at the column's scale.</remarks>
    public override object? GetBoxed(int row)
    {
        if (Nulls[row])
        {
            return null;
        }

        if (typeof(T) == typeof(Int128))
        {
            return new DecimalValue((Int128)(object)Values[row]!, Type.Scale);
        }

        return Values[row];
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A decimal column takes a <see cref="DecimalValue"/>, a System.Decimal or an integer, brought exactly to the
    /// column's scale (<see cref="OverflowException"/> when that would lose digits after the point).
    /// </remarks>
    public override void SetBoxed(int row, object? value)
    {
        if (value is null or DBNull)
        {
            SetNull(row);
        }
        else if (typeof(T) == typeof(Int128))
        {
            Set(row, (T)(object)ToUnscaled(value));
        }
        else
        {
            Set(row, (T)value);
        }
    }

    private Int128 ToUnscaled(object value)
    {
        var exact = value switch
        {
            DecimalValue d => d,
            decimal m => DecimalValue.FromDecimal(m),
            ulong u => new DecimalValue(u, 0),
            sbyte or short or int or long or byte or ushort or uint => new DecimalValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture), 0),
            _ => throw new InvalidCastException($"A {Type} column cannot hold a {value.GetType().Name}."),
        };
        // Only the scale is enforced here: a value with too many integer digits is the destination's to reject,
        // naming its table and column, as it does for every other value it cannot hold.
        return exact.TryRescale(Type.Scale, out var unscaled)
            ? unscaled
            : throw new OverflowException($"{exact} has more than {Type.Scale} digits after the point of {Type}.");
    }
}
