using System.Data.Common;
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
        var zone = ResultValues.ZoneOf(reader);
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
                    ResultValues.WriteJson(json, reader.IsDBNull(i) ? null : reader.GetValue(i), zone);
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
}
