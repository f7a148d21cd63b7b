using System.Buffers.Binary;
using System.Globalization;
using Nagare.Core.Batches;
using Nagare.Core.Text;
using Nagare.Core.Types;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// Encodes one column of a batch into binary COPY fields (int32 length, −1 for NULL, then the payload) for the type
/// <see cref="PostgresDialect.TypeName"/> declares for it. Chosen once per writer and bound to each batch's vector,
/// so a value goes from the vector's array into the send buffer without boxing or a driver call.
/// </summary>
internal abstract class PostgresColumnWriter
{
    /// <summary>Takes the arrays of the next batch's vector.</summary>
    /// <exception cref="InvalidCastException">The vector holds another value type than the column's.</exception>
    public abstract void Bind(ColumnVector vector);

    /// <summary>Writes row <paramref name="row"/>'s field at the start of <paramref name="destination"/>.</summary>
    /// <returns>The bytes written, or −1 when the field does not fit (nothing meaningful was written).</returns>
    public abstract int Write(int row, Span<byte> destination);

    /// <summary>The writer for canonical type <paramref name="type"/>.</summary>
    public static PostgresColumnWriter Create(ColumnType type) => type.Kind switch
    {
        ColumnKind.Boolean => new ValueWriter<bool, BooleanEncoder>(),
        ColumnKind.Int16 => new ValueWriter<short, Int16Encoder>(),
        ColumnKind.Int32 => new ValueWriter<int, Int32Encoder>(),
        ColumnKind.Int64 => new ValueWriter<long, Int64Encoder>(),
        ColumnKind.Float32 => new ValueWriter<float, Float32Encoder>(),
        ColumnKind.Float64 => new ValueWriter<double, Float64Encoder>(),
        ColumnKind.Decimal => new DecimalWriter(type.Scale),
        ColumnKind.Date => new ValueWriter<DateOnly, DateEncoder>(),
        ColumnKind.Time => new ValueWriter<TimeOnly, TimeEncoder>(),
        ColumnKind.Timestamp => new ValueWriter<DateTime, TimestampEncoder>(),
        ColumnKind.TimestampTz => new ValueWriter<DateTimeOffset, TimestampTzEncoder>(),
        ColumnKind.Uuid => new ValueWriter<Guid, UuidEncoder>(),
        ColumnKind.Interval => new ValueWriter<Interval, IntervalEncoder>(),
        ColumnKind.Int8 => new ValueWriter<sbyte, SByteEncoder>(),
        ColumnKind.UInt8 => new ValueWriter<byte, ByteEncoder>(),
        ColumnKind.UInt16 => new ValueWriter<ushort, UInt16Encoder>(),
        ColumnKind.UInt32 => new ValueWriter<uint, UInt32Encoder>(),
        ColumnKind.UInt64 => new ValueWriter<ulong, UInt64Encoder>(),
        ColumnKind.String => new TextWriter<TextEncoder>(jsonb: false),
        ColumnKind.Json => new TextWriter<JsonbEncoder>(jsonb: true),
        ColumnKind.Bytes => new ReferenceWriter<byte[], ByteaEncoder>(),
        ColumnKind.Struct => new JsonWriter<IReadOnlyDictionary<string, object?>>(),
        ColumnKind.List when type.Element!.Kind is ColumnKind.List or ColumnKind.Struct => new JsonWriter<object?[]>(),
        ColumnKind.List => CreateList(type.Element!),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column kind."),
    };

    /// <summary>Writes NULL's field: length −1 and no payload.</summary>
    protected static int WriteNull(Span<byte> destination) =>
        BinaryPrimitives.TryWriteInt32BigEndian(destination, -1) ? 4 : -1;

    /// <summary>Writes a non-NULL field: its length, then the payload.</summary>
    protected static int WriteValue<T, TEncoder>(T value, Span<byte> destination)
        where TEncoder : IPostgresBinaryEncoder<T>
    {
        if (destination.Length < 4 || !TEncoder.TryEncode(value, destination[4..], out var written))
        {
            return -1;
        }

        BinaryPrimitives.WriteInt32BigEndian(destination, written);
        return 4 + written;
    }

