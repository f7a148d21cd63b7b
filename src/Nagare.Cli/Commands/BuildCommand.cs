using System.CommandLine;
using System.Globalization;
using Nagare.Cli.Output;
using Nagare.Cli.Remote;
using Nagare.Core;
using Nagare.Runtime.Models;
using Spectre.Console;

namespace Nagare.Cli.Commands;

/// <summary>
/// <c>nagare build | run | test | seed | snapshot</c>: build the selected seeds, models and tests of a model project in
/// dependency order (build: all three; run: models; test: tests; seed: seeds), then print a summary.
/// </summary>
public static class BuildCommand
{
    public static Command Create(CliContext context) =>
        Create(context, "build", "Build seeds, snapshots, models and tests in dependency order (tests gate their models' children).", _ => true);

    public static Command CreateRun(CliContext context) =>
        Create(context, "run", "Build the selected models.", n => n.Type == NodeType.Model);

    public static Command CreateTest(CliContext context) =>
        Create(context, "test", "Run the selected data tests.", n => n.Type == NodeType.Test);

    public static Command CreateSeed(CliContext context) =>
        Create(context, "seed", "Load the selected seed CSV files into tables.", n => n.Type == NodeType.Seed);

    public static Command CreateSnapshot(CliContext context) =>
        Create(context, "snapshot", "Record the changes of the selected snapshots' queries into their history tables.", n => n.Type == NodeType.Snapshot);

    /// <summary>
    /// <c>build</c>, <c>run</c>, <c>test</c> and <c>seed</c> while a server owns the warehouse: the server runs them (a
    /// run like any other) and this prints its log. Only the selection and full refresh travel; the other options need
    /// the warehouse here.
    /// </summary>
    private static async Task<int> BuildOnServerAsync(ServerClient client, string name, ParseResult parse, BuildCommandOptions options, bool threads, bool fullRefresh, CliContext context, CancellationToken cancellationToken)
    {
        if (threads || parse.GetValue(options.Exclude) is { Length: > 0 } || parse.GetValue(options.Target) is not null || parse.GetValue(options.Vars) is not null || parse.GetValue(options.State) is not null)
        {
            throw new NagareException($"The server at {client.Address} owns the warehouse: through it, `nagare {name}` takes only --select and --full-refresh.") { Hint = "Drop the other options, or stop the server to build here." };
        }

        // run and seed are builds of one kind of node: each selected term is intersected with that kind.
        var kind = name switch { "run" => "resource_type:model", "seed" => "resource_type:seed", "snapshot" => "resource_type:snapshot", _ => null };
        var terms = parse.GetValue(options.Select) is { Length: > 0 } given ? given : (kind is null ? [] : [kind]);
        var select = string.Join(' ', kind is null ? terms : terms.Select(t => t == kind ? t : $"{t},{kind}"));
        var endpoint = name == "test" ? "api/v1/models/test" : "api/v1/models/build";
        return await client.RunAsync(name, endpoint, new { select = select.Length == 0 ? null : select, full_refresh = fullRefresh }, context, cancellationToken).ConfigureAwait(false);
    }

