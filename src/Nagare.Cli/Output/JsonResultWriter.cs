using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nagare.Core.Json;

namespace Nagare.Cli.Output;

/// <summary>A JSON array with one object per row; nested lists and structs stay nested.</summary>
public sealed class JsonResultWriter(TextWriter output) : ResultWriter
{
    private static readonly JsonWriterOptions Options = JsonFormat.Writer;

    public override async Task WriteAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var text = ZonedText.For(reader);
        var names = new string[reader.FieldCount];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = reader.GetName(i);
        }

        using var buffer = new MemoryStream();
        await output.WriteAsync("[").ConfigureAwait(false);
        var first = true;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer, Options))
            {
                json.WriteStartObject();
                for (var i = 0; i < names.Length; i++)
                {
                    json.WritePropertyName(names[i]);
                    var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    if (value is DateTimeOffset)
                    {
                        json.WriteStringValue(text.Format(value));
                    }
                    else
                    {
                        WriteValue(json, value);
                    }
                }

                json.WriteEndObject();
            }

            await output.WriteAsync(first ? "\n" : ",\n").ConfigureAwait(false);
            first = false;
            await output.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)).ConfigureAwait(false);
        }

        await output.WriteLineAsync(first ? "]" : "\n]").ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null or DBNull:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case sbyte or short or int or long or byte or ushort or uint:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong ul:
                json.WriteNumberValue(ul);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            case Int128 or UInt128 or BigInteger or Core.Types.DecimalValue:
                json.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!, skipInputValidation: true);
                break;
            case IDictionary dictionary:
                json.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    json.WritePropertyName(ValueText.Format(entry.Key));
                    WriteValue(json, entry.Value);
                }

                json.WriteEndObject();
                break;
            case byte[] bytes:
                json.WriteBase64StringValue(bytes);
                break;
            case IEnumerable sequence:
                json.WriteStartArray();
                foreach (var item in sequence)
                {
                    WriteValue(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(ValueText.Format(value));
                break;
        }
    }
}