    // Elements are boxed in a list vector; they are converted as the canonical element type allows (a wider value
    // fails with OverflowException, reported as a bad value) and encoded as the array's element type.
    private static PostgresColumnWriter CreateList(ColumnType element) => element.Kind switch
    {
        ColumnKind.Boolean => new ListWriter<bool, BooleanEncoder>(static v => (bool)v),
        ColumnKind.Int8 or ColumnKind.Int16 or ColumnKind.UInt8 => new ListWriter<short, Int16Encoder>(static v => Convert.ToInt16(v, CultureInfo.InvariantCulture)),
        ColumnKind.Int32 or ColumnKind.UInt16 => new ListWriter<int, Int32Encoder>(static v => Convert.ToInt32(v, CultureInfo.InvariantCulture)),
        ColumnKind.Int64 or ColumnKind.UInt32 => new ListWriter<long, Int64Encoder>(static v => Convert.ToInt64(v, CultureInfo.InvariantCulture)),
        ColumnKind.Float32 => new ListWriter<float, Float32Encoder>(static v => (float)v),
        ColumnKind.Float64 => new ListWriter<double, Float64Encoder>(static v => (double)v),
        ColumnKind.Decimal or ColumnKind.UInt64 => new ListWriter<DecimalValue, NumericEncoder>(static v => v switch
        {
            DecimalValue d => d,
            decimal m => DecimalValue.FromDecimal(m),
            ulong u => new DecimalValue(u, 0),
            _ => new DecimalValue(Convert.ToInt64(v, CultureInfo.InvariantCulture), 0),
        }),
        ColumnKind.String => new ListWriter<string, TextEncoder>(static v => (string)v),
        ColumnKind.Json => new ListWriter<string, JsonbEncoder>(static v => (string)v),
        ColumnKind.Bytes => new ListWriter<byte[], ByteaEncoder>(static v => (byte[])v),
        ColumnKind.Date => new ListWriter<DateOnly, DateEncoder>(static v => (DateOnly)v),
        ColumnKind.Time => new ListWriter<TimeOnly, TimeEncoder>(static v => (TimeOnly)v),
        ColumnKind.Timestamp => new ListWriter<DateTime, TimestampEncoder>(static v => (DateTime)v),
        ColumnKind.TimestampTz => new ListWriter<DateTimeOffset, TimestampTzEncoder>(static v => (DateTimeOffset)v),
        ColumnKind.Interval => new ListWriter<Interval, IntervalEncoder>(static v => (Interval)v),
        ColumnKind.Uuid => new ListWriter<Guid, UuidEncoder>(static v => (Guid)v),
        _ => throw new ArgumentOutOfRangeException(nameof(element), element, "Unknown list element kind."),
    };

    private sealed class ValueWriter<T, TEncoder> : PostgresColumnWriter
        where TEncoder : struct, IPostgresBinaryEncoder<T>
    {
        private T[] _values = [];
        private bool[] _nulls = [];

        public override void Bind(ColumnVector vector)
        {
            _values = ((ColumnVector<T>)vector).Values;
            _nulls = vector.Nulls;
        }

        public override int Write(int row, Span<byte> destination) =>
            _nulls[row] ? WriteNull(destination) : WriteValue<T, TEncoder>(_values[row], destination);
    }

    /// <summary>numeric from a decimal column's unscaled integers, at the column's scale.</summary>
    private sealed class DecimalWriter(int scale) : PostgresColumnWriter
    {
        private Int128[] _values = [];
        private bool[] _nulls = [];

        public override void Bind(ColumnVector vector)
        {
            _values = ((ColumnVector<Int128>)vector).Values;
            _nulls = vector.Nulls;
        }

        public override int Write(int row, Span<byte> destination)
        {
            if (_nulls[row])
            {
                return WriteNull(destination);
            }

            if (destination.Length < 4 || !NumericEncoder.TryEncode(_values[row], scale, destination[4..], out var written))
            {
                return -1;
            }

            BinaryPrimitives.WriteInt32BigEndian(destination, written);
            return 4 + written;
        }
    }

    private sealed class ReferenceWriter<T, TEncoder> : PostgresColumnWriter
        where T : class
        where TEncoder : struct, IPostgresBinaryEncoder<T>
    {
        private T?[] _values = [];
        private bool[] _nulls = [];

        public override void Bind(ColumnVector vector)
        {
            _values = ((ColumnVector<T?>)vector).Values;
            _nulls = vector.Nulls;
        }

        public override int Write(int row, Span<byte> destination) =>
            _nulls[row] || _values[row] is not { } value ? WriteNull(destination) : WriteValue<T, TEncoder>(value, destination);
    }

