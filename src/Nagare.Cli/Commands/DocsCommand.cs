using System.CommandLine;
using Nagare.Runtime.Models;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare docs</c>: write target/catalog.json and target/lineage.json (nodes, columns, descriptions, edges) for the UI.</summary>
public static class DocsCommand
{
    public static Command Create(CliContext context)
    {
        var options = new BuildCommandOptions();
        var warehouse = new WarehouseOptions();
        var command = new Command("docs", "Write the catalog and lineage JSON (target/catalog.json, target/lineage.json).");
        options.AddProjectOptions(command);
        warehouse.AddReadOnly(command);
        command.SetAction(parse =>
        {
            var project = options.LoadProject(parse, context);
            using var lazy = new BuildConnection(project, warehouse.ForReading(parse, context, project.Target.DatabasePath));
            var manifest = options.Compile(parse, context, project, lazy.Get);
            var exists = project.Target.DatabasePath.StartsWith(":memory:", StringComparison.Ordinal) || File.Exists(project.Target.DatabasePath);
            var written = ModelDocs.Write(manifest, exists ? lazy.Get() : null);
            foreach (var path in written)
            {
                context.Out.WriteLine($"wrote {Path.GetRelativePath(Environment.CurrentDirectory, path)}");
            }

            if (!exists)
            {
                context.Error.WriteLine("note: the warehouse does not exist yet; column types come only from YAML (run 'nagare build' first).");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
