using System.CommandLine;
using Nagare.Cli.Output;
using Nagare.Core;
using Nagare.Runtime.Models;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare show MODEL --limit N</c>: run a model's compiled SQL and print the first rows, without building it.</summary>
public static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        var options = new BuildCommandOptions();
        var model = new Argument<string>("model") { Description = "Model (or seed, or test) to preview." };
        var limit = new Option<int>("--limit")
        {
            Description = "Rows to show.",
            DefaultValueFactory = _ => 5,
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = "Output format.",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var command = new Command("show", "Preview a model's result (its compiled SQL runs against the warehouse; nothing is built).") { model, limit, format };
        options.AddProjectOptions(command);
        var warehouse = new WarehouseOptions();
        warehouse.AddReadOnly(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var project = options.LoadProject(parse, context);
            using var lazy = new BuildConnection(project, warehouse.ForReading(parse, context, project.Target.DatabasePath));
            var manifest = options.Compile(parse, context, project, lazy.Get);
            var name = parse.GetValue(model)!;
            var node = manifest.Find(name) ?? throw new NagareException($"No model, seed or test named '{name}' in {project.ProjectFile}'s project.");
            var sql = node.Type == NodeType.Seed ? $"select * from {node.RelationName}" : node.CompiledSql!;
            var writer = ResultWriter.For(parse.GetValue(format)!, context, parse.GetValue(limit));
            using var command = lazy.Get().CreateCommand();
            command.CommandText = $"select * from (\n{sql.TrimEnd().TrimEnd(';')}\n) as nagare_preview limit {Math.Max(0, parse.GetValue(limit))}";
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteAsync(reader, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
