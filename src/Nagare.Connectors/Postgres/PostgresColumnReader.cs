using System.Buffers.Binary;
using System.Text;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Types;
using NpgsqlTypes;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// Decodes one column of a binary COPY row (PostgreSQL's send format) straight into its batch vector. One small
/// reader per wire type, chosen once per read; numbers go into the vector's array without boxing, strings are
/// decoded once from the receive buffer.
/// </summary>
internal abstract class PostgresColumnReader
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private const ushort NumericPositive = 0x0000;
    private const ushort NumericNegative = 0x4000;
    private const ushort NumericNaN = 0xC000;
    private const ushort NumericPositiveInfinity = 0xD000;
    private const ushort NumericNegativeInfinity = 0xF000;

    /// <summary>Days from 0001-01-01 to PostgreSQL's epoch, 2000-01-01.</summary>
    private const int EpochDayNumber = 730119;

    /// <summary>Ticks of PostgreSQL's epoch, 2000-01-01T00:00:00.</summary>
    private const long EpochTicks = EpochDayNumber * TimeSpan.TicksPerDay;

    /// <summary>Decodes the non-NULL value <paramref name="value"/> into row <paramref name="row"/>.</summary>
    public abstract void Read(ReadOnlySpan<byte> value, int row);

    /// <summary>Marks row <paramref name="row"/> NULL.</summary>
    public abstract void ReadNull(int row);

    /// <summary>Called before the first row of every batch.</summary>
    public virtual void BeginBatch()
    {
    }

    /// <summary>The reader for a column of canonical type <paramref name="type"/> arriving as <paramref name="wire"/>.</summary>
    /// <param name="vector">The batch vector to fill.</param>
    /// <param name="type">The canonical type.</param>
    /// <param name="wire">The PostgreSQL type on the wire.</param>
    /// <param name="describe">Names the column and table, for errors.</param>
    /// <param name="castKey">The column's key in a sync's column mapping (<c>table.column</c>), for hints.</param>
    public static PostgresColumnReader Create(ColumnVector vector, ColumnType type, NpgsqlDbType wire, Func<string> describe, string? castKey = null) =>
        Create(vector, type, wire, describe, () => castKey ?? "table.column");

    /// <summary>As <see cref="Create(ColumnVector, ColumnType, NpgsqlDbType, Func{string}, string?)"/>, for a reader whose table changes as it reads.</summary>
    public static PostgresColumnReader Create(ColumnVector vector, ColumnType type, NpgsqlDbType wire, Func<string> describe, Func<string> castKey)
    {
        if (type.Kind == ColumnKind.List)
        {
            var element = Element(type.Element!, wire & ~NpgsqlDbType.Array, describe);
            return new ListReader(vector, element, describe);
        }

        return type.Kind switch
        {
            ColumnKind.Boolean => new ValueReader<bool>(vector, static v => v[0] != 0),
            ColumnKind.Int16 => new ValueReader<short>(vector, static v => BinaryPrimitives.ReadInt16BigEndian(v)),
            ColumnKind.Int32 => new ValueReader<int>(vector, static v => BinaryPrimitives.ReadInt32BigEndian(v)),
            ColumnKind.Int64 => new ValueReader<long>(vector, static v => BinaryPrimitives.ReadInt64BigEndian(v)),
            ColumnKind.Float32 => new ValueReader<float>(vector, static v => BinaryPrimitives.ReadSingleBigEndian(v)),
            ColumnKind.Float64 => new ValueReader<double>(vector, static v => BinaryPrimitives.ReadDoubleBigEndian(v)),
            ColumnKind.Decimal => new DecimalReader(vector, type, wire == NpgsqlDbType.Money, describe, castKey),
            ColumnKind.String or ColumnKind.Json => new StringReader(vector, wire == NpgsqlDbType.Jsonb, describe),
            ColumnKind.Bytes => new BytesReader(vector),
            ColumnKind.Date => new CheckedReader<DateOnly>(vector, ReadDate, describe),
            ColumnKind.Time => new CheckedReader<TimeOnly>(vector, ReadTime, describe),
            ColumnKind.Timestamp => new CheckedReader<DateTime>(vector, ReadTimestamp, describe),
            ColumnKind.TimestampTz => new CheckedReader<DateTimeOffset>(vector, ReadTimestampTz, describe),
            ColumnKind.Interval => new ValueReader<Interval>(vector, ReadInterval),
            ColumnKind.Uuid => new ValueReader<Guid>(vector, static v => new Guid(v, bigEndian: true)),
            ColumnKind.Int8 => new CheckedReader<sbyte>(vector, static v => checked((sbyte)BinaryPrimitives.ReadInt16BigEndian(v)), describe),
            ColumnKind.UInt8 => new CheckedReader<byte>(vector, static v => checked((byte)BinaryPrimitives.ReadInt16BigEndian(v)), describe),
            ColumnKind.UInt16 => new CheckedReader<ushort>(vector, static v => checked((ushort)BinaryPrimitives.ReadInt32BigEndian(v)), describe),
            ColumnKind.UInt32 => new CheckedReader<uint>(vector, static v => checked((uint)BinaryPrimitives.ReadInt64BigEndian(v)), describe),
            ColumnKind.UInt64 => new CheckedReader<ulong>(vector, static v => TryReadNumeric(v, 0, out var n) ? checked((ulong)n) : throw new OverflowException(NumericText(v)), describe),
            _ => throw new ConnectorException($"{describe()}: type {type} cannot be read from PostgreSQL; use json or string."),
        };
    }

    /// <summary>Decodes one array element to the boxed value a list column holds.</summary>
    private static Func<ReadOnlySpan<byte>, object> Element(ColumnType element, NpgsqlDbType wire, Func<string> describe) => element.Kind switch
    {
        ColumnKind.Boolean => static v => v[0] != 0,
        ColumnKind.Int16 => static v => BinaryPrimitives.ReadInt16BigEndian(v),
        ColumnKind.Int32 => static v => BinaryPrimitives.ReadInt32BigEndian(v),
        ColumnKind.Int64 => static v => BinaryPrimitives.ReadInt64BigEndian(v),
        ColumnKind.Float32 => static v => BinaryPrimitives.ReadSingleBigEndian(v),
        ColumnKind.Float64 => static v => BinaryPrimitives.ReadDoubleBigEndian(v),
        ColumnKind.Decimal when wire == NpgsqlDbType.Money => static v => new DecimalValue(BinaryPrimitives.ReadInt64BigEndian(v), 2),
        ColumnKind.Decimal => v => TryReadNumeric(v, element.Scale, out var n) && UnscaledDecimal.FitsPrecision(n, element.Precision)
            ? new DecimalValue(n, element.Scale)
            : throw new OverflowException($"the value {NumericText(v)} does not fit {element}"),
        ColumnKind.String or ColumnKind.Json when wire == NpgsqlDbType.Jsonb => static v => DecodeJsonb(v),
        ColumnKind.String or ColumnKind.Json => static v => Utf8.GetString(v),
        ColumnKind.Bytes => static v => v.ToArray(),
        ColumnKind.Date => static v => ReadDate(v),
        ColumnKind.Time => static v => ReadTime(v),
        ColumnKind.Timestamp => static v => ReadTimestamp(v),
        ColumnKind.TimestampTz => static v => ReadTimestampTz(v),
        ColumnKind.Interval => static v => ReadInterval(v),
        ColumnKind.Uuid => static v => new Guid(v, bigEndian: true),
        _ => throw new ConnectorException($"{describe()}: list<{element}> cannot be read from PostgreSQL; use json or list<string>."),
    };

    /// <summary>date: days since 2000-01-01; ±infinity become DateOnly's extremes.</summary>
    private static DateOnly ReadDate(ReadOnlySpan<byte> v)
    {
        var days = BinaryPrimitives.ReadInt32BigEndian(v);
        return days switch
        {
            int.MaxValue => DateOnly.MaxValue,
            int.MinValue => DateOnly.MinValue,
            _ => DateOnly.FromDayNumber(checked(days + EpochDayNumber)),
        };
    }

    /// <summary>time: microseconds since midnight.</summary>
    private static TimeOnly ReadTime(ReadOnlySpan<byte> v) => new(checked(BinaryPrimitives.ReadInt64BigEndian(v) * 10));

    /// <summary>timestamp: microseconds since 2000-01-01, as an unspecified-kind DateTime; ±infinity become its extremes.</summary>
    private static DateTime ReadTimestamp(ReadOnlySpan<byte> v)
    {
        var micros = BinaryPrimitives.ReadInt64BigEndian(v);
        return micros switch
        {
            long.MaxValue => DateTime.MaxValue,
            long.MinValue => DateTime.MinValue,
            _ => new DateTime(checked(EpochTicks + (micros * 10)), DateTimeKind.Unspecified),
        };
    }

    /// <summary>timestamptz: microseconds since 2000-01-01 UTC, at offset zero; ±infinity become the extremes.</summary>
    private static DateTimeOffset ReadTimestampTz(ReadOnlySpan<byte> v)
    {
        var micros = BinaryPrimitives.ReadInt64BigEndian(v);
        return micros switch
        {
            long.MaxValue => DateTimeOffset.MaxValue,
            long.MinValue => DateTimeOffset.MinValue,
            _ => new DateTimeOffset(checked(EpochTicks + (micros * 10)), TimeSpan.Zero),
        };
    }

    /// <summary>interval: microseconds, days, months.</summary>
    private static Interval ReadInterval(ReadOnlySpan<byte> v) =>
        new(BinaryPrimitives.ReadInt32BigEndian(v[12..]), BinaryPrimitives.ReadInt32BigEndian(v[8..]), BinaryPrimitives.ReadInt64BigEndian(v));

    private static string DecodeJsonb(ReadOnlySpan<byte> v)
    {
        if (v.IsEmpty || v[0] != 1)
        {
            throw new FormatException($"unsupported jsonb format version {(v.IsEmpty ? "(none)" : v[0].ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        }

        return Utf8.GetString(v[1..]);
    }

    /// <summary>
    /// numeric: digit count, weight (of the first base-10000 digit), sign, display scale, then the digits. Gives the
    /// unscaled value at <paramref name="scale"/> without rounding; false for NaN and ±Infinity, a value with more
    /// digits after the point, or one of more than 38 digits (<see cref="NumericText"/> names it for the error).
    /// </summary>
    internal static bool TryReadNumeric(ReadOnlySpan<byte> v, int scale, out Int128 unscaled)
    {
        int count = BinaryPrimitives.ReadInt16BigEndian(v);
        int weight = BinaryPrimitives.ReadInt16BigEndian(v[2..]);
        var sign = BinaryPrimitives.ReadUInt16BigEndian(v[4..]);

        // 38 digits span at most 11 base-10000 digits; PostgreSQL sends no leading or trailing zero digits.
        if (sign is not (NumericPositive or NumericNegative) || count > 11)
        {
            unscaled = default;
            return false;
        }

        Span<ushort> digits = stackalloc ushort[count];
        for (var i = 0; i < count; i++)
        {
            digits[i] = BinaryPrimitives.ReadUInt16BigEndian(v[(8 + (2 * i))..]);
        }

        return UnscaledDecimal.TryFromBase10000(digits, weight, sign == NumericNegative, scale, out unscaled);
    }

    /// <summary>The exact text of a numeric value as PostgreSQL prints it (<c>NaN</c>, <c>-Infinity</c>, <c>-1.50</c>), for errors.</summary>
    internal static string NumericText(ReadOnlySpan<byte> v)
    {
        int count = BinaryPrimitives.ReadInt16BigEndian(v);
        int weight = BinaryPrimitives.ReadInt16BigEndian(v[2..]);
        var sign = BinaryPrimitives.ReadUInt16BigEndian(v[4..]);
        int scale = BinaryPrimitives.ReadInt16BigEndian(v[6..]);
        switch (sign)
        {
            case NumericNaN: return "NaN";
            case NumericPositiveInfinity: return "Infinity";
            case NumericNegativeInfinity: return "-Infinity";
        }

        var digits = new ushort[count];
        for (var i = 0; i < count; i++)
        {
            digits[i] = BinaryPrimitives.ReadUInt16BigEndian(v[(8 + (2 * i))..]);
        }

        var text = new StringBuilder();
        if (sign == NumericNegative && count > 0)
        {
            text.Append('-');
        }

        if (weight < 0)
        {
            text.Append('0');
        }

        for (var i = 0; i <= weight; i++)
        {
            text.Append(Digit(digits, i).ToString(i == 0 ? "D" : "D4", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (scale > 0)
        {
            var fraction = new StringBuilder();
            for (var i = weight + 1; fraction.Length < scale; i++)
            {
                fraction.Append(Digit(digits, i).ToString("D4", System.Globalization.CultureInfo.InvariantCulture));
            }

            text.Append('.').Append(fraction.ToString(0, scale));
        }

        return text.ToString();
    }

    private static ushort Digit(ReadOnlySpan<ushort> digits, int i) => i >= 0 && i < digits.Length ? digits[i] : (ushort)0;

    private static ConnectorException Unreadable(Func<string> describe, Exception inner) =>
        new($"{describe()}: a value could not be read ({inner.Message}).", inner)
        {
            Hint = "Cast the column to string in the sync's column mapping: columns: { \"table.column\": { cast: string } }.",
        };

    private sealed class ValueReader<T>(ColumnVector vector, ValueDecoder<T> decode) : PostgresColumnReader
    {
        private readonly T[] _values = ((ColumnVector<T>)vector).Values;
        private readonly bool[] _nulls = vector.Nulls;

        public override void Read(ReadOnlySpan<byte> value, int row)
        {
            _values[row] = decode(value);
            _nulls[row] = false;
        }

        public override void ReadNull(int row)
        {
            _values[row] = default!;
            _nulls[row] = true;
        }
    }

    /// <summary>A value whose conversion can overflow the canonical type (narrowing, out-of-range dates).</summary>
    private sealed class CheckedReader<T>(ColumnVector vector, ValueDecoder<T> decode, Func<string> describe) : PostgresColumnReader
    {
        private readonly T[] _values = ((ColumnVector<T>)vector).Values;
        private readonly bool[] _nulls = vector.Nulls;

        public override void Read(ReadOnlySpan<byte> value, int row)
        {
            try
            {
                _values[row] = decode(value);
            }
            catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
            {
                throw new ConnectorException($"{describe()}: a value does not fit {typeof(T).Name}.", e)
                {
                    Hint = "Cast the column to a wider type in the sync's column mapping, e.g. columns: { \"table.column\": { cast: int64 } } (or string).",
                };
            }

            _nulls[row] = false;
        }

        public override void ReadNull(int row)
        {
            _values[row] = default!;
            _nulls[row] = true;
        }
    }

    /// <summary>
    /// Text stays UTF-8 (as PostgreSQL sends it with client_encoding UTF8): it is checked and copied into the vector's
    /// byte buffer, and becomes .NET strings only if a consumer asks for them.
    /// </summary>
    private sealed class StringReader(ColumnVector vector, bool jsonb, Func<string> describe) : PostgresColumnReader
    {
        private readonly ColumnVector<string?> _vector = (ColumnVector<string?>)vector;
        private readonly bool[] _nulls = vector.Nulls;
        /// <summary>The current batch's buffer; <see cref="BeginBatch"/> runs before every batch's first row.</summary>
        private Utf8Values? _utf8;

        public override void BeginBatch() => _utf8 = _vector.BeginUtf8();

        public override void Read(ReadOnlySpan<byte> value, int row)
        {
            if (jsonb)
            {
                if (value.IsEmpty || value[0] != 1)
                {
                    throw Unreadable(describe, new FormatException($"unsupported jsonb format version {(value.IsEmpty ? "(none)" : value[0].ToString(System.Globalization.CultureInfo.InvariantCulture))}"));
                }

                value = value[1..];
            }

            if (!System.Text.Unicode.Utf8.IsValid(value))
            {
                throw Unreadable(describe, new DecoderFallbackException("the text is not valid UTF-8"));
            }

            _utf8!.Set(row, value);
            _nulls[row] = false;
        }

        public override void ReadNull(int row)
        {
            _utf8!.SetEmpty(row);
            _nulls[row] = true;
        }
    }

    private sealed class BytesReader(ColumnVector vector) : PostgresColumnReader
    {
        private readonly byte[]?[] _values = ((ColumnVector<byte[]?>)vector).Values;
        private readonly bool[] _nulls = vector.Nulls;

        public override void Read(ReadOnlySpan<byte> value, int row)
        {
            _values[row] = value.ToArray();
            _nulls[row] = false;
        }

        public override void ReadNull(int row)
        {
            _values[row] = null;
            _nulls[row] = true;
        }
    }

    /// <summary>
    /// numeric (or money) into unscaled integers at the column's scale, exactly: a value with more digits after the
    /// point than the scale, more before it than the precision allows, NaN or ±Infinity fails naming the value.
    /// </summary>
    private sealed class DecimalReader(ColumnVector vector, ColumnType type, bool money, Func<string> describe, Func<string> castKey) : PostgresColumnReader
    {
        private readonly Int128[] _values = ((ColumnVector<Int128>)vector).Values;
        private readonly bool[] _nulls = vector.Nulls;

        public override void Read(ReadOnlySpan<byte> value, int row)
        {
            Int128 v;
            if (money)
            {
                // money is a count of cents; PostgreSQL prints it with two decimals.
                if (!UnscaledDecimal.TryRescale(BinaryPrimitives.ReadInt64BigEndian(value), 2, type.Scale, out v))
                {
                    throw Unfit(UnscaledDecimal.ToString(BinaryPrimitives.ReadInt64BigEndian(value), 2));
                }
            }
            else if (!TryReadNumeric(value, type.Scale, out v))
            {
                throw Unfit(NumericText(value));
            }

            if (!UnscaledDecimal.FitsPrecision(v, type.Precision))
            {
                throw Unfit(UnscaledDecimal.ToString(v, type.Scale));
            }

            _values[row] = v;
            _nulls[row] = false;
        }

        public override void ReadNull(int row)
        {
            _values[row] = 0;
            _nulls[row] = true;
        }

        private ConnectorException Unfit(string text)
        {
            var point = text.IndexOf('.', StringComparison.Ordinal);
            var fraction = point < 0 ? 0 : text.AsSpan(point + 1).TrimEnd('0').Length;
            var what = text is "NaN" or "Infinity" or "-Infinity"
                ? $"the value {text}, which a decimal cannot hold"
                : fraction > type.Scale
                    ? $"the value {text} has more than {type.Scale} digits after the point, which does not fit {type}"
                    : $"the value {text} has more than {type.Precision - type.Scale} digits before the point, which does not fit {type}";
            var hint = text is "NaN" or "Infinity" or "-Infinity"
                ? $"Cast the column where it is read, in the sync's column mapping: columns: {{ \"{castKey()}\": {{ cast: float64 }} }} keeps NaN and ±Infinity as doubles; {{ cast: string }} keeps PostgreSQL's text."
                : $"Cast the column where it is read, in the sync's column mapping: columns: {{ \"{castKey()}\": {{ cast: string }} }} keeps the exact text; {{ cast: float64 }} keeps about 15 digits; or cast to a decimal(p,s) that holds it (at most 38 digits).";
            return new ConnectorException($"{describe()}: {what}.") { Hint = hint };
        }
    }

    /// <summary>A one-dimensional array: dimensions, has-nulls flag, element type, then length-prefixed elements.</summary>
    private sealed class ListReader(ColumnVector vector, Func<ReadOnlySpan<byte>, object> element, Func<string> describe) : PostgresColumnReader
    {
        private readonly object?[]?[] _values = ((ColumnVector<object?[]?>)vector).Values;
        private readonly bool[] _nulls = vector.Nulls;

        public override void Read(ReadOnlySpan<byte> value, int row)
        {
            var dimensions = BinaryPrimitives.ReadInt32BigEndian(value);
            if (dimensions == 0)
            {
                _values[row] = [];
                _nulls[row] = false;
                return;
            }

            if (dimensions != 1)
            {
                throw new ConnectorException($"{describe()}: a {dimensions}-dimensional array cannot be read as a list.")
                {
                    Hint = "Cast the column to json in the sync's column mapping: columns: { \"table.column\": { cast: json } }.",
                };
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(value[12..]);
            var items = new object?[length];
            var position = 20;
            for (var i = 0; i < length; i++)
            {
                var size = BinaryPrimitives.ReadInt32BigEndian(value[position..]);
                position += 4;
                if (size < 0)
                {
                    continue;
                }

                try
                {
                    items[i] = element(value.Slice(position, size));
                }
                catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException or DecoderFallbackException or FormatException)
                {
                    throw Unreadable(describe, e);
                }

                position += size;
            }

            _values[row] = items;
            _nulls[row] = false;
        }

        public override void ReadNull(int row)
        {
            _values[row] = null;
            _nulls[row] = true;
        }
    }

    /// <summary>Decodes one non-NULL wire value.</summary>
    private delegate T ValueDecoder<out T>(ReadOnlySpan<byte> value);
}