    private static Command Create(CliContext context, string name, string description, Func<ModelNode, bool> kind)
    {
        var options = new BuildCommandOptions();
        var threads = new Option<int?>("--threads") { Description = "Nodes built at once (default: the target's threads, else 1)." };
        var fullRefresh = new Option<bool>("--full-refresh") { Description = "Rebuild incremental models from scratch." };
        var command = new Command(name, description);
        options.AddProjectOptions(command);
        options.AddSelection(command);
        command.Options.Add(threads);
        command.Options.Add(fullRefresh);
        var server = new Option<string?>("--server") { Description = $"Run on the server at this URL (with an API token in {ServerClient.TokenVariable}). Default: the server running for the project, if any (it owns the warehouse)." };
        command.Options.Add(server);
        var warehouse = new WarehouseOptions();
        warehouse.AddWait(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ServerClient.Find(parse.GetValue(server), Path.GetFullPath(parse.GetValue(options.Project)!)) is { } client)
            {
                using (client)
                {
                    return await BuildOnServerAsync(client, name, parse, options, parse.GetValue(threads) is not null, parse.GetValue(fullRefresh), context, cancellationToken).ConfigureAwait(false);
                }
            }

            var project = options.LoadProject(parse, context);
            {
                var manifest = options.Compile(parse, context, project, null);
                var selected = options.SelectNodes(parse, manifest).Where(id => kind(manifest.Nodes[id])).ToHashSet(StringComparer.Ordinal);
                var runner = new ModelRunner(manifest, new RunOptions
                {
                    Threads = parse.GetValue(threads) ?? project.Target.Threads ?? 1,
                    FullRefresh = parse.GetValue(fullRefresh),
                    Warehouse = warehouse.ForWriting(parse, context),
                    Time = context.Time,
                });
                using var log = RunLog.Start(project.Root, name, context.Time, project.LogRetentionDays);
                var results = await runner.RunAsync(selected, cancellationToken).ConfigureAwait(false);
                foreach (var r in results.Results)
                {
                    log?.Write(string.Create(CultureInfo.InvariantCulture, $"{r.Status.ToString().ToUpperInvariant(),-5} {r.Type.ToString().ToLowerInvariant()} {r.Name} · {r.Rows?.ToString("N0", CultureInfo.InvariantCulture) ?? "-"} rows · {r.Seconds:0.00} s{(r.Message is null ? string.Empty : " · " + r.Message)}"));
                }

                log?.Write(string.Join(", ", Enum.GetValues<NodeStatus>().Where(s => results.Count(s) > 0).Select(s => $"{s.ToString().ToUpperInvariant()}={results.Count(s)}")));
                PrintSummary(context, project, results, parse.GetValue(context.Quiet));
                return results.Success ? ExitCodes.Success : results.Cancelled ? ExitCodes.Cancelled : ExitCodes.UserError;
            }
        });
        return command;
    }

    /// <summary>The per-node table, messages and the final line; <paramref name="quiet"/> keeps errors and the final line only.</summary>
    internal static void PrintSummary(CliContext context, ModelProject project, RunResults results, bool quiet = false)
    {
        var counts = string.Join(", ", Enum.GetValues<NodeStatus>().Where(s => results.Count(s) > 0).Select(s => $"{s.ToString().ToUpperInvariant()}={results.Count(s)}"));
        var done = $"Done in {results.Seconds.ToString("0.00", CultureInfo.InvariantCulture)}s on target '{project.Target.Name}': {(counts.Length == 0 ? "nothing selected" : counts)}";
        if (quiet)
        {
            foreach (var r in results.Results.Where(r => r.Status == NodeStatus.Error && r.Message is not null))
            {
                context.Error.WriteLine($"ERROR {r.Name}: {r.Message}");
            }

            context.Out.WriteLine(done);
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("node");
        table.AddColumn("status");
        table.AddColumn(new TableColumn("rows").RightAligned());
        table.AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var r in results.Results)
        {
            var status = r.Status.ToString().ToUpperInvariant();
            var color = r.Status switch
            {
                NodeStatus.Ok or NodeStatus.Pass => "green",
                NodeStatus.Warn or NodeStatus.Skip or NodeStatus.Cancelled => "yellow",
                _ => "red",
            };
            table.AddRow(
                Markup.Escape($"{r.Type.ToString().ToLowerInvariant()} {r.Name}"),
                $"[{color}]{status}[/]",
                r.Rows?.ToString("N0", CultureInfo.InvariantCulture) ?? "-",
                r.Seconds.ToString("0.00", CultureInfo.InvariantCulture));
        }

        context.Console.Write(table);
        foreach (var r in results.Results.Where(r => r.Message is not null && r.Status != NodeStatus.Skip))
        {
            // Errors (SQL that did not run) go to stderr like every other error; failing tests are results.
            (r.Status == NodeStatus.Error ? context.Error : context.Out).WriteLine($"{r.Status.ToString().ToUpperInvariant()} {r.Name}: {r.Message}");
            if (r.SampleRows.Count > 0)
            {
                context.Out.WriteLine("  " + string.Join(" | ", r.SampleColumns));
                foreach (var row in r.SampleRows)
                {
                    context.Out.WriteLine("  " + string.Join(" | ", row.Select(v => ResultValues.Format(v))));
                }
            }
        }

        context.Out.WriteLine(done);
    }
}