    /// <summary>
    /// text and jsonb. A column a source filled as UTF-8 (<see cref="ColumnVector{T}.Utf8"/>) is copied as bytes,
    /// never becoming .NET strings; otherwise the strings are encoded.
    /// </summary>
    private sealed class TextWriter<TEncoder>(bool jsonb) : PostgresColumnWriter
        where TEncoder : struct, IPostgresBinaryEncoder<string>
    {
        private string?[] _values = [];
        private Utf8Values? _utf8;
        private bool[] _nulls = [];

        public override void Bind(ColumnVector vector)
        {
            var typed = (ColumnVector<string?>)vector;
            _utf8 = typed.Utf8;
            _values = _utf8 is null ? typed.Values : [];
            _nulls = vector.Nulls;
        }

        public override int Write(int row, Span<byte> destination)
        {
            if (_nulls[row])
            {
                return WriteNull(destination);
            }

            if (_utf8 is null)
            {
                return _values[row] is { } value ? WriteValue<string, TEncoder>(value, destination) : WriteNull(destination);
            }

            var bytes = _utf8[row];
            if (bytes.Contains((byte)0))
            {
                throw PostgresBinaryFormat.NulInText();
            }

            var prefix = jsonb ? 1 : 0;
            var length = prefix + bytes.Length;
            if (destination.Length < 4 + length)
            {
                return -1;
            }

            BinaryPrimitives.WriteInt32BigEndian(destination, length);
            if (jsonb)
            {
                destination[4] = 1;
            }

            bytes.CopyTo(destination[(4 + prefix)..]);
            return 4 + length;
        }
    }

    /// <summary>
    /// A one-dimensional array: dimensions, has-NULL flag, element OID, length and lower bound 1, then each
    /// element as a field. An empty list is written with no dimensions, as PostgreSQL itself sends '{}'.
    /// </summary>
    private sealed class ListWriter<TElement, TEncoder>(Func<object, TElement> convert) : PostgresColumnWriter
        where TEncoder : struct, IPostgresBinaryEncoder<TElement>
    {
        private object?[]?[] _values = [];
        private bool[] _nulls = [];

        public override void Bind(ColumnVector vector)
        {
            _values = ((ColumnVector<object?[]?>)vector).Values;
            _nulls = vector.Nulls;
        }

        public override int Write(int row, Span<byte> destination)
        {
            if (_nulls[row] || _values[row] is not { } elements)
            {
                return WriteNull(destination);
            }

            var header = elements.Length == 0 ? 12 : 20;
            if (destination.Length < 4 + header)
            {
                return -1;
            }

            var position = 4 + header;
            var hasNull = false;
            foreach (var element in elements)
            {
                var written = element is null
                    ? WriteNull(destination[position..])
                    : WriteValue<TElement, TEncoder>(convert(element), destination[position..]);
                if (written < 0)
                {
                    return -1;
                }

                hasNull |= element is null;
                position += written;
            }

            BinaryPrimitives.WriteInt32BigEndian(destination, position - 4);
            BinaryPrimitives.WriteInt32BigEndian(destination[4..], elements.Length == 0 ? 0 : 1);
            BinaryPrimitives.WriteInt32BigEndian(destination[8..], hasNull ? 1 : 0);
            BinaryPrimitives.WriteUInt32BigEndian(destination[12..], TEncoder.Oid);
            if (elements.Length > 0)
            {
                BinaryPrimitives.WriteInt32BigEndian(destination[16..], elements.Length);
                BinaryPrimitives.WriteInt32BigEndian(destination[20..], 1);
            }

            return position;
        }
    }

    /// <summary>Structs and nested lists, which PostgreSQL arrays cannot hold, as jsonb.</summary>
    private sealed class JsonWriter<T> : PostgresColumnWriter
        where T : class
    {
        private T?[] _values = [];
        private bool[] _nulls = [];
        private ColumnType? _type;

        public override void Bind(ColumnVector vector)
        {
            _values = ((ColumnVector<T?>)vector).Values;
            _nulls = vector.Nulls;
            _type = vector.Type;
        }

        public override int Write(int row, Span<byte> destination) =>
            _nulls[row] || _values[row] is not { } value ? WriteNull(destination) : WriteValue<string, JsonbEncoder>(ValueFormat.ToJson(value, _type), destination);
    }
}
