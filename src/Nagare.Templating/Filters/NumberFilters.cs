using System.Globalization;
using System.Numerics;
using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Filters;

/// <summary>Numeric filters: abs, float, int, round, filesizeformat.</summary>
internal static class NumberFilters
{
    public static object? Abs(Renderer r, object? value, Arguments args) => value switch
    {
        long l when l != long.MinValue => Math.Abs(l),
        double d => Math.Abs(d),
        _ when Numbers.IsInt(value) => Numbers.Normalize(BigInteger.Abs(Numbers.ToBig(value))),
        _ when Numbers.IsFloat(value) => Math.Abs(Numbers.ToDouble(value)),
        Undefined u => throw PyException.Undefined(u),
        _ => throw PyException.Type($"bad operand type for abs(): '{PyOps.TypeName(value)}'"),
    };

    // Jinja's undefined raises on int() and float(), and the filters do not catch that.
    public static object? Float(Renderer r, object? value, Arguments args) =>
        value is Undefined u ? throw PyException.Undefined(u) : TryFloat(value, out var d) ? d : args.Get(0, "default", 0.0);

    /// <summary>Python's <c>float(x)</c> for numbers and strings.</summary>
    public static bool TryFloat(object? value, out double result)
    {
        if (Numbers.IsNumber(value))
        {
            result = Numbers.ToDouble(value);
            return true;
        }

        if (value is string s)
        {
            var t = s.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
            switch (t.ToLowerInvariant())
            {
                case "nan" or "+nan" or "-nan":
                    result = double.NaN;
                    return true;
                case "inf" or "+inf" or "infinity" or "+infinity":
                    result = double.PositiveInfinity;
                    return true;
                case "-inf" or "-infinity":
                    result = double.NegativeInfinity;
                    return true;
                default:
                    break;
            }

            if (t.Length > 0 && (char.IsAsciiDigit(t[^1]) || t[^1] == '.') && !t.Contains(',', StringComparison.Ordinal)
                && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out result))
            {
                return true;
            }
        }

