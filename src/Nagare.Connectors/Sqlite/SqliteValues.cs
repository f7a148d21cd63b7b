using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nagare.Core.Batches;
using Nagare.Core.Json;
using Nagare.Core.Types;

namespace Nagare.Connectors.Sqlite;

/// <summary>Canonical values ⇄ SQLite storage (see <see cref="SqliteDialect"/> for the stored forms).</summary>
internal static class SqliteValues
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string TimeFormat = "HH:mm:ss.ffffff";
    private const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.ffffff";
    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>A writer for one column: sets the parameter value of row <c>row</c> of the batch vector.</summary>
    public delegate object ToStorage(ColumnVector vector, int row);

    /// <summary>The storage converter for a vector of <paramref name="type"/>; <paramref name="fail"/> builds an error naming the column.</summary>
    public static ToStorage Writer(ColumnType type, Func<string, Exception> fail) => type.Kind switch
    {
        ColumnKind.Boolean => (v, r) => ((ColumnVector<bool>)v).Values[r] ? 1L : 0L,
        ColumnKind.Int8 => (v, r) => (long)((ColumnVector<sbyte>)v).Values[r],
        ColumnKind.Int16 => (v, r) => (long)((ColumnVector<short>)v).Values[r],
        ColumnKind.Int32 => (v, r) => (long)((ColumnVector<int>)v).Values[r],
        ColumnKind.Int64 => (v, r) => ((ColumnVector<long>)v).Values[r],
        ColumnKind.UInt8 => (v, r) => (long)((ColumnVector<byte>)v).Values[r],
        ColumnKind.UInt16 => (v, r) => (long)((ColumnVector<ushort>)v).Values[r],
        ColumnKind.UInt32 => (v, r) => (long)((ColumnVector<uint>)v).Values[r],
        ColumnKind.UInt64 => (v, r) => ((ColumnVector<ulong>)v).Values[r].ToString(CultureInfo.InvariantCulture),
        ColumnKind.Float32 => (v, r) => (double)((ColumnVector<float>)v).Values[r],
        ColumnKind.Float64 => (v, r) => ((ColumnVector<double>)v).Values[r],
        ColumnKind.Decimal => (v, r) => DecimalText(((ColumnVector<Int128>)v).Values[r], type, fail),
        ColumnKind.String or ColumnKind.Json => (v, r) => ((ColumnVector<string?>)v).Values[r] ?? (object)DBNull.Value,
        ColumnKind.Bytes => (v, r) => ((ColumnVector<byte[]?>)v).Values[r] ?? (object)DBNull.Value,
        ColumnKind.Date => (v, r) => ((ColumnVector<DateOnly>)v).Values[r].ToString(DateFormat, CultureInfo.InvariantCulture),
        ColumnKind.Time => (v, r) => ((ColumnVector<TimeOnly>)v).Values[r].ToString(TimeFormat, CultureInfo.InvariantCulture),
        ColumnKind.Timestamp => (v, r) => ((ColumnVector<DateTime>)v).Values[r].ToString(TimestampFormat, CultureInfo.InvariantCulture),
        ColumnKind.TimestampTz => (v, r) => ((ColumnVector<DateTimeOffset>)v).Values[r].UtcDateTime.ToString(InstantFormat, CultureInfo.InvariantCulture),
        ColumnKind.Interval => (v, r) => IntervalText(((ColumnVector<Interval>)v).Values[r]),
        ColumnKind.Uuid => (v, r) => ((ColumnVector<Guid>)v).Values[r].ToString("D"),
        _ => (v, r) => Json(v.GetBoxed(r)),
    };

    /// <summary>Reads column <paramref name="ordinal"/> of the current row into <paramref name="vector"/> at <paramref name="row"/>.</summary>
    public static void Read(SqliteDataReader reader, int ordinal, ColumnVector vector, int row)
    {
        if (reader.IsDBNull(ordinal))
        {
            vector.SetBoxed(row, null);
            return;
        }

        switch (vector)
        {
            case ColumnVector<bool> v: v.Values[row] = reader.GetFieldType(ordinal) == typeof(string) ? ParseBool(reader.GetString(ordinal)) : reader.GetInt64(ordinal) != 0; break;
            case ColumnVector<sbyte> v: v.Values[row] = checked((sbyte)Integer(reader, ordinal)); break;
            case ColumnVector<short> v: v.Values[row] = checked((short)Integer(reader, ordinal)); break;
            case ColumnVector<int> v: v.Values[row] = checked((int)Integer(reader, ordinal)); break;
            case ColumnVector<long> v: v.Values[row] = Integer(reader, ordinal); break;
            case ColumnVector<byte> v: v.Values[row] = checked((byte)Integer(reader, ordinal)); break;
            case ColumnVector<ushort> v: v.Values[row] = checked((ushort)Integer(reader, ordinal)); break;
            case ColumnVector<uint> v: v.Values[row] = checked((uint)Integer(reader, ordinal)); break;
            case ColumnVector<ulong> v: v.Values[row] = reader.GetFieldType(ordinal) == typeof(long) ? checked((ulong)reader.GetInt64(ordinal)) : ulong.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture); break;
            case ColumnVector<float> v: v.Values[row] = (float)reader.GetDouble(ordinal); break;
            case ColumnVector<double> v: v.Values[row] = reader.GetDouble(ordinal); break;
            case ColumnVector<Int128> v: v.Values[row] = Decimal(reader, ordinal, v.Type); break;
            case ColumnVector<string?> v: v.Values[row] = reader.GetString(ordinal); break;
            case ColumnVector<byte[]?> v: v.Values[row] = reader.GetFieldType(ordinal) == typeof(byte[]) ? reader.GetFieldValue<byte[]>(ordinal) : Encoding.UTF8.GetBytes(reader.GetString(ordinal)); break;
            case ColumnVector<DateOnly> v: v.Values[row] = DateOnly.FromDateTime(DateTime.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.None)); break;
            case ColumnVector<TimeOnly> v: v.Values[row] = TimeOnly.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture); break;
            case ColumnVector<DateTime> v: v.Values[row] = DateTime.SpecifyKind(DateTime.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.None), DateTimeKind.Unspecified); break;
            case ColumnVector<DateTimeOffset> v: v.Values[row] = DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(); break;
            case ColumnVector<Interval> v: v.Values[row] = ParseInterval(reader.GetString(ordinal)); break;
            case ColumnVector<Guid> v: v.Values[row] = reader.GetFieldType(ordinal) == typeof(byte[]) ? new Guid(reader.GetFieldValue<byte[]>(ordinal)) : Guid.Parse(reader.GetString(ordinal)); break;
            case ColumnVector<object?[]?> v: v.Values[row] = FromJson(reader.GetString(ordinal)) as object?[] ?? throw new FormatException("the text is not a JSON array"); break;
            case ColumnVector<IReadOnlyDictionary<string, object?>?> v: v.Values[row] = FromJson(reader.GetString(ordinal)) as IReadOnlyDictionary<string, object?> ?? throw new FormatException("the text is not a JSON object"); break;
            default: throw new ArgumentException($"Unsupported vector {vector.GetType().Name}.", nameof(vector));
        }
    }

    /// <summary>A canonical value as a SQL-free JSON text (lists, structs).</summary>
    public static string Json(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonFormat.Writer))
        {
            WriteJson(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteJson(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case string s: writer.WriteStringValue(s); break;
            case sbyte or short or int or long or byte or ushort or uint: writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case float f: writer.WriteNumberValue(f); break;
            case double d: writer.WriteNumberValue(d); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case DecimalValue d: writer.WriteRawValue(d.ToString(), skipInputValidation: true); break;
            case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
            case DateOnly d: writer.WriteStringValue(d.ToString(DateFormat, CultureInfo.InvariantCulture)); break;
            case TimeOnly t: writer.WriteStringValue(t.ToString(TimeFormat, CultureInfo.InvariantCulture)); break;
            case DateTime t: writer.WriteStringValue(t.ToString(TimestampFormat, CultureInfo.InvariantCulture)); break;
            case DateTimeOffset t: writer.WriteStringValue(t.UtcDateTime.ToString(InstantFormat, CultureInfo.InvariantCulture)); break;
            case Interval i: writer.WriteStringValue(IntervalText(i)); break;
            case Guid g: writer.WriteStringValue(g.ToString("D")); break;
            case IReadOnlyDictionary<string, object?> fields:
                writer.WriteStartObject();
                foreach (var (key, field) in fields)
                {
                    writer.WritePropertyName(key);
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
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static object? FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromJson(document.RootElement);
    }

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : DecimalValue.TryParse(element.GetRawText(), out var d) ? d : element.GetDouble(),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToArray(),
        _ => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value)),
    };

    /// <summary>Decimals are stored as their exact text at the column's scale (SQLite's REAL would keep 15 digits).</summary>
    private static string DecimalText(Int128 unscaled, ColumnType type, Func<string, Exception> fail) =>
        UnscaledDecimal.FitsPrecision(unscaled, type.Precision)
            ? UnscaledDecimal.ToString(unscaled, type.Scale)
            : throw fail($"{UnscaledDecimal.ToString(unscaled, type.Scale)} does not fit {type} (at most {type.Precision - type.Scale} digits before the point)");

    private static long Integer(SqliteDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string)
            ? long.Parse(reader.GetString(ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture)
            : reader.GetInt64(ordinal);

    /// <summary>A stored integer, real or text as the column's unscaled decimal, exactly (a real counts as its shortest round-trip text).</summary>
    /// <exception cref="OverflowException">The value has more digits than the column holds; the message names it.</exception>
    private static Int128 Decimal(SqliteDataReader reader, int ordinal, ColumnType type)
    {
        var storage = reader.GetFieldType(ordinal);
        Int128 unscaled;
        bool exact;
        string text;
        if (storage == typeof(long))
        {
            var integer = reader.GetInt64(ordinal);
            exact = UnscaledDecimal.TryRescale(integer, 0, type.Scale, out unscaled);
            text = integer.ToString(CultureInfo.InvariantCulture);
        }
        else if (storage == typeof(double))
        {
            var real = reader.GetDouble(ordinal);
            exact = UnscaledDecimal.TryFromDouble(real, type.Scale, out unscaled);
            text = real.ToString("R", CultureInfo.InvariantCulture);
        }
        else
        {
            text = reader.GetString(ordinal);
            exact = UnscaledDecimal.TryParse(text, type.Scale, out unscaled);
        }

        return exact && UnscaledDecimal.FitsPrecision(unscaled, type.Precision)
            ? unscaled
            : throw new OverflowException($"the value {text} does not fit {type}");
    }

    private static bool ParseBool(string text) => text.Trim().ToUpperInvariant() switch
    {
        "1" or "TRUE" or "T" or "YES" or "Y" => true,
        "0" or "FALSE" or "F" or "NO" or "N" => false,
        _ => throw new FormatException($"'{text}' is not a boolean"),
    };

    private static string IntervalText(Interval value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value.Months} months {value.Days} days {value.Microseconds} microseconds");

    private static Interval ParseInterval(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6 || parts[1] != "months" || parts[3] != "days" || parts[5] != "microseconds")
        {
            throw new FormatException($"'{text}' is not an interval (expected '<m> months <d> days <us> microseconds')");
        }

        return new Interval(
            int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[4], CultureInfo.InvariantCulture));
    }
}
