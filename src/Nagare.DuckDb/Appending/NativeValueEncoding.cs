using System.Buffers.Binary;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Appending;

/// <summary>Conversions from .NET values to DuckDB's in-vector representations.</summary>
internal static class NativeValueEncoding
{
    public const long MicrosPerDay = 86_400_000_000L;

    private const int UnixEpochDayNumber = 719_162; // DateOnly(1970, 1, 1).DayNumber
    private const long UnixEpochTicks = 621_355_968_000_000_000L;
    private const ulong UuidSignFlip = 0x8000_0000_0000_0000UL;

    private static readonly Int128[] PowersOfTen = CreatePowersOfTen();

    public static int ToDays(DateOnly date) => date.DayNumber - UnixEpochDayNumber;

    public static int ToDays(DateTime value) => DateOnly.FromDateTime(value).DayNumber - UnixEpochDayNumber;

    /// <summary>Ticks since the Unix epoch of the clock reading (wall clock; no zone conversion).</summary>
    public static long ToUnixTicks(DateTime value) => value.Ticks - UnixEpochTicks;

    /// <summary>Ticks since the Unix epoch of the UTC instant; local times are converted, unspecified ones taken as UTC.</summary>
    public static long ToUnixTicksUtc(DateTime value) =>
        (value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value).Ticks - UnixEpochTicks;

    public static long ToUnixTicks(DateTimeOffset value) => value.UtcTicks - UnixEpochTicks;

    public static long ToUnixTicks(DateOnly value) => (long)ToDays(value) * TimeSpan.TicksPerDay;

    /// <summary>Converts 100 ns ticks to the timestamp unit of <paramref name="type"/>, flooring.</summary>
    public static long TicksToUnit(long ticks, DuckDbType type) => type switch
    {
        DuckDbType.TimestampS => FloorDiv(ticks, TimeSpan.TicksPerSecond),
        DuckDbType.TimestampMs => FloorDiv(ticks, TimeSpan.TicksPerMillisecond),
        DuckDbType.TimestampNs => checked(ticks * 100),
        _ => FloorDiv(ticks, 10),
    };

    public static DuckDbIntervalStruct ToInterval(TimeSpan value) => new()
    {
        Months = 0,
        Days = value.Days,
        Micros = value.Ticks % TimeSpan.TicksPerDay / 10,
    };

    /// <summary>DuckDB stores a UUID as its big-endian 128-bit value with the top bit flipped, as a signed HUGEINT.</summary>
    public static DuckDbHugeIntStruct ToUuid(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        return new DuckDbHugeIntStruct
        {
            Upper = (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) ^ UuidSignFlip),
            Lower = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
        };
    }

    /// <summary>10^<paramref name="exponent"/> for 0 ≤ exponent ≤ 38.</summary>
    public static Int128 PowerOfTen(int exponent) => PowersOfTen[exponent];

    /// <summary>
    /// The unscaled integer of <paramref name="value"/> at <paramref name="scale"/> digits, rounding half away
    /// from zero (as DuckDB's own casts do); false when it needs more than <paramref name="width"/> digits.
    /// </summary>
    public static bool TryScaleDecimal(decimal value, int width, int scale, out Int128 unscaled)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((Int128)(uint)bits[2] << 64) | ((Int128)(uint)bits[1] << 32) | (uint)bits[0];
        var sourceScale = (bits[3] >> 16) & 0xFF;
        var negative = bits[3] < 0;
        if (sourceScale > scale)
        {
            var divisor = PowersOfTen[sourceScale - scale];
            var quotient = Int128.DivRem(mantissa, divisor);
            mantissa = quotient.Quotient + (quotient.Remainder * 2 >= divisor ? 1 : 0);
        }
        else if (sourceScale < scale)
        {
            // The mantissa is below 2^96 and the factor at most 10^38, so overflow is possible: check.
            var factor = PowersOfTen[scale - sourceScale];
            if (mantissa != 0 && mantissa > PowersOfTen[38] / factor)
            {
                unscaled = default;
                return false;
            }

            mantissa *= factor;
        }

        unscaled = negative ? -mantissa : mantissa;
        return mantissa < PowersOfTen[width];
    }

    /// <summary>
    /// An unscaled value at <paramref name="fromScale"/> moved to <paramref name="scale"/> exactly; false when digits
    /// after the point would be lost or it needs more than <paramref name="width"/> digits.
    /// </summary>
    public static bool TryRescaleDecimal(Int128 value, int fromScale, int width, int scale, out Int128 unscaled)
    {
        unscaled = default;
        if (fromScale > scale)
        {
            var (quotient, remainder) = Int128.DivRem(value, PowersOfTen[fromScale - scale]);
            if (remainder != 0)
            {
                return false;
            }

            value = quotient;
        }
        else if (fromScale < scale)
        {
            var bound = PowersOfTen[width] / PowersOfTen[scale - fromScale];
            if (value >= bound || value <= -bound)
            {
                return false;
            }

            value *= PowersOfTen[scale - fromScale];
        }

        unscaled = value;
        return value < PowersOfTen[width] && value > -PowersOfTen[width];
    }

    /// <summary>The unscaled integer of an integer value at <paramref name="scale"/>; false when it needs more than <paramref name="width"/> digits.</summary>
    public static bool TryScaleInteger(Int128 value, int width, int scale, out Int128 unscaled)
    {
        var integerLimit = PowersOfTen[width - scale];
        if (value <= -integerLimit || value >= integerLimit)
        {
            unscaled = default;
            return false;
        }

        unscaled = value * PowersOfTen[scale];
        return true;
    }

    private static long FloorDiv(long value, long divisor)
    {
        var quotient = Math.DivRem(value, divisor, out var remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    private static Int128[] CreatePowersOfTen()
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
