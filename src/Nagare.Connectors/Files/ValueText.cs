using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Nagare.Core.Batches;
using Nagare.Core.Types;

namespace Nagare.Connectors.Files;

/// <summary>
/// Canonical values as UTF-8 text in files: ISO 8601 for dates and times (UTC <c>Z</c> for timestamptz, microseconds
/// when not zero), invariant round-trip numbers, ISO 8601 durations for intervals, <c>\xHH</c> bytes in CSV (DuckDB's
/// blob text) and base64 in JSON, lists and structs as JSON.
/// </summary>
internal static class ValueText
{
    private static readonly byte[] Hex = "0123456789ABCDEF"u8.ToArray();

    /// <summary>Writes the text of a non-NULL value of <paramref name="vector"/> at <paramref name="row"/>.</summary>
    public static void Write(ColumnVector vector, int row, IBufferWriter<byte> output, Utf8JsonWriter json)
    {
        switch (vector)
        {
            case ColumnVector<bool> v: Utf8(output, v.Values[row] ? "true"u8 : "false"u8); break;
            case ColumnVector<sbyte> v: Format(output, v.Values[row]); break;
            case ColumnVector<short> v: Format(output, v.Values[row]); break;
            case ColumnVector<int> v: Format(output, v.Values[row]); break;
            case ColumnVector<long> v: Format(output, v.Values[row]); break;
            case ColumnVector<byte> v: Format(output, v.Values[row]); break;
            case ColumnVector<ushort> v: Format(output, v.Values[row]); break;
            case ColumnVector<uint> v: Format(output, v.Values[row]); break;
            case ColumnVector<ulong> v: Format(output, v.Values[row]); break;
            case ColumnVector<float> v: Text(output, v.Values[row].ToString("R", CultureInfo.InvariantCulture)); break;
            case ColumnVector<double> v: Text(output, v.Values[row].ToString("R", CultureInfo.InvariantCulture)); break;
            case ColumnVector<Int128> v: Decimal(output, v.Values[row], v.Type.Scale); break;
            case ColumnVector<string?> v: Text(output, v.Values[row]!); break;
            case ColumnVector<byte[]?> v: HexBytes(output, v.Values[row]!); break;
            case ColumnVector<DateOnly> v: Text(output, Date(v.Values[row])); break;
            case ColumnVector<TimeOnly> v: Text(output, Time(v.Values[row])); break;
            case ColumnVector<DateTime> v: Text(output, Timestamp(v.Values[row])); break;
            case ColumnVector<DateTimeOffset> v: Text(output, TimestampTz(v.Values[row])); break;
            case ColumnVector<Interval> v: Text(output, Duration(v.Values[row])); break;
            case ColumnVector<Guid> v: Text(output, v.Values[row].ToString("D")); break;
            default:
                json.Reset(output);
                WriteJson(json, vector.GetBoxed(row), vector.Type);
                json.Flush();
                break;
        }
    }

    /// <summary>Writes a boxed canonical value as a JSON value.</summary>
    public static void WriteJson(Utf8JsonWriter json, object? value, ColumnType type)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case string s when type.Kind == ColumnKind.Json:
                json.WriteRawValue(s);
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float or double:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            case DecimalValue d:
                json.WriteRawValue(d.ToString(), skipInputValidation: true);
                break;
            case sbyte or short or int or long:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case byte or ushort or uint or ulong:
                json.WriteNumberValue(Convert.ToUInt64(value, CultureInfo.InvariantCulture));
                break;
            case byte[] bytes:
                json.WriteBase64StringValue(bytes);
                break;
            case DateOnly d:
                json.WriteStringValue(Date(d));
                break;
            case TimeOnly t:
                json.WriteStringValue(Time(t));
                break;
            case DateTime t:
                json.WriteStringValue(Timestamp(t));
                break;
            case DateTimeOffset t:
                json.WriteStringValue(TimestampTz(t));
                break;
            case Interval i:
                json.WriteStringValue(Duration(i));
                break;
            case Guid g:
                json.WriteStringValue(g.ToString("D"));
                break;
            case IReadOnlyDictionary<string, object?> fields:
                json.WriteStartObject();
                foreach (var field in type.Fields)
                {
                    json.WritePropertyName(field.Name);
                    WriteJson(json, fields.TryGetValue(field.Name, out var fieldValue) ? fieldValue : null, field.Type);
                }

                json.WriteEndObject();
                break;
            case System.Collections.IEnumerable items:
                json.WriteStartArray();
                foreach (var item in items)
                {
                    WriteJson(json, item, type.Element ?? ColumnType.String);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Time(TimeOnly value) => value.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);

    public static string Timestamp(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);

    public static string TimestampTz(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 duration, e.g. <c>P1M2DT3.000004S</c>; <c>PT0S</c> for zero.</summary>
    public static string Duration(Interval value)
    {
        var text = new StringBuilder("P");
        if (value.Months != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Months}M");
        }

        if (value.Days != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{value.Days}D");
        }

        if (value.Microseconds != 0 || text.Length == 1)
        {
            var seconds = value.Microseconds / 1_000_000m;
            text.Append('T').Append(seconds.ToString("0.######", CultureInfo.InvariantCulture)).Append('S');
        }

        return text.ToString();
    }

    private static void Utf8(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    private static void Text(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void Format<T>(IBufferWriter<byte> output, T value)
        where T : IUtf8SpanFormattable
    {
        var span = output.GetSpan(64);
        if (!value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"Cannot format {value}.");
        }

        output.Advance(written);
    }

    /// <summary>A decimal's exact text at its column's scale (all 38 digits).</summary>
    private static void Decimal(IBufferWriter<byte> output, Int128 unscaled, int scale)
    {
        UnscaledDecimal.TryFormatUtf8(unscaled, scale, output.GetSpan(UnscaledDecimal.MaxTextLength), out var written);
        output.Advance(written);
    }

    private static void HexBytes(IBufferWriter<byte> output, byte[] bytes)
    {
        var span = output.GetSpan(bytes.Length * 4);
        for (var i = 0; i < bytes.Length; i++)
        {
            span[i * 4] = (byte)'\\';
            span[(i * 4) + 1] = (byte)'x';
            span[(i * 4) + 2] = Hex[bytes[i] >> 4];
            span[(i * 4) + 3] = Hex[bytes[i] & 15];
        }

        output.Advance(bytes.Length * 4);
    }
}
