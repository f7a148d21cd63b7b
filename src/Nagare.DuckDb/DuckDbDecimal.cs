using System.Globalization;

namespace Nagare.DuckDb;

/// <summary>
/// A DuckDB DECIMAL exactly as stored: the unscaled integer (the value times 10^<see cref="Scale"/>) and the scale.
/// Read it with <see cref="DuckDbDataReader.GetDuckDbDecimal"/> (or <c>GetFieldValue&lt;DuckDbDecimal&gt;</c>) when
/// a DECIMAL(38) value may have more digits than <see cref="decimal"/> holds (about 28); integers read as scale 0.
/// </summary>
/// <param name="Unscaled">The value times 10^<paramref name="Scale"/>.</param>
/// <param name="Scale">Digits after the point (0..38).</param>
public readonly record struct DuckDbDecimal(Int128 Unscaled, byte Scale)
{
    /// <summary>Parses invariant text such as <c>-12.50</c> (no exponent), keeping its scale.</summary>
    /// <exception cref="FormatException">The text is not a decimal of at most 38 digits.</exception>
    public static DuckDbDecimal Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var point = trimmed.IndexOf('.', StringComparison.Ordinal);
        var scale = point < 0 ? 0 : trimmed.Length - point - 1;
        var digits = point < 0 ? trimmed : trimmed.Remove(point, 1);
        if (scale > 38 || !Int128.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var unscaled)
            || Int128.Abs(unscaled) >= Int128.Parse("100000000000000000000000000000000000000", CultureInfo.InvariantCulture))
        {
            throw new FormatException($"'{text}' is not a decimal of at most 38 digits.");
        }

        return new DuckDbDecimal(unscaled, (byte)scale);
    }

    /// <summary>The exact value as invariant text with <see cref="Scale"/> digits after the point, e.g. <c>-12.50</c>.</summary>
    public override string ToString()
    {
        var magnitude = Unscaled < 0 ? (UInt128)(-(Unscaled + 1)) + 1 : (UInt128)Unscaled;
        var digits = magnitude.ToString(CultureInfo.InvariantCulture);
        if (Scale > 0)
        {
            digits = digits.PadLeft(Scale + 1, '0');
            digits = digits[..^Scale] + "." + digits[^Scale..];
        }

        return Unscaled < 0 ? "-" + digits : digits;
    }
}
