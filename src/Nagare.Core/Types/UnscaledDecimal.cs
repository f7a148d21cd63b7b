using System.Globalization;

namespace Nagare.Core.Types;

/// <summary>
/// The one place that converts decimals held as an unscaled 128-bit integer (the value times 10^scale, as DuckDB
/// stores DECIMAL(38)) to and from other forms: System.Decimal, double, invariant text and PostgreSQL's base-10000
/// digits. Every conversion is exact or says it is not: none rounds. Nothing here allocates except the methods that
/// return a string.
/// </summary>
public static class UnscaledDecimal
{
    /// <summary>Longest text <see cref="TryFormat(Int128, int, Span{char}, out int)"/> writes: sign, 39 digits, point, leading zero.</summary>
    public const int MaxTextLength = 42;

    /// <summary>Most base-10000 digits <see cref="ToBase10000"/> writes for a value of 38 digits.</summary>
    public const int MaxBase10000Digits = 20;

    private static readonly Int128[] Powers = CreatePowers();

    /// <summary>The largest unscaled value of 38 digits, 10^38 − 1.</summary>
    public static Int128 MaxUnscaled { get; } = Powers[38] - 1;

    /// <summary>10^<paramref name="exponent"/> for 0 ≤ exponent ≤ 38.</summary>
    public static Int128 Pow10(int exponent) => Powers[exponent];

    /// <summary>True when <paramref name="unscaled"/> has at most <paramref name="precision"/> digits (1..38).</summary>
    public static bool FitsPrecision(Int128 unscaled, int precision)
    {
        var limit = Powers[precision];
        return unscaled < limit && unscaled > -limit;
    }

    /// <summary>
    /// Moves <paramref name="unscaled"/> from scale <paramref name="fromScale"/> to <paramref name="toScale"/>; false
    /// when digits after the point would be lost or the result needs more than 38 digits.
    /// </summary>
    public static bool TryRescale(Int128 unscaled, int fromScale, int toScale, out Int128 result)
    {
        if (toScale == fromScale)
        {
            result = unscaled;
            return FitsPrecision(unscaled, 38);
        }

        if (toScale < fromScale)
        {
            var (quotient, remainder) = Int128.DivRem(unscaled, Powers[fromScale - toScale]);
            result = quotient;
            return remainder == 0 && FitsPrecision(quotient, 38);
        }

        var factor = Powers[toScale - fromScale];
        var bound = MaxUnscaled / factor;
        if (unscaled > bound || unscaled < -bound)
        {
            result = default;
            return false;
        }

        result = unscaled * factor;
        return true;
    }

    /// <summary>
    /// Moves <paramref name="unscaled"/> to <paramref name="toScale"/>, rounding half away from zero when digits after
    /// the point go (as SQL casts do); for explicit casts only, never for reading. False when it needs more than 38 digits.
    /// </summary>
    public static bool TryRound(Int128 unscaled, int fromScale, int toScale, out Int128 result)
    {
        if (toScale >= fromScale)
        {
            return TryRescale(unscaled, fromScale, toScale, out result);
        }

        var divisor = Powers[fromScale - toScale];
        var (quotient, remainder) = Int128.DivRem(unscaled, divisor);
        if (Int128.Abs(remainder) * 2 >= divisor)
        {
            quotient += unscaled < 0 ? -1 : 1;
        }

        result = quotient;
        return FitsPrecision(quotient, 38);
    }

