using System.Numerics;

namespace Nagare.Templating.Values;

/// <summary>
/// Python's numeric tower over .NET values: booleans and every integral type are ints (kept as <see cref="long"/>,
/// growing to <see cref="BigInteger"/> on overflow), and float, double and decimal are floats.
/// </summary>
internal static class Numbers
{
    public static object Normalize(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    /// <summary>True for bool and integral values.</summary>
    public static bool IsInt(object? v) => v is long or int or bool or BigInteger or short or byte or sbyte or ushort or uint or ulong;

    public static bool IsFloat(object? v) => v is double or float or decimal;

    public static bool IsNumber(object? v) => IsInt(v) || IsFloat(v);

    public static bool TryGetLong(object? v, out long value)
    {
        switch (v)
        {
            case long l:
                value = l;
                return true;
            case int i:
                value = i;
                return true;
            case bool b:
                value = b ? 1 : 0;
                return true;
            case short s:
                value = s;
                return true;
            case byte by:
                value = by;
                return true;
            case sbyte sb:
                value = sb;
                return true;
            case ushort us:
                value = us;
                return true;
            case uint ui:
                value = ui;
                return true;
            case ulong ul when ul <= long.MaxValue:
                value = (long)ul;
                return true;
            case BigInteger bi when bi >= long.MinValue && bi <= long.MaxValue:
                value = (long)bi;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    public static BigInteger ToBig(object? v) => v switch
    {
        BigInteger b => b,
        ulong ul => ul,
        _ when TryGetLong(v, out var l) => l,
        _ => throw PyException.Type($"'{PyOps.TypeName(v)}' object cannot be interpreted as an integer"),
    };

    public static double ToDouble(object? v) => v switch
    {
        double d => d,
        float f => f,
        decimal m => (double)m,
        BigInteger b => (double)b,
        ulong ul => ul,
        _ when TryGetLong(v, out var l) => l,
        _ => throw PyException.Type($"must be real number, not {PyOps.TypeName(v)}"),
    };

    /// <summary>Converts an int-like value to <see cref="int"/> for indexing and counts.</summary>
    public static int ToInt(object? v, string what = "integer")
    {
        if (TryGetLong(v, out var l))
        {
            return (int)Math.Clamp(l, int.MinValue, int.MaxValue);
        }

        if (v is BigInteger b)
        {
            return b.Sign < 0 ? int.MinValue : int.MaxValue;
        }

        throw PyException.Type($"'{PyOps.TypeName(v)}' object cannot be interpreted as an {what}");
    }
}
