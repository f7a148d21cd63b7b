using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Nagare.Core.Batches;
using Nagare.Core.Types;
using Npgsql;
using NpgsqlTypes;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// Writes one column of a batch row into a binary COPY, as the type <see cref="PostgresDialect.TypeName"/>
/// declares for it. Chosen once per writer; scalar values go from the vector's array without boxing.
/// </summary>
internal abstract class PostgresColumnWriter
{
    /// <summary>Writes row <paramref name="row"/> of <paramref name="vector"/>.</summary>
    public abstract ValueTask WriteAsync(NpgsqlBinaryImporter importer, ColumnVector vector, int row, CancellationToken cancellationToken);

    /// <summary>The writer for canonical type <paramref name="type"/>.</summary>
    public static PostgresColumnWriter Create(ColumnType type) => type.Kind switch
    {
        ColumnKind.Boolean => new ValueWriter<bool>(NpgsqlDbType.Boolean),
        ColumnKind.Int16 => new ValueWriter<short>(NpgsqlDbType.Smallint),
        ColumnKind.Int32 => new ValueWriter<int>(NpgsqlDbType.Integer),
        ColumnKind.Int64 => new ValueWriter<long>(NpgsqlDbType.Bigint),
        ColumnKind.Float32 => new ValueWriter<float>(NpgsqlDbType.Real),
        ColumnKind.Float64 => new ValueWriter<double>(NpgsqlDbType.Double),
        ColumnKind.Decimal => new ValueWriter<decimal>(NpgsqlDbType.Numeric),
        ColumnKind.Date => new ValueWriter<DateOnly>(NpgsqlDbType.Date),
        ColumnKind.Time => new ValueWriter<TimeOnly>(NpgsqlDbType.Time),
        ColumnKind.Timestamp => new ConvertingWriter<DateTime, DateTime>(NpgsqlDbType.Timestamp, v => DateTime.SpecifyKind(v, DateTimeKind.Unspecified)),
        ColumnKind.TimestampTz => new ConvertingWriter<DateTimeOffset, DateTimeOffset>(NpgsqlDbType.TimestampTz, v => v.ToUniversalTime()),
        ColumnKind.Uuid => new ValueWriter<Guid>(NpgsqlDbType.Uuid),
        ColumnKind.Interval => new ConvertingWriter<Interval, NpgsqlInterval>(NpgsqlDbType.Interval, v => new NpgsqlInterval(v.Months, v.Days, v.Microseconds)),
        ColumnKind.Int8 => new ConvertingWriter<sbyte, short>(NpgsqlDbType.Smallint, v => v),
        ColumnKind.UInt8 => new ConvertingWriter<byte, short>(NpgsqlDbType.Smallint, v => v),
        ColumnKind.UInt16 => new ConvertingWriter<ushort, int>(NpgsqlDbType.Integer, v => v),
        ColumnKind.UInt32 => new ConvertingWriter<uint, long>(NpgsqlDbType.Bigint, v => v),
        ColumnKind.UInt64 => new ConvertingWriter<ulong, decimal>(NpgsqlDbType.Numeric, v => v),
        ColumnKind.String => new ReferenceWriter<string>(NpgsqlDbType.Text),
        ColumnKind.Json => new ReferenceWriter<string>(NpgsqlDbType.Jsonb),
        ColumnKind.Bytes => new ReferenceWriter<byte[]>(NpgsqlDbType.Bytea),
        ColumnKind.Struct => new JsonWriter<IReadOnlyDictionary<string, object?>>(),
        ColumnKind.List when type.Element!.Kind is ColumnKind.List or ColumnKind.Struct => new JsonWriter<object?[]>(),
        ColumnKind.List => CreateList(type.Element!),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column kind."),
    };

    private static PostgresColumnWriter CreateList(ColumnType element)
    {
        var wire = NpgsqlDbType.Array | PostgresConnection.CastWire(element);
        return element.Kind switch
        {
            ColumnKind.Boolean => new ListWriter<bool?>(wire, v => (bool)v),
            ColumnKind.Int8 or ColumnKind.Int16 or ColumnKind.UInt8 => new ListWriter<short?>(wire, v => Convert.ToInt16(v, CultureInfo.InvariantCulture)),
            ColumnKind.Int32 or ColumnKind.UInt16 => new ListWriter<int?>(wire, v => Convert.ToInt32(v, CultureInfo.InvariantCulture)),
            ColumnKind.Int64 or ColumnKind.UInt32 => new ListWriter<long?>(wire, v => Convert.ToInt64(v, CultureInfo.InvariantCulture)),
            ColumnKind.Float32 => new ListWriter<float?>(wire, v => (float)v),
            ColumnKind.Float64 => new ListWriter<double?>(wire, v => (double)v),
            ColumnKind.Decimal or ColumnKind.UInt64 => new ListWriter<decimal?>(wire, v => Convert.ToDecimal(v, CultureInfo.InvariantCulture)),
            ColumnKind.String or ColumnKind.Json => new ListWriter<string?>(wire, v => (string)v),
            ColumnKind.Bytes => new ListWriter<byte[]?>(wire, v => (byte[])v),
            ColumnKind.Date => new ListWriter<DateOnly?>(wire, v => (DateOnly)v),
            ColumnKind.Time => new ListWriter<TimeOnly?>(wire, v => (TimeOnly)v),
            ColumnKind.Timestamp => new ListWriter<DateTime?>(wire, v => DateTime.SpecifyKind((DateTime)v, DateTimeKind.Unspecified)),
            ColumnKind.TimestampTz => new ListWriter<DateTimeOffset?>(wire, v => ((DateTimeOffset)v).ToUniversalTime()),
            ColumnKind.Interval => new ListWriter<NpgsqlInterval?>(wire, v => v is Interval i ? new NpgsqlInterval(i.Months, i.Days, i.Microseconds) : null),
            ColumnKind.Uuid => new ListWriter<Guid?>(wire, v => (Guid)v),
            _ => throw new ArgumentOutOfRangeException(nameof(element), element, "Unknown list element kind."),
        };
    }