        result = 0;
        return false;
    }

    public static object? Int(Renderer r, object? value, Arguments args)
    {
        if (value is Undefined u)
        {
            throw PyException.Undefined(u);
        }

        var dflt = args.Get(0, "default", 0L);
        var radix = Numbers.ToInt(args.Get(1, "base", 10L));
        if (value is string s)
        {
            if (TryParseInt(s, radix, out var parsed))
            {
                return Numbers.Normalize(parsed);
            }
        }
        else if (Numbers.IsInt(value))
        {
            return Numbers.Normalize(Numbers.ToBig(value));
        }

        if (TryFloat(value, out var d))
        {
            if (double.IsNaN(d) || double.IsInfinity(d))
            {
                throw PyException.Value("cannot convert float NaN or infinity to integer");
            }

            return Numbers.Normalize(new BigInteger(Math.Truncate(d)));
        }

        return dflt;
    }

    /// <summary>Python's <c>int(s, base)</c>: surrounding whitespace, a sign, underscores between digits and base prefixes.</summary>
    public static bool TryParseInt(string s, int radix, out BigInteger value)
    {
        value = BigInteger.Zero;
        var t = s.Trim();
        var negative = false;
        if (t.Length > 0 && t[0] is '+' or '-')
        {
            negative = t[0] == '-';
            t = t[1..];
        }

        if (t.Length > 1 && t[0] == '0' && char.ToLowerInvariant(t[1]) is 'x' or 'o' or 'b')
        {
            var prefixRadix = char.ToLowerInvariant(t[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            if (radix == 0 || radix == prefixRadix)
            {
                radix = prefixRadix;
                t = t[2..].TrimStart('_');
            }
        }

        if (radix == 0)
        {
            radix = 10;
        }

        if (t.Length == 0 || t[0] == '_' || t[^1] == '_' || t.Contains("__", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in t)
        {
            if (c == '_')
            {
                continue;
            }

            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetter(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
            if (digit >= radix)
            {
                return false;
            }

            value = (value * radix) + digit;
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }

    public static object? Round(Renderer r, object? value, Arguments args)
    {
        var precision = Numbers.ToInt(args.Get(0, "precision", 0L));
        var method = PyFormat.ToStr(args.Get(1, "method", "common"));
        if (method is not ("common" or "ceil" or "floor"))
        {
            throw new PyException("FilterArgumentError", "method must be common, ceil or floor");
        }

        if (value is Undefined u)
        {
            throw PyException.Undefined(u);
        }

        if (!Numbers.IsNumber(value))
        {
            throw PyException.Type($"type {PyOps.TypeName(value)} doesn't define __round__ method");
        }

        if (method == "common")
        {
            if (Numbers.IsInt(value))
            {
                return precision >= 0 ? Numbers.Normalize(Numbers.ToBig(value)) : RoundInt(Numbers.ToBig(value), -precision);
            }

            return RoundHalfEven(Numbers.ToDouble(value), precision);
        }

        var scale = Math.Pow(10, precision);
        var scaled = Numbers.ToDouble(value) * scale;
        return (method == "ceil" ? Math.Ceiling(scaled) : Math.Floor(scaled)) / scale;
    }

    private static object RoundInt(BigInteger value, int digits)
    {
        var unit = BigInteger.Pow(10, digits);
        var q = BigInteger.DivRem(BigInteger.Abs(value), unit, out var rem);
        var twice = rem * 2;
        if (twice > unit || (twice == unit && !q.IsEven))
        {
            q += 1;
        }

        return Numbers.Normalize(q * unit * value.Sign);
    }

    /// <summary>Python's <c>round(x, n)</c>: half-to-even on the exact binary value (so 2.675 rounds to 2.67).</summary>
    public static double RoundHalfEven(double x, int digits)
    {
        if (double.IsNaN(x) || double.IsInfinity(x) || x == 0)
        {
            return x;
        }

        if (digits > 330)
        {
            return x;
        }

        if (digits < -330)
        {
            return Math.CopySign(0.0, x);
        }

        var bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        exponent -= 1075;
        BigInteger num = mantissa;
        var den = BigInteger.One;
        if (exponent >= 0)
        {
            num <<= exponent;
        }
        else
        {
            den <<= -exponent;
        }

        if (digits >= 0)
        {
            num *= BigInteger.Pow(10, digits);
        }
        else
        {
            den *= BigInteger.Pow(10, -digits);
        }

        var q = BigInteger.DivRem(num, den, out var rem);
        var twice = rem * 2;
        if (twice > den || (twice == den && !q.IsEven))
        {
            q += 1;
        }

        var text = q.ToString(CultureInfo.InvariantCulture) + "e" + (-digits).ToString(CultureInfo.InvariantCulture);
        var result = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return x < 0 ? -result : result;
    }

    public static object? FileSizeFormat(Renderer r, object? value, Arguments args)
    {
        if (!TryFloat(value, out var bytes))
        {
            throw PyException.Value($"could not convert {PyOps.TypeName(value)} to float");
        }

        var binary = PyOps.Truthy(args.Get(0, "binary", false));
        double unitBase = binary ? 1024 : 1000;
        string[] prefixes = binary
            ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
            : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
        if (bytes == 1)
        {
            return "1 Byte";
        }

        if (bytes < unitBase)
        {
            return $"{(long)bytes} Bytes";
        }

        double unit = 0;
        string prefix = prefixes[^1];
        for (var i = 0; i < prefixes.Length; i++)
        {
            unit = Math.Pow(unitBase, i + 2);
            prefix = prefixes[i];
            if (bytes < unit)
            {
                break;
            }
        }

        return PyFormat.FormatFixed(unitBase * bytes / unit, 1) + " " + prefix;
    }
}
