using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Nagare.Runtime.Models;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare compile</c>: render every model and test, write target/compiled/** and target/manifest.json.</summary>
public static class CompileCommand
{
    public static Command Create(CliContext context)
    {
        var options = new BuildCommandOptions();
        var warehouse = new WarehouseOptions();
        var command = new Command("compile", "Compile models and tests to SQL (target/compiled/) and write target/manifest.json.");
        options.AddProjectOptions(command);
        options.AddSelection(command);
        warehouse.AddWait(command);
        command.SetAction(parse =>
        {
            var started = Stopwatch.GetTimestamp();
            var project = options.LoadProject(parse, context);
            using var connection = new BuildConnection(project, warehouse.ForWriting(parse, context));
            var manifest = options.Compile(parse, context, project, connection.Get);
            var nodes = manifest.Nodes.Values;
            if (parse.GetValue(options.Select) is { Length: > 0 })
            {
                var selected = options.SelectNodes(parse, manifest).Select(id => manifest.Nodes[id]).Where(n => n.Type == NodeType.Model).ToList();
                if (selected.Count == 1)
                {
                    context.Out.WriteLine(selected[0].CompiledSql);
                    return ExitCodes.Success;
                }

                foreach (var node in selected)
                {
                    context.Out.WriteLine($"-- {node.UniqueId}");
                    context.Out.WriteLine(node.CompiledSql);
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Compiled {nodes.Count(n => n.Type == NodeType.Model)} models, {nodes.Count(n => n.Type == NodeType.Test)} tests, {nodes.Count(n => n.Type == NodeType.Seed)} seeds, {nodes.Count(n => n.Type == NodeType.Source)} sources in {elapsed:0.00}s ({manifest.CacheHits} unchanged files reused) → {Path.GetRelativePath(Environment.CurrentDirectory, project.TargetPath)}"));
            return ExitCodes.Success;
        });
        return command;
    }
}
