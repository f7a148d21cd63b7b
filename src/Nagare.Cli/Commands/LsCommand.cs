using System.CommandLine;
using System.Text.Json;
using Nagare.Core.Json;
using Nagare.Runtime.Models;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare ls</c>: list the selected nodes of a model project.</summary>
public static class LsCommand
{
    public static Command Create(CliContext context)
    {
        var options = new BuildCommandOptions();
        var resourceType = new Option<string[]>("--resource-type")
        {
            Description = "Only these kinds: model, seed, snapshot, analysis, test, source.",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "What to print per node: selector (fqn), name, path or json.",
            DefaultValueFactory = _ => "selector",
        };
        output.AcceptOnlyFromAmong("selector", "name", "path", "json");
        var command = new Command("ls", "List the nodes a selection matches.") { resourceType, output };
        options.AddProjectOptions(command);
        options.AddSelection(command);
        command.SetAction(parse =>
        {
            var project = options.LoadProject(parse, context);
            var manifest = options.Compile(parse, context, project, null, writeArtifacts: false);
            var types = (parse.GetValue(resourceType) ?? []).Select(t => t.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            var selected = options.SelectNodes(parse, manifest).Select(id => manifest.Nodes[id]).ToList();
            if (types.Contains("source"))
            {
                selected.AddRange(manifest.Nodes.Values.Where(n => n.Type == NodeType.Source));
            }

            foreach (var node in selected.Where(n => types.Count == 0 || types.Contains(n.Type.ToString().ToLowerInvariant())).OrderBy(n => n.Type).ThenBy(n => n.UniqueId, StringComparer.Ordinal))
            {
                context.Out.WriteLine(parse.GetValue(output) switch
                {
                    "name" => node.Name,
                    "path" => node.Path,
                    "json" => JsonSerializer.Serialize(new Dictionary<string, object?>
                    {
                        ["unique_id"] = node.UniqueId,
                        ["name"] = node.Name,
                        ["resource_type"] = node.Type.ToString().ToLowerInvariant(),
                        ["path"] = node.Path,
                        ["materialized"] = node.Type == NodeType.Model ? node.Config.Materialized : null,
                        ["relation"] = node.Type == NodeType.Test ? null : node.RelationName,
                        ["tags"] = node.Config.Tags,
                    }, JsonFormat.Serializer),
                    _ => node.Type == NodeType.Source ? $"source:{string.Join('.', node.Fqn)}" : string.Join('.', node.Fqn),
                });
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
