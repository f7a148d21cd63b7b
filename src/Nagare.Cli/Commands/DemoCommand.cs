using System.CommandLine;
using System.Globalization;
using Nagare.Cli.Demo;
using Nagare.Cli.Output;
using Nagare.DuckDb;
using Nagare.Runtime.Connections;
using Spectre.Console;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare demo</c>: the whole flow on the embedded defaults, then its summaries.</summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var dir = new Option<string>("--dir")
        {
            Description = "Folder for the warehouse and demo files.",
            DefaultValueFactory = _ => ".nagare",
        };
        var scale = new Option<int>("--scale")
        {
            Description = "Multiplies the data size (1 = 2,000 customers, 25,000 orders, 28,000 log lines).",
            DefaultValueFactory = _ => 1,
        };
        scale.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError("--scale must be between 1 and 1000.");
            }
        });

        var command = new Command("demo", "Generate a sample shop, load it into the embedded DuckDB warehouse, build marts and print summaries.")
        {
            dir, scale,
        };
        var warehouse = new WarehouseOptions();
        warehouse.AddWait(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var open = warehouse.ForWriting(parse, context);
            var runner = new DemoRunner(parse.GetValue(dir)!, context.Time, parse.GetValue(scale)) { Warehouse = open };
            var console = context.Console;
            console.MarkupLine($"[bold]Nagare demo[/] → [blue]{Markup.Escape(runner.WarehousePath)}[/]");
            var report = await console.Status().StartAsync("working...", async _ =>
                await runner.RunAsync(new SyncProgress(step => console.MarkupLine(
                    $"  [green]✓[/] {Markup.Escape(step.Name)} [grey]({step.Rows.ToString("N0", CultureInfo.InvariantCulture)} rows, {step.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s)[/]")),
                    cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

            using var connection = Warehouse.Open(runner.WarehousePath, open, cancellationToken);
            foreach (var (title, sql) in DemoSql.Summaries)
            {
                console.WriteLine();
                console.MarkupLine($"[bold underline]{Markup.Escape(title)}[/]");
                using var cmd = connection.CreateCommand();
                cmd.CommandText = sql;
                using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await new TableResultWriter(console, 50).WriteAsync(reader, cancellationToken).ConfigureAwait(false);
            }

            console.WriteLine();
            console.MarkupLine($"Done in {report.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s. Explore the warehouse yourself:");
            console.MarkupLine("  [blue]./nagare query \"SELECT * FROM mart_sales.monthly_revenue\"[/]");
            console.MarkupLine($"  [blue]./nagare query \"SELECT device, count(*) FROM read_parquet('{Markup.Escape(runner.ParquetPath)}') GROUP BY ALL\" --format csv[/]");
            console.MarkupLine($"The web UI on this warehouse (the project in {Markup.Escape(runner.ProjectFolder)}):");
            console.MarkupLine($"  [blue]./nagare serve -p {Markup.Escape(runner.ProjectFolder)}[/]");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SyncProgress(Action<DemoStep> report) : IProgress<DemoStep>
    {
        public void Report(DemoStep value) => report(value);
    }
}
