using System.CommandLine;
using System.Globalization;
using System.Text;
using Nagare.Cli.Remote;
using Nagare.Core;
using Nagare.Runtime.Configuration;

namespace Nagare.Cli.Commands;

/// <summary>
/// <c>nagare plan</c>, <c>nagare apply</c> and <c>nagare export</c>: a project folder's files against a server's.
/// The files are the project's configuration and models (<see cref="ProjectFiles"/>); secrets stay on the server.
/// </summary>
public static class ConfigAsCodeCommands
{
    public static Command CreatePlan(CliContext context)
    {
        var (project, server) = Options();
        var command = new Command("plan", "Show what `nagare apply` would create, change or delete on the server (exit 0 either way).") { project, server };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = Client(parse, project, server);
            var plan = await PlanAsync(client, Root(parse, project), cancellationToken).ConfigureAwait(false);
            await PrintAsync(context, client, plan).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateApply(CliContext context)
    {
        var (project, server) = Options();
        var command = new Command("apply", "Make the server's project files what this folder's are, all or nothing: files the folder lacks are deleted on the server.") { project, server };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = Client(parse, project, server);
            var root = Root(parse, project);
            var plan = await PlanAsync(client, root, cancellationToken).ConfigureAwait(false);
            await PrintAsync(context, client, plan).ConfigureAwait(false);
            if (plan.IsEmpty)
            {
                return ExitCodes.Success;
            }

            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var path in plan.Create.Concat(plan.Change))
            {
                files[path] = await File.ReadAllTextAsync(Path.Combine(root, path), Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            }

            await client.ApplyAsync(files, plan.Delete, plan.Server, cancellationToken).ConfigureAwait(false);
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"applied: {plan.Create.Count} created, {plan.Change.Count} changed, {plan.Delete.Count} deleted")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateExport(CliContext context)
    {
        var (project, server) = Options();
        var output = new Option<string?>("--out") { Description = "Folder to write the server's project files into (default: the project folder)." };
        var prune = new Option<bool>("--prune") { Description = "Also delete project files of the folder that the server does not have." };
        var command = new Command("export", "Write the server's project files into a folder, so they can be committed.") { project, server, output, prune };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = Client(parse, project, server);
            var target = Path.GetFullPath(parse.GetValue(output) ?? parse.GetValue(project)!);
            var remote = await client.ListFilesAsync(cancellationToken).ConfigureAwait(false);
            var written = 0;
            foreach (var path in remote.Keys)
            {
                if (ProjectFiles.Problem(path) is { } problem)
                {
                    throw new NagareException($"The server sent a file this command will not write: {problem}");
                }

                var file = Path.Combine(target, path);
                if (File.Exists(file) && ProjectFiles.Hash(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false)) == remote[path])
                {
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllBytesAsync(file, await client.GetFileAsync(path, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                written++;
            }

            var pruned = 0;
            if (parse.GetValue(prune) && Directory.Exists(target))
            {
                foreach (var path in ProjectFiles.List(target).Where(p => !remote.ContainsKey(p)))
                {
                    File.Delete(Path.Combine(target, path));
                    pruned++;
                }
            }

            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"exported {remote.Count} file(s) from {client.Address} into {target}: {written} written, {remote.Count - written} unchanged{(pruned > 0 ? $", {pruned} deleted" : string.Empty)}")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static (Option<string> Project, Option<string?> Server) Options() =>
        (ProjectOption.Create(), new Option<string?>("--server") { Description = $"The server (with an API token in {ServerClient.TokenVariable}). Default: the server running for the project." });

    private static string Root(ParseResult parse, Option<string> project) => Path.GetFullPath(parse.GetValue(project)!);

    private static ServerClient Client(ParseResult parse, Option<string> project, Option<string?> server) =>
        ServerClient.Find(parse.GetValue(server), Root(parse, project))
        ?? throw new NagareException("No server to compare with.") { Hint = $"Pass --server URL (with {ServerClient.TokenVariable}), or start `nagare serve` for the project." };

    private static async Task<Plan> PlanAsync(ServerClient client, string root, CancellationToken cancellationToken)
    {
        var remote = await client.ListFilesAsync(cancellationToken).ConfigureAwait(false);
        var local = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.Exists(root) ? ProjectFiles.List(root) : [])
        {
            local[path] = ProjectFiles.Hash(await File.ReadAllBytesAsync(Path.Combine(root, path), cancellationToken).ConfigureAwait(false));
        }

        return new Plan(
            [.. local.Keys.Where(p => !remote.ContainsKey(p))],
            [.. local.Keys.Where(p => remote.TryGetValue(p, out var hash) && hash != local[p])],
            [.. remote.Keys.Where(p => !local.ContainsKey(p))],
            remote);
    }

    private static async Task PrintAsync(CliContext context, ServerClient client, Plan plan)
    {
        foreach (var (mark, paths) in new[] { ("+", plan.Create), ("~", plan.Change), ("-", plan.Delete) })
        {
            foreach (var path in paths)
            {
                await context.Out.WriteLineAsync($"{mark} {path}").ConfigureAwait(false);
            }
        }

        await context.Out.WriteLineAsync(plan.IsEmpty
            ? $"{client.Address}: no changes"
            : string.Create(CultureInfo.InvariantCulture, $"{client.Address}: {plan.Create.Count} to create, {plan.Change.Count} to change, {plan.Delete.Count} to delete")).ConfigureAwait(false);
    }

    private sealed record Plan(IReadOnlyList<string> Create, IReadOnlyList<string> Change, IReadOnlyList<string> Delete, IReadOnlyDictionary<string, string> Server)
    {
        public bool IsEmpty => Create.Count + Change.Count + Delete.Count == 0;
    }
}