    /// <summary>The unscaled value of <paramref name="value"/> at <paramref name="scale"/>; false when it has more digits after the point.</summary>
    public static bool TryFromDecimal(decimal value, int scale, out Int128 unscaled)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((Int128)(uint)bits[2] << 64) | ((Int128)(uint)bits[1] << 32) | (uint)bits[0];
        var ownScale = (bits[3] >> 16) & 0xFF;
        return TryRescale(bits[3] < 0 ? -mantissa : mantissa, ownScale, scale, out unscaled);
    }

    /// <summary>The System.Decimal of an unscaled value; false when it does not fit one exactly (about 28 digits).</summary>
    public static bool TryToDecimal(Int128 unscaled, int scale, out decimal value)
    {
        // Trailing zeros after the point can go when the mantissa or scale is too large for System.Decimal.
        while (scale > 0 && (scale > 28 || Int128.Abs(unscaled) >> 96 != 0) && unscaled % 10 == 0)
        {
            unscaled /= 10;
            scale--;
        }

        var magnitude = (UInt128)Int128.Abs(unscaled);
        if (scale > 28 || magnitude >> 96 != 0)
        {
            value = default;
            return false;
        }

        value = new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), unscaled < 0, (byte)scale);
        return true;
    }

    /// <summary>The System.Decimal of an unscaled value.</summary>
    /// <exception cref="OverflowException">The value does not fit a System.Decimal exactly; the message names it.</exception>
    public static decimal ToDecimal(Int128 unscaled, int scale) =>
        TryToDecimal(unscaled, scale, out var value)
            ? value
            : throw new OverflowException($"{ToString(unscaled, scale)} has more digits than a .NET decimal holds (28).");

    /// <summary>The nearest double (exact up to 15 significant digits).</summary>
    public static double ToDouble(Int128 unscaled, int scale)
    {
        Span<char> text = stackalloc char[MaxTextLength];
        TryFormat(unscaled, scale, text, out var written);
        return double.Parse(text[..written], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The unscaled value of a finite double at <paramref name="scale"/>, taking the double's shortest round-trip
    /// text as its value (0.1 is 0.1); false for NaN, infinities, and values needing more digits.
    /// </summary>
    public static bool TryFromDouble(double value, int scale, out Int128 unscaled)
    {
        Span<char> text = stackalloc char[32];
        if (!double.IsFinite(value) || !value.TryFormat(text, out var written, "R", CultureInfo.InvariantCulture))
        {
            unscaled = default;
            return false;
        }

        return TryParse(text[..written], scale, out unscaled);
    }

    /// <summary>Parses invariant text (<c>-12.50</c>, <c>+1e3</c>, <c>.5</c>) to an unscaled value at <paramref name="scale"/>; false when it is not a number or needs more digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, int scale, out Int128 unscaled) =>
        TryParse(text, out var own, out var ownScale) & TryRescale(own, ownScale, scale, out unscaled);

    /// <summary>Parses invariant text to an unscaled value at the text's own scale (trailing zeros kept); false when it is not a number or needs more than 38 digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Int128 unscaled, out int scale)
    {
        unscaled = default;
        scale = 0;
        text = text.Trim();
        var position = 0;
        var negative = false;
        if (position < text.Length && text[position] is '+' or '-')
        {
            negative = text[position] == '-';
            position++;
        }

        UInt128 magnitude = 0;
        var digits = 0;
        var significant = 0;
        var fraction = -1;
        for (; position < text.Length; position++)
        {
            var c = text[position];
            if (c == '.' && fraction < 0)
            {
                fraction = 0;
                continue;
            }

            if (!char.IsAsciiDigit(c))
            {
                break;
            }

            digits++;
            if (fraction >= 0)
            {
                fraction++;
            }

            if (magnitude != 0 || c != '0')
            {
                if (++significant > 38)
                {
                    return false;
                }
            }

            magnitude = (magnitude * 10) + (uint)(c - '0');
        }

        if (digits == 0)
        {
            return false;
        }

        var exponent = 0;
        if (position < text.Length && text[position] is 'e' or 'E')
        {
            if (!int.TryParse(text[(position + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || exponent is > 100 or < -100)
            {
                return false;
            }

            position = text.Length;
        }

        if (position != text.Length)
        {
            return false;
        }

        var value = negative ? -(Int128)magnitude : (Int128)magnitude;
        var ownScale = Math.Max(fraction, 0) - exponent;
        if (ownScale < 0)
        {
            scale = 0;
            return -ownScale <= 38 && TryRescale(value, 0, -ownScale, out unscaled);
        }

        // More than 38 digits after the point can still be exact when the last ones are zeros.
        while (ownScale > 38)
        {
            if (value % 10 != 0)
            {
                return false;
            }

            value /= 10;
            ownScale--;
        }

        unscaled = value;
        scale = ownScale;
        return true;
    }

    /// <summary>Writes invariant text with exactly <paramref name="scale"/> digits after the point (<c>-0.50</c>); false when the span is too short.</summary>
    public static bool TryFormat(Int128 unscaled, int scale, Span<char> destination, out int written)
    {
        Span<char> digits = stackalloc char[40];
        var magnitude = unscaled < 0 ? (UInt128)(-(unscaled + 1)) + 1 : (UInt128)unscaled;

        var count = 0;
        do
        {
            (magnitude, var digit) = UInt128.DivRem(magnitude, 10);
            digits[digits.Length - ++count] = (char)('0' + (int)digit);
        }
        while (magnitude != 0);

        while (count <= scale)
        {
            digits[digits.Length - ++count] = '0';
        }

        var length = (unscaled < 0 ? 1 : 0) + count + (scale > 0 ? 1 : 0);
        written = 0;
        if (destination.Length < length)
        {
            return false;
        }

        var at = 0;
        if (unscaled < 0)
        {
            destination[at++] = '-';
        }

        var source = digits[^count..];
        source[..(count - scale)].CopyTo(destination[at..]);
        at += count - scale;
        if (scale > 0)
        {
            destination[at++] = '.';
            source[(count - scale)..].CopyTo(destination[at..]);
            at += scale;
        }

        written = at;
        return true;
    }

    /// <summary>Writes the invariant text as UTF-8; false when the span is too short.</summary>
    public static bool TryFormatUtf8(Int128 unscaled, int scale, Span<byte> destination, out int written)
    {
        Span<char> text = stackalloc char[MaxTextLength];
        TryFormat(unscaled, scale, text, out var length);
        written = 0;
        if (destination.Length < length)
        {
            return false;
        }

        for (var i = 0; i < length; i++)
        {
            destination[i] = (byte)text[i];
        }

        written = length;
        return true;
    }

    /// <summary>The invariant text with exactly <paramref name="scale"/> digits after the point.</summary>
    public static string ToString(Int128 unscaled, int scale)
    {
        Span<char> text = stackalloc char[MaxTextLength];
        TryFormat(unscaled, scale, text, out var written);
        return new string(text[..written]);
    }

    /// <summary>
    /// The unscaled value at <paramref name="scale"/> of a number given as base-10000 digits (most significant first)
    /// where the first digit stands for 10000^<paramref name="weight"/>, as PostgreSQL sends numeric; false when
    /// digits after the point would be lost or the value needs more than 38 digits.
    /// </summary>
    public static bool TryFromBase10000(ReadOnlySpan<ushort> digits, int weight, bool negative, int scale, out Int128 unscaled)
    {
        UInt128 magnitude = 0;
        var max = (UInt128)MaxUnscaled;
        for (var i = 0; i < digits.Length; i++)
        {
            UInt128 digit = digits[i];
            if (digit == 0)
            {
                continue;
            }

            // This digit is worth digit × 10^exponent in units of 10^-scale.
            var exponent = (4 * (weight - i)) + scale;
            if (exponent < 0)
            {
                if (exponent <= -4)
                {
                    unscaled = default;
                    return false;
                }

                var (quotient, remainder) = UInt128.DivRem(digit, (UInt128)Powers[-exponent]);
                if (remainder != 0)
                {
                    unscaled = default;
                    return false;
                }

                digit = quotient;
                exponent = 0;
            }

            // A digit below 10^4 times 10^34 or less cannot pass 10^38; only larger exponents need the division.
            if (exponent > 38 || (exponent > 34 && digit > max / (UInt128)Powers[exponent]))
            {
                unscaled = default;
                return false;
            }

            var term = digit * (UInt128)Powers[exponent];
            if (term > max - magnitude)
            {
                unscaled = default;
                return false;
            }

            magnitude += term;
        }

        unscaled = negative ? -(Int128)magnitude : (Int128)magnitude;
        return true;
    }

    /// <summary>
    /// Writes the base-10000 digits of a value (most significant first, no leading or trailing zero digits) into
    /// <paramref name="digits"/> (at least <see cref="MaxBase10000Digits"/> long) and returns how many; the first
    /// stands for 10000^<paramref name="weight"/>. Zero has no digits and weight 0.
    /// </summary>
    public static int ToBase10000(Int128 unscaled, int scale, Span<ushort> digits, out int weight)
    {
        Span<ushort> groups = stackalloc ushort[24];
        var magnitude = (UInt128)Int128.Abs(unscaled);
        var (integer, fraction) = UInt128.DivRem(magnitude, (UInt128)Powers[scale]);
        var end = groups.Length;

        // The fraction's groups from the right: a partial last group is padded with zeros to four digits.
        var partial = scale % 4;
        for (var k = 0; k < (scale + 3) / 4; k++)
        {
            ushort group;
            if (k == 0 && partial != 0)
            {
                (fraction, var low) = UInt128.DivRem(fraction, (UInt128)Powers[partial]);
                group = (ushort)((ushort)low * (ushort)Powers[4 - partial]);
            }
            else
            {
                (fraction, var low) = UInt128.DivRem(fraction, 10000);
                group = (ushort)low;
            }

            groups[--end] = group;
        }

        var point = end;
        while (integer != 0)
        {
            (integer, var low) = UInt128.DivRem(integer, 10000);
            groups[--end] = (ushort)low;
        }

        weight = point - end - 1;
        var start = end;
        while (start < groups.Length && groups[start] == 0)
        {
            start++;
            weight--;
        }

        var stop = groups.Length;
        while (stop > start && groups[stop - 1] == 0)
        {
            stop--;
        }

        if (stop == start)
        {
            weight = 0;
            return 0;
        }

        groups[start..stop].CopyTo(digits);
        return stop - start;
    }

    private static Int128[] CreatePowers()
    {
        var powers = new Int128[39];
        powers[0] = 1;
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