    private sealed class ValueWriter<T>(NpgsqlDbType wire) : PostgresColumnWriter
        where T : struct
    {
        public override ValueTask WriteAsync(NpgsqlBinaryImporter importer, ColumnVector vector, int row, CancellationToken cancellationToken)
        {
            if (vector.Nulls[row])
            {
                return new ValueTask(importer.WriteNullAsync(cancellationToken));
            }

            return new ValueTask(importer.WriteAsync(((ColumnVector<T>)vector).Values[row], wire, cancellationToken));
        }
    }

    private sealed class ConvertingWriter<T, TWire>(NpgsqlDbType wire, Func<T, TWire> convert) : PostgresColumnWriter
    {
        public override ValueTask WriteAsync(NpgsqlBinaryImporter importer, ColumnVector vector, int row, CancellationToken cancellationToken)
        {
            if (vector.Nulls[row])
            {
                return new ValueTask(importer.WriteNullAsync(cancellationToken));
            }

            return new ValueTask(importer.WriteAsync(convert(((ColumnVector<T>)vector).Values[row]), wire, cancellationToken));
        }
    }

    private sealed class ReferenceWriter<T>(NpgsqlDbType wire) : PostgresColumnWriter
        where T : class
    {
        public override ValueTask WriteAsync(NpgsqlBinaryImporter importer, ColumnVector vector, int row, CancellationToken cancellationToken)
        {
            var value = ((ColumnVector<T?>)vector).Values[row];
            if (vector.Nulls[row] || value is null)
            {
                return new ValueTask(importer.WriteNullAsync(cancellationToken));
            }

            return new ValueTask(importer.WriteAsync(value, wire, cancellationToken));
        }
    }

    private sealed class ListWriter<TElement>(NpgsqlDbType wire, Func<object, TElement> convert) : PostgresColumnWriter
    {
        public override ValueTask WriteAsync(NpgsqlBinaryImporter importer, ColumnVector vector, int row, CancellationToken cancellationToken)
        {
            var value = ((ColumnVector<object?[]?>)vector).Values[row];
            if (vector.Nulls[row] || value is null)
            {
                return new ValueTask(importer.WriteNullAsync(cancellationToken));
            }

            var elements = new TElement[value.Length];
            for (var i = 0; i < value.Length; i++)
            {
                elements[i] = value[i] is { } element ? convert(element) : default!;
            }

            return new ValueTask(importer.WriteAsync(elements, wire, cancellationToken));
        }
    }

    /// <summary>Structs and nested lists, which PostgreSQL arrays cannot hold, as jsonb.</summary>
    private sealed class JsonWriter<T> : PostgresColumnWriter
        where T : class
    {
        public override ValueTask WriteAsync(NpgsqlBinaryImporter importer, ColumnVector vector, int row, CancellationToken cancellationToken)
        {
            var value = ((ColumnVector<T?>)vector).Values[row];
            if (vector.Nulls[row] || value is null)
            {
                return new ValueTask(importer.WriteNullAsync(cancellationToken));
            }

            return new ValueTask(importer.WriteAsync(ToJson(value), NpgsqlDbType.Jsonb, cancellationToken));
        }
    }

    /// <summary>JSON text of a boxed canonical value (struct, list or scalar).</summary>
    internal static string ToJson(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case DateOnly d:
                writer.WriteStringValue(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case TimeOnly t:
                writer.WriteStringValue(t.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture));
                break;
            case DateTime t:
                writer.WriteStringValue(t.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset t:
                writer.WriteStringValue(t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "Z");
                break;
            case Guid g:
                writer.WriteStringValue(g.ToString("D"));
                break;
            case IReadOnlyDictionary<string, object?> fields:
                writer.WriteStartObject();
                foreach (var (name, field) in fields)
                {
                    writer.WritePropertyName(name);
                    WriteJson(writer, field);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
