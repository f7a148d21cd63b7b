using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Nagare.Server.Api;

/// <summary>Writes a query's result to an answer as it is read: JSON (columns, rows as arrays) or CSV, up to a row limit.</summary>
internal static class ResultWriter
{
    /// <summary>
    /// Writes <paramref name="reader"/>'s rows as <c>{"columns":[{name,type}],"rows":[[…]],"row_count":n,"truncated":bool}</c>,
    /// stopping after <paramref name="limit"/> rows.
    /// </summary>
    public static async Task WriteJsonAsync(HttpResponse response, DbDataReader reader, int limit, CancellationToken cancellationToken)
    {
        response.ContentType = "application/json; charset=utf-8";
        var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { SkipValidation = true, Encoder = ApiJson.Options.Encoder });
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("columns");
            for (var i = 0; i < reader.FieldCount; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("name", reader.GetName(i));
                writer.WriteString("type", reader.GetDataTypeName(i));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("rows");
            var rows = 0;
            var truncated = false;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (rows == limit)
                {
                    truncated = true;
                    break;
                }

                writer.WriteStartArray();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    WriteValue(writer, reader.IsDBNull(i) ? null : reader.GetValue(i));
                }

                writer.WriteEndArray();
                if (++rows % 1000 == 0)
                {
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            writer.WriteEndArray();
            writer.WriteNumber("row_count", rows);
            writer.WriteBoolean("truncated", truncated);
            writer.WriteEndObject();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes <paramref name="reader"/>'s rows as CSV with a header line (RFC 4180 quoting), up to <paramref name="limit"/> rows.</summary>
    public static async Task WriteCsvAsync(HttpResponse response, DbDataReader reader, int limit, CancellationToken cancellationToken)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = "attachment; filename=\"result.csv\"";
        var line = new StringBuilder();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            Field(line, i, reader.GetName(i));
        }

        await response.WriteAsync(line.Append("\r\n").ToString(), cancellationToken).ConfigureAwait(false);
        var rows = 0;
        while (rows < limit && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            line.Clear();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                Field(line, i, reader.IsDBNull(i) ? null : Text(reader.GetValue(i)));
            }

            await response.WriteAsync(line.Append("\r\n").ToString(), cancellationToken).ConfigureAwait(false);
            rows++;
        }
    }

    private static void Field(StringBuilder line, int index, string? value)
    {
        if (index > 0)
        {
            line.Append(',');
        }

        if (value is null)
        {
            return;
        }

        if (value.AsSpan().IndexOfAny(Quoted) >= 0)
        {
            line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            line.Append(value);
        }
    }

    private static readonly SearchValues<char> Quoted = SearchValues.Create(",\"\r\n");

    private static string Text(object value) => value switch
    {
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        byte[] b => Convert.ToBase64String(b),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static void WriteValue(Utf8JsonWriter writer, object? value)
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
            case DateTime t:
                writer.WriteStringValue(t.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFF", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset t:
                writer.WriteStringValue(t);
                break;
            case Guid g:
                writer.WriteStringValue(g);
                break;
            case byte[] bytes:
                writer.WriteBase64StringValue(bytes);
                break;
            case Int128 or UInt128 or BigInteger:
                // JSON numbers have no size limit; sums of integers are HUGEINT in DuckDB.
                writer.WriteRawValue(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture), skipInputValidation: true);
                break;
            case float or double:
                writer.WriteStringValue(Text(value));
                break;
            case System.Collections.IDictionary or System.Collections.IList:
                JsonSerializer.Serialize(writer, value, ApiJson.Options);
                break;
            default:
                writer.WriteStringValue(Text(value));
                break;
        }
    }
}
