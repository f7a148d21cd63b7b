using System.Buffers.Binary;
using System.Text;
using Nagare.Core.Types;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// PostgreSQL's binary send format for one .NET value type: what <c>COPY … FROM STDIN (FORMAT BINARY)</c> hands to
/// the column type's receive function. Implemented by small structs so that a column writer generic over the
/// encoder is compiled once per type with the encoding inlined.
/// </summary>
/// <typeparam name="T">The value type a batch vector holds.</typeparam>
internal interface IPostgresBinaryEncoder<T>
{
    /// <summary>The type's OID, written into array headers (the server checks it against the column's element type).</summary>
    static abstract uint Oid { get; }

    /// <summary>Writes the payload of <paramref name="value"/>; false when <paramref name="destination"/> is too small.</summary>
    /// <exception cref="ArgumentException">The value is one PostgreSQL cannot store (e.g. text with a NUL character).</exception>
    static abstract bool TryEncode(T value, Span<byte> destination, out int written);
}

/// <summary>The epoch constants and shared pieces of the encoders.</summary>
internal static class PostgresBinaryFormat
{
    /// <summary>Days from 0001-01-01 to PostgreSQL's epoch, 2000-01-01.</summary>
    public const int EpochDayNumber = 730119;

    /// <summary>Ticks of PostgreSQL's epoch, 2000-01-01T00:00:00.</summary>
    public const long EpochTicks = EpochDayNumber * TimeSpan.TicksPerDay;

    /// <summary>Strict, as the driver's was: a lone surrogate fails the value instead of becoming U+FFFD silently.</summary>
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>PostgreSQL rejects NUL in text; saying so here names the value instead of an encoding error by COPY line.</summary>
    public static void EnsureNoNul(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw NulInText();
        }
    }

    /// <summary>The error for text holding a NUL character.</summary>
    public static ArgumentException NulInText() =>
        new("the text contains a NUL character (\\0), which PostgreSQL cannot store in text or jsonb");
}

internal readonly struct BooleanEncoder : IPostgresBinaryEncoder<bool>
{
    public static uint Oid => 16;

    public static bool TryEncode(bool value, Span<byte> destination, out int written)
    {
        written = 1;
        if (destination.IsEmpty)
        {
            return false;
        }

        destination[0] = value ? (byte)1 : (byte)0;
        return true;
    }
}

internal readonly struct Int16Encoder : IPostgresBinaryEncoder<short>
{
    public static uint Oid => 21;

    public static bool TryEncode(short value, Span<byte> destination, out int written)
    {
        written = 2;
        return BinaryPrimitives.TryWriteInt16BigEndian(destination, value);
    }
}

internal readonly struct Int32Encoder : IPostgresBinaryEncoder<int>
{
    public static uint Oid => 23;

    public static bool TryEncode(int value, Span<byte> destination, out int written)
    {
        written = 4;
        return BinaryPrimitives.TryWriteInt32BigEndian(destination, value);
    }
}

internal readonly struct Int64Encoder : IPostgresBinaryEncoder<long>
{
    public static uint Oid => 20;

    public static bool TryEncode(long value, Span<byte> destination, out int written)
    {
        written = 8;
        return BinaryPrimitives.TryWriteInt64BigEndian(destination, value);
    }
}

/// <summary>int8 and uint8 are declared smallint.</summary>
internal readonly struct SByteEncoder : IPostgresBinaryEncoder<sbyte>
{
    public static uint Oid => Int16Encoder.Oid;

    public static bool TryEncode(sbyte value, Span<byte> destination, out int written) => Int16Encoder.TryEncode(value, destination, out written);
}

internal readonly struct ByteEncoder : IPostgresBinaryEncoder<byte>
{
    public static uint Oid => Int16Encoder.Oid;

    public static bool TryEncode(byte value, Span<byte> destination, out int written) => Int16Encoder.TryEncode(value, destination, out written);
}

