using System.CommandLine;
using System.Text.Json;
using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Spectre.Console;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare connection test|discover NAME</c>.</summary>
public static class ConnectionCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("connection", "Check and explore the project's connections.");
        command.Subcommands.Add(CreateTest(context));
        command.Subcommands.Add(CreateDiscover(context));
        return command;
    }

    private static Command CreateTest(CliContext context)
    {
        var project = ProjectOption.Create();
        var name = new Argument<string>("name") { Description = "Connection name." };
        var command = new Command("test", "Check that a connection is reachable and usable.") { name, project };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = ProjectOption.Load(parse, project);
            var connectionName = parse.GetValue(name)!;
            await using var connection = ConnectorRegistry.Default.Create(config, connectionName, context.Time);
            var started = context.Time.GetTimestamp();
            var result = await connection.TestAsync(cancellationToken).ConfigureAwait(false);
            var seconds = context.Time.GetElapsedTime(started).TotalSeconds;
            await context.Out.WriteLineAsync($"ok: {connectionName} ({connection.Capabilities.Type}) in {seconds:0.000} s").ConfigureAwait(false);
            if (result.ServerVersion is not null)
            {
                await context.Out.WriteLineAsync($"  version: {result.ServerVersion}").ConfigureAwait(false);
            }

            foreach (var (key, value) in result.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                await context.Out.WriteLineAsync($"  {key}: {value}").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateDiscover(CliContext context)
    {
        var project = ProjectOption.Create();
        var name = new Argument<string>("name") { Description = "Connection name." };
        var select = new Option<string?>("--select", "-s") { Description = "Only streams whose schema.table matches this glob." };
        var json = new Option<bool>("--json") { Description = "Print JSON for machines." };
        var command = new Command("discover", "List a connection's streams with columns, keys and row estimates.") { name, select, json, project };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = ProjectOption.Load(parse, project);
            var connectionName = parse.GetValue(name)!;
            var glob = parse.GetValue(select);
            await using var connection = ConnectorRegistry.Default.Create(config, connectionName, context.Time);
            var source = connection as ISource ?? throw new NagareException($"Connection '{connectionName}' ({connection.Capabilities.Type}) cannot be read from, so it has no streams to discover.");
            var streams = new List<StreamSchema>();
            await foreach (var stream in source.DiscoverAsync(new DiscoverRequest(null, glob), cancellationToken).ConfigureAwait(false))
            {
                if (glob is null || GlobPattern.IsMatch(glob, stream.Id.ToString()))
                {
                    streams.Add(stream);
                }
            }

            streams.Sort((a, b) => a.Id.CompareTo(b.Id));
            if (parse.GetValue(json))
            {
                var items = streams.Select(s => new
                {
                    stream = s.Id.ToString(),
                    @namespace = s.Id.Namespace,
                    name = s.Id.Name,
                    estimated_rows = s.EstimatedRows,
                    primary_key = s.PrimaryKey,
                    cursor_candidates = s.CursorCandidates,
                    columns = s.Columns.Select(c => new { name = c.Name, type = c.Type.ToString(), nullable = c.Nullable, native_type = c.NativeType }),
                });
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(items, JsonOptions)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("stream", "columns", "primary key", "cursor candidates", "rows (est.)");
            foreach (var s in streams)
            {
                table.AddRow(
                    Markup.Escape(s.Id.ToString()),
                    Markup.Escape(string.Join(", ", s.Columns.Select(c => $"{c.Name} {c.Type}"))),
                    Markup.Escape(string.Join(", ", s.PrimaryKey)),
                    Markup.Escape(string.Join(", ", s.CursorCandidates)),
                    s.EstimatedRows?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }

            context.Console.Write(table);
            await context.Out.WriteLineAsync($"{streams.Count} streams").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
