using System.Data.Common;

namespace Nagare.Cli.Output;

/// <summary>Writes a query result in one output format, streaming rows as they are read.</summary>
public abstract class ResultWriter
{
    /// <summary>Chooses the writer for <paramref name="format"/> (<c>table</c>, <c>csv</c>, <c>json</c>).</summary>
    public static ResultWriter For(string format, CliContext context, int maxTableRows)
    {
        ArgumentNullException.ThrowIfNull(context);
        return format switch
        {
            "table" => new TableResultWriter(context.Console, maxTableRows),
            "csv" => new CsvResultWriter(context.Out),
            "json" => new JsonResultWriter(context.Out),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format."),
        };
    }

    /// <summary>Reads every row of <paramref name="reader"/> and writes it.</summary>
    public abstract Task WriteAsync(DbDataReader reader, CancellationToken cancellationToken);
}