/// <summary>uint16 is declared integer.</summary>
internal readonly struct UInt16Encoder : IPostgresBinaryEncoder<ushort>
{
    public static uint Oid => Int32Encoder.Oid;

    public static bool TryEncode(ushort value, Span<byte> destination, out int written) => Int32Encoder.TryEncode(value, destination, out written);
}

/// <summary>uint32 is declared bigint.</summary>
internal readonly struct UInt32Encoder : IPostgresBinaryEncoder<uint>
{
    public static uint Oid => Int64Encoder.Oid;

    public static bool TryEncode(uint value, Span<byte> destination, out int written) => Int64Encoder.TryEncode(value, destination, out written);
}

/// <summary>uint64 is declared numeric(20,0).</summary>
internal readonly struct UInt64Encoder : IPostgresBinaryEncoder<ulong>
{
    public static uint Oid => NumericEncoder.Oid;

    public static bool TryEncode(ulong value, Span<byte> destination, out int written) => NumericEncoder.TryEncode(value, destination, out written);
}

internal readonly struct Float32Encoder : IPostgresBinaryEncoder<float>
{
    public static uint Oid => 700;

    public static bool TryEncode(float value, Span<byte> destination, out int written)
    {
        written = 4;
        return BinaryPrimitives.TryWriteSingleBigEndian(destination, value);
    }
}

internal readonly struct Float64Encoder : IPostgresBinaryEncoder<double>
{
    public static uint Oid => 701;

    public static bool TryEncode(double value, Span<byte> destination, out int written)
    {
        written = 8;
        return BinaryPrimitives.TryWriteDoubleBigEndian(destination, value);
    }
}

/// <summary>
/// numeric: digit count, weight (of the first digit, in powers of 10000), sign, display scale, then base-10000
/// digits most significant first. The display scale is the value's scale (the column's), so 1.50 stays 1.50 in an
/// unconstrained numeric column; all 38 digits are carried.
/// </summary>
internal readonly struct NumericEncoder : IPostgresBinaryEncoder<DecimalValue>
{
    private const ushort Positive = 0x0000;
    private const ushort Negative = 0x4000;

    public static uint Oid => 1700;

    public static bool TryEncode(DecimalValue value, Span<byte> destination, out int written) =>
        TryEncode(value.Unscaled, value.Scale, destination, out written);

    /// <summary>Encodes an unscaled value at <paramref name="scale"/>, as a decimal column's vector holds it.</summary>
    public static bool TryEncode(Int128 unscaled, int scale, Span<byte> destination, out int written)
    {
        Span<ushort> digits = stackalloc ushort[UnscaledDecimal.MaxBase10000Digits];
        var count = UnscaledDecimal.ToBase10000(unscaled, scale, digits, out var weight);
        written = 8 + (2 * count);
        if (destination.Length < written)
        {
            return false;
        }

        BinaryPrimitives.WriteInt16BigEndian(destination, (short)count);
        BinaryPrimitives.WriteInt16BigEndian(destination[2..], (short)weight);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], unscaled < 0 ? Negative : Positive);
        BinaryPrimitives.WriteInt16BigEndian(destination[6..], (short)scale);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(8 + (2 * i))..], digits[i]);
        }

        return true;
    }
}

/// <summary>date: days since 2000-01-01; DateOnly's extremes become ±infinity, as the reader maps them back.</summary>
internal readonly struct DateEncoder : IPostgresBinaryEncoder<DateOnly>
{
    public static uint Oid => 1082;

    public static bool TryEncode(DateOnly value, Span<byte> destination, out int written)
    {
        var days = value == DateOnly.MaxValue ? int.MaxValue
            : value == DateOnly.MinValue ? int.MinValue
            : value.DayNumber - PostgresBinaryFormat.EpochDayNumber;
        return Int32Encoder.TryEncode(days, destination, out written);
    }
}

