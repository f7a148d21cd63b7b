using System.Data.Common;
using Spectre.Console;

namespace Nagare.Cli.Output;

/// <summary>A console table of the first rows, then a line with the total row count.</summary>
public sealed class TableResultWriter(IAnsiConsole console, int maxRows) : ResultWriter
{
    public override async Task WriteAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var zone = ResultValues.ZoneOf(reader);
        var table = new Table().Border(TableBorder.Rounded);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var column = new TableColumn(Markup.Escape(reader.GetName(i)));
            if (IsNumeric(reader.GetFieldType(i)))
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        long rows = 0;
        var cells = new string[reader.FieldCount];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows++;
            if (rows > maxRows)
            {
                continue;
            }

            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = Markup.Escape(ResultValues.Format(reader.IsDBNull(i) ? null : reader.GetValue(i), timeZone: zone));
            }

            table.AddRow(cells);
        }

        if (reader.FieldCount > 0)
        {
            console.Write(table);
        }

        var shown = rows > maxRows ? $" ({maxRows} shown; use --format csv for all)" : "";
        console.MarkupLine($"[grey]{rows} row{(rows == 1 ? "" : "s")}{Markup.Escape(shown)}[/]");
    }

    private static bool IsNumeric(Type type) =>
        Type.GetTypeCode(type) is >= TypeCode.SByte and <= TypeCode.Decimal ||
        type == typeof(Int128) || type == typeof(UInt128);
}
