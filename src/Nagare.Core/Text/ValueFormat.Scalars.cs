using System.Globalization;
using System.Numerics;
using Nagare.Core.Batches;
using Nagare.Core.Types;

namespace Nagare.Core.Text;

/// <content>The text of fixed-size values, written into a span of characters; the vector and boxed paths share these.</content>
public static partial class ValueFormat
{
    private const string DateFormat = "yyyy-MM-dd";

    // F (not f): trailing zeros are dropped, and with them the point for whole seconds; digits past the sixth are
    // cut, not rounded, which is what the canonical microsecond types hold.
    private const string TimeFormat = "HH:mm:ss.FFFFFF";
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFF";
    private const string UtcFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'";
    private const string ZonedFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFzzz";

    private static CultureInfo Invariant => CultureInfo.InvariantCulture;

    private static bool TryFormatScalar(ColumnVector vector, int row, Span<char> destination, out int written, TimeZoneInfo? timeZone) => vector switch
    {
        ColumnVector<bool> v => TryFormatBoolean(v.Values[row], destination, out written),
        ColumnVector<sbyte> v => v.Values[row].TryFormat(destination, out written, default, Invariant),
        ColumnVector<short> v => v.Values[row].TryFormat(destination, out written, default, Invariant),
        ColumnVector<int> v => v.Values[row].TryFormat(destination, out written, default, Invariant),
        ColumnVector<long> v => v.Values[row].TryFormat(destination, out written, default, Invariant),
        ColumnVector<byte> v => v.Values[row].TryFormat(destination, out written, default, Invariant),
        ColumnVector<ushort> v => v.Values[row].TryFormat(destination, out written, default, Invariant),
        ColumnVector<uint> v => v.Values[row].TryFormat(destination, out written, default, Invariant),
        ColumnVector<ulong> v => v.Values[row].TryFormat(destination, out written, default, Invariant),
        ColumnVector<float> v => TryFormatFloat(v.Values[row], destination, out written),
        ColumnVector<double> v => TryFormatFloat(v.Values[row], destination, out written),
        ColumnVector<Int128> v => UnscaledDecimal.TryFormat(v.Values[row], v.Type.Scale, destination, out written),
        ColumnVector<DateOnly> v => v.Values[row].TryFormat(destination, out written, DateFormat, Invariant),
        ColumnVector<TimeOnly> v => v.Values[row].TryFormat(destination, out written, TimeFormat, Invariant),
        ColumnVector<DateTime> v => v.Values[row].TryFormat(destination, out written, TimestampFormat, Invariant),
        ColumnVector<DateTimeOffset> v => TryFormatInstant(v.Values[row], destination, out written, timeZone),
        ColumnVector<Interval> v => TryFormatInterval(v.Values[row], destination, out written),
        ColumnVector<Guid> v => v.Values[row].TryFormat(destination, out written, "D"),
        _ => Unformattable(out written),
    };

    private static bool TryFormatScalar(object value, Span<char> destination, out int written, TimeZoneInfo? timeZone) => value switch
    {
        bool b => TryFormatBoolean(b, destination, out written),
        float f => TryFormatFloat(f, destination, out written),
        double d => TryFormatFloat(d, destination, out written),
        DecimalValue d => d.TryFormat(destination, out written, default, Invariant),
        decimal m => DecimalValue.FromDecimal(m).TryFormat(destination, out written, default, Invariant),
        DateOnly d => d.TryFormat(destination, out written, DateFormat, Invariant),
        TimeOnly t => t.TryFormat(destination, out written, TimeFormat, Invariant),
        DateTime t => t.TryFormat(destination, out written, TimestampFormat, Invariant),
        DateTimeOffset t => TryFormatInstant(t, destination, out written, timeZone),
        Interval i => TryFormatInterval(i, destination, out written),
        Guid g => g.TryFormat(destination, out written, "D"),

        // sbyte … ulong, Int128, UInt128 (DuckDB's HUGEINT) and BigInteger: plain invariant digits.
        ISpanFormattable n when IsInteger(n) => n.TryFormat(destination, out written, default, Invariant),
        _ => Unformattable(out written),
    };

    private static bool IsInteger(object value) =>
        value is sbyte or short or int or long or byte or ushort or uint or ulong or Int128 or UInt128 or BigInteger;

    private static bool TryFormatBoolean(bool value, Span<char> destination, out int written)
    {
        var text = value ? "true" : "false";
        written = text.TryCopyTo(destination) ? text.Length : 0;
        return written > 0;
    }

    /// <summary>
    /// Shortest round-trip digits; the invariant culture spells the rest <c>NaN</c>, <c>Infinity</c>,
    /// <c>-Infinity</c> and <c>-0</c>, which PostgreSQL's and DuckDB's float input both take.
    /// </summary>
    private static bool TryFormatFloat<T>(T value, Span<char> destination, out int written)
        where T : IFloatingPoint<T> => value.TryFormat(destination, out written, "R", Invariant);

    /// <summary>UTC with <c>Z</c>, or the wall time in <paramref name="timeZone"/> with its offset.</summary>
    private static bool TryFormatInstant(DateTimeOffset value, Span<char> destination, out int written, TimeZoneInfo? timeZone)
    {
        if (timeZone is null || timeZone == TimeZoneInfo.Utc)
        {
            return value.UtcDateTime.TryFormat(destination, out written, UtcFormat, Invariant);
        }

        return TimeZoneInfo.ConvertTime(value, timeZone).TryFormat(destination, out written, ZonedFormat, Invariant);
    }

    /// <summary>ISO 8601 duration: <c>P1M2DT3.000004S</c>; zero parts are left out, <c>PT0S</c> when all are zero.</summary>
    private static bool TryFormatInterval(Interval value, Span<char> destination, out int written)
    {
        written = 0;
        if (destination.Length < MaxScalarLength)
        {
            return false;
        }

        var at = 0;
        destination[at++] = 'P';
        if (value.Months != 0)
        {
            value.Months.TryFormat(destination[at..], out var n, default, Invariant);
            at += n;
            destination[at++] = 'M';
        }

        if (value.Days != 0)
        {
            value.Days.TryFormat(destination[at..], out var n, default, Invariant);
            at += n;
            destination[at++] = 'D';
        }

        if (value.Microseconds != 0 || at == 1)
        {
            destination[at++] = 'T';
            var (seconds, micros) = Math.DivRem(value.Microseconds, 1_000_000);
            if (value.Microseconds < 0 && seconds == 0)
            {
                // -0.5 s: the whole part is zero and carries no sign of its own.
                destination[at++] = '-';
            }

            seconds.TryFormat(destination[at..], out var n, default, Invariant);
            at += n;
            if (micros != 0)
            {
                destination[at++] = '.';
                Math.Abs(micros).TryFormat(destination[at..], out n, "000000", Invariant);
                at += n;
                while (destination[at - 1] == '0')
                {
                    at--;
                }
            }

            destination[at++] = 'S';
        }

        written = at;
        return true;
    }

    private static bool Unformattable(out int written)
    {
        written = 0;
        return false;
    }
}
