namespace Nagare.Core.Types;

/// <summary>
/// One exact decimal of up to 38 digits: an unscaled 128-bit integer and a scale. A decimal column's vector holds
/// only the unscaled integers (its scale is the column type's); this is the boxed form for slow paths (cursor values,
/// <see cref="Batches.ColumnVector.GetBoxed"/>, casts). Equality and order are by numeric value, so 1.5 equals 1.50.
/// </summary>
public readonly struct DecimalValue : IEquatable<DecimalValue>, IComparable<DecimalValue>, IComparable, ISpanFormattable
{
    /// <summary>A value from its unscaled integer and scale (0..38).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is outside 0..38 or the value has more than 38 digits.</exception>
    public DecimalValue(Int128 unscaled, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, ColumnType.MaxDecimalPrecision);
        if (!UnscaledDecimal.FitsPrecision(unscaled, ColumnType.MaxDecimalPrecision))
        {
            throw new ArgumentOutOfRangeException(nameof(unscaled), "A decimal has at most 38 digits.");
        }

        Unscaled = unscaled;
        Scale = scale;
    }

    /// <summary>The value times 10^<see cref="Scale"/>.</summary>
    public Int128 Unscaled { get; }

    /// <summary>Digits after the point.</summary>
    public int Scale { get; }

    /// <summary>The exact value of a System.Decimal, keeping its scale.</summary>
    public static DecimalValue FromDecimal(decimal value)
    {
        var scale = value.Scale;
        UnscaledDecimal.TryFromDecimal(value, scale, out var unscaled);
        return new DecimalValue(unscaled, scale);
    }

    /// <summary>The same value at <paramref name="scale"/>; false when digits after the point would be lost or it needs more than 38 digits.</summary>
    public bool TryRescale(int scale, out Int128 unscaled) => UnscaledDecimal.TryRescale(Unscaled, Scale, scale, out unscaled);

    /// <summary>The System.Decimal of this value.</summary>
    /// <exception cref="OverflowException">It has more digits than a System.Decimal holds.</exception>
    public decimal ToDecimal() => UnscaledDecimal.ToDecimal(Unscaled, Scale);

    /// <summary>The nearest double.</summary>
    public double ToDouble() => UnscaledDecimal.ToDouble(Unscaled, Scale);

    /// <summary>Parses invariant text, keeping its scale (trailing zeros count).</summary>
    /// <exception cref="FormatException">The text is not a number of at most 38 digits.</exception>
    public static DecimalValue Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a decimal number of at most 38 digits.");
    }

    /// <summary>Parses invariant text, keeping its scale; false when it is not a number of at most 38 digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DecimalValue value)
    {
        if (UnscaledDecimal.TryParse(text, out var unscaled, out var scale))
        {
            value = new DecimalValue(unscaled, scale);
            return true;
        }

        value = default;
        return false;
    }

    public bool Equals(DecimalValue other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is DecimalValue other && Equals(other);

    public override int GetHashCode()
    {
        // Equal values at different scales must hash alike: hash the value without trailing zeros.
        var unscaled = Unscaled;
        var scale = Scale;
        while (scale > 0 && unscaled % 10 == 0)
        {
            unscaled /= 10;
            scale--;
        }

        return HashCode.Combine(unscaled, scale);
    }

    public int CompareTo(DecimalValue other)
    {
        if (Scale == other.Scale)
        {
            return Unscaled.CompareTo(other.Unscaled);
        }

        // Bring both to the larger scale; when that overflows, the one with more integer digits is larger in magnitude.
        var scale = Math.Max(Scale, other.Scale);
        if (TryRescale(scale, out var left) && other.TryRescale(scale, out var right))
        {
            return left.CompareTo(right);
        }

        return ToDouble().CompareTo(other.ToDouble());
    }

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        DecimalValue other => CompareTo(other),
        _ => throw new ArgumentException($"Cannot compare a decimal with {obj.GetType().Name}.", nameof(obj)),
    };

    /// <summary>Invariant text with exactly <see cref="Scale"/> digits after the point, e.g. <c>-0.50</c>.</summary>
    public override string ToString() => UnscaledDecimal.ToString(Unscaled, Scale);

    /// <summary>Invariant text; the format and provider are ignored, as the text is exact.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        UnscaledDecimal.TryFormat(Unscaled, Scale, destination, out charsWritten);

    public static bool operator ==(DecimalValue left, DecimalValue right) => left.Equals(right);

    public static bool operator !=(DecimalValue left, DecimalValue right) => !left.Equals(right);

    public static bool operator <(DecimalValue left, DecimalValue right) => left.CompareTo(right) < 0;

    public static bool operator <=(DecimalValue left, DecimalValue right) => left.CompareTo(right) <= 0;

    public static bool operator >(DecimalValue left, DecimalValue right) => left.CompareTo(right) > 0;

    public static bool operator >=(DecimalValue left, DecimalValue right) => left.CompareTo(right) >= 0;

    /// <summary>The exact value of a System.Decimal.</summary>
    public static implicit operator DecimalValue(decimal value) => FromDecimal(value);

    /// <summary>The System.Decimal of a value.</summary>
    /// <exception cref="OverflowException">It has more digits than a System.Decimal holds.</exception>
    public static explicit operator decimal(DecimalValue value) => value.ToDecimal();
}