/// <summary>time: microseconds since midnight (ticks beyond the microsecond are cut, as the driver did).</summary>
internal readonly struct TimeEncoder : IPostgresBinaryEncoder<TimeOnly>
{
    public static uint Oid => 1083;

    public static bool TryEncode(TimeOnly value, Span<byte> destination, out int written) =>
        Int64Encoder.TryEncode(value.Ticks / 10, destination, out written);
}

/// <summary>timestamp: microseconds since 2000-01-01, whatever the DateTime's kind; its extremes become ±infinity.</summary>
internal readonly struct TimestampEncoder : IPostgresBinaryEncoder<DateTime>
{
    public static uint Oid => 1114;

    public static bool TryEncode(DateTime value, Span<byte> destination, out int written) =>
        Int64Encoder.TryEncode(Microseconds(value.Ticks), destination, out written);

    public static long Microseconds(long ticks) =>
        ticks == DateTime.MaxValue.Ticks ? long.MaxValue
        : ticks == DateTime.MinValue.Ticks ? long.MinValue
        : (ticks - PostgresBinaryFormat.EpochTicks) / 10;
}

/// <summary>timestamptz: microseconds since 2000-01-01 UTC (the offset is applied); the extremes become ±infinity.</summary>
internal readonly struct TimestampTzEncoder : IPostgresBinaryEncoder<DateTimeOffset>
{
    public static uint Oid => 1184;

    public static bool TryEncode(DateTimeOffset value, Span<byte> destination, out int written) =>
        Int64Encoder.TryEncode(TimestampEncoder.Microseconds(value.UtcTicks), destination, out written);
}

/// <summary>interval: microseconds (int64), days (int32), months (int32).</summary>
internal readonly struct IntervalEncoder : IPostgresBinaryEncoder<Interval>
{
    public static uint Oid => 1186;

    public static bool TryEncode(Interval value, Span<byte> destination, out int written)
    {
        written = 16;
        if (destination.Length < written)
        {
            return false;
        }

        BinaryPrimitives.WriteInt64BigEndian(destination, value.Microseconds);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], value.Days);
        BinaryPrimitives.WriteInt32BigEndian(destination[12..], value.Months);
        return true;
    }
}

/// <summary>uuid: the 16 bytes in RFC 4122 (big-endian) order.</summary>
internal readonly struct UuidEncoder : IPostgresBinaryEncoder<Guid>
{
    public static uint Oid => 2950;

    public static bool TryEncode(Guid value, Span<byte> destination, out int written)
    {
        written = 16;
        return value.TryWriteBytes(destination, bigEndian: true, out _);
    }
}

/// <summary>text: UTF-8 bytes (the session's client encoding).</summary>
internal readonly struct TextEncoder : IPostgresBinaryEncoder<string>
{
    public static uint Oid => 25;

    public static bool TryEncode(string value, Span<byte> destination, out int written)
    {
        PostgresBinaryFormat.EnsureNoNul(value);
        return PostgresBinaryFormat.Utf8.TryGetBytes(value, destination, out written);
    }
}

/// <summary>jsonb: format version 1, then the JSON text in UTF-8 (the server parses and validates it).</summary>
internal readonly struct JsonbEncoder : IPostgresBinaryEncoder<string>
{
    public static uint Oid => 3802;

    public static bool TryEncode(string value, Span<byte> destination, out int written)
    {
        PostgresBinaryFormat.EnsureNoNul(value);
        written = 0;
        if (destination.IsEmpty || !PostgresBinaryFormat.Utf8.TryGetBytes(value, destination[1..], out var text))
        {
            return false;
        }

        destination[0] = 1;
        written = text + 1;
        return true;
    }
}

internal readonly struct ByteaEncoder : IPostgresBinaryEncoder<byte[]>
{
    public static uint Oid => 17;

    public static bool TryEncode(byte[] value, Span<byte> destination, out int written)
    {
        written = value.Length;
        return value.AsSpan().TryCopyTo(destination);
    }
}
