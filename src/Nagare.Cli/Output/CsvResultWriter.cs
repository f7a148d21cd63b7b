using System.Data.Common;

namespace Nagare.Cli.Output;

/// <summary>RFC 4180 CSV with a header row; NULL is an empty field.</summary>
public sealed class CsvResultWriter(TextWriter output) : ResultWriter
{
    public override async Task WriteAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var zone = ResultValues.ZoneOf(reader);
        var fields = new string[reader.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = Quote(reader.GetName(i));
        }

        await output.WriteLineAsync(string.Join(',', fields)).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = reader.IsDBNull(i) ? "" : Quote(ResultValues.Format(reader.GetValue(i), timeZone: zone));
            }

            await output.WriteLineAsync(string.Join(',', fields)).ConfigureAwait(false);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
