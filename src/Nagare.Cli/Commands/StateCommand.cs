using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nagare.Cli.Remote;
using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Spectre.Console;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare state list|show|reset SYNC [--stream S]</c>: what a sync remembers per stream, and forgetting it.</summary>
public static class StateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("state", "Show or reset what a sync remembers per stream: cursors, unfinished chunked loads.");
        command.Subcommands.Add(CreateList(context));
        command.Subcommands.Add(CreateShow(context));
        command.Subcommands.Add(CreateReset(context));
        return command;
    }

    private static Command CreateList(CliContext context)
    {
        var (sync, project) = (SyncArgument(), ProjectOption.Create());
        var json = new Option<bool>("--json") { Description = "Print JSON for machines." };
        var command = new Command("list", "One line per stream: cursor, unfinished chunks, last commit.") { sync, json, project };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Server(parse, project) is { } client)
            {
                using (client)
                {
                    using var remote = await RemoteStateAsync(client, parse.GetValue(sync)!, cancellationToken).ConfigureAwait(false);
                    if (parse.GetValue(json))
                    {
                        await context.Out.WriteLineAsync(remote.RootElement.GetRawText()).ConfigureAwait(false);
                        return ExitCodes.Success;
                    }

                    var rows = new Table().AddColumns("stream", "cursor column", "cursor", "chunks staged", "last commit");
                    var streams = remote.RootElement.GetProperty("streams");
                    foreach (var s in streams.EnumerateArray())
                    {
                        var chunks = s.GetProperty("chunks_staged").GetArrayLength();
                        rows.AddRow(
                            Markup.Escape(s.GetProperty("stream").GetString() ?? string.Empty),
                            Markup.Escape(s.GetProperty("cursor_column").GetString() ?? string.Empty),
                            Markup.Escape(s.GetProperty("cursor").GetString() ?? string.Empty),
                            chunks == 0 ? string.Empty : chunks.ToString(CultureInfo.InvariantCulture),
                            s.GetProperty("updated_at").ValueKind == JsonValueKind.Null ? string.Empty : s.GetProperty("updated_at").GetDateTimeOffset().ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                    }

                    context.Console.Write(rows);
                    context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{parse.GetValue(sync)}: {streams.GetArrayLength()} stream states"));
                    return ExitCodes.Success;
                }
            }

            var (runner, name) = Runner(context, parse, project, sync);
            var states = await runner.ListStatesAsync(name, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(ToJson(name, states)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("stream", "cursor column", "cursor", "chunks staged", "last commit");
            foreach (var s in states)
            {
                table.AddRow(
                    Markup.Escape(s.Stream),
                    Markup.Escape(s.State.CursorColumn ?? string.Empty),
                    Markup.Escape(s.State.Cursor ?? string.Empty),
                    ChunksText(s.State),
                    s.UpdatedAt?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? string.Empty);
            }

            context.Console.Write(table);
            context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {states.Count} stream states"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateShow(CliContext context)
    {
        var (sync, project, stream) = (SyncArgument(), ProjectOption.Create(), StreamOption());
        var command = new Command("show", "The stored state of every stream (or one) as JSON: cursor, chunk plan, per-source cursors.") { sync, stream, project };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Server(parse, project) is { } client)
            {
                using (client)
                {
                    using var remote = await RemoteStateAsync(client, parse.GetValue(sync)!, cancellationToken).ConfigureAwait(false);
                    var text = remote.RootElement.GetRawText();
                    if (parse.GetValue(stream) is { } wanted)
                    {
                        var one = remote.RootElement.GetProperty("streams").EnumerateArray().FirstOrDefault(e => e.GetProperty("stream").GetString() == wanted);
                        text = one.ValueKind == JsonValueKind.Undefined
                            ? throw new NagareException($"Sync '{parse.GetValue(sync)}' has no stored state for stream '{wanted}'.") { Hint = $"List them with: nagare state list {parse.GetValue(sync)}" }
                            : JsonSerializer.Serialize(new { sync = parse.GetValue(sync), streams = new[] { one } });
                    }

                    await context.Out.WriteLineAsync(text).ConfigureAwait(false);
                    return ExitCodes.Success;
                }
            }

            var (runner, name) = Runner(context, parse, project, sync);
            var states = await runner.ListStatesAsync(name, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(stream) is { } only)
            {
                states = [SyncRunner.FindState(name, states, only)];
            }

            await context.Out.WriteLineAsync(ToJson(name, states)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateReset(CliContext context)
    {
        var (sync, project, stream) = (SyncArgument(), ProjectOption.Create(), StreamOption());
        var all = new Option<bool>("--all") { Description = "Reset every stream of the sync." };
        var command = new Command("reset", "Forget a stream's cursor and unfinished chunks: its next run reads it from the start (the table keeps its rows).") { sync, stream, all, project };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Server(parse, project) is { } client)
            {
                using (client)
                {
                    var syncName = parse.GetValue(sync)!;
                    IReadOnlyList<string> streams = (parse.GetValue(stream), parse.GetValue(all)) switch
                    {
                        ({ } only, false) => [only],
                        (null, true) => await RemoteStreamsAsync(client, syncName, cancellationToken).ConfigureAwait(false),
                        _ => throw new NagareException("Say which stream to reset with --stream TABLE, or reset them all with --all.") { Hint = $"List them with: nagare state list {syncName}" },
                    };
                    foreach (var one in streams)
                    {
                        await client.DeleteAsync($"api/v1/syncs/{Uri.EscapeDataString(syncName)}/state/{Uri.EscapeDataString(one)}", cancellationToken).ConfigureAwait(false);
                        await context.Out.WriteLineAsync($"reset {one}: the next run of {syncName} reads it from the start").ConfigureAwait(false);
                    }

                    if (streams.Count == 0)
                    {
                        await context.Out.WriteLineAsync($"{syncName}: no stream state stored, nothing to reset").ConfigureAwait(false);
                    }

                    return ExitCodes.Success;
                }
            }

            var (runner, name) = Runner(context, parse, project, sync);
            var states = await runner.ListStatesAsync(name, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<StoredStreamState> chosen = (parse.GetValue(stream), parse.GetValue(all)) switch
            {
                ({ } only, false) => [SyncRunner.FindState(name, states, only)],
                (null, true) => states,
                _ => throw new NagareException("Say which stream to reset with --stream TABLE, or reset them all with --all.")
                {
                    Hint = $"List them with: nagare state list {name}",
                },
            };

            foreach (var state in chosen)
            {
                await runner.ResetStateAsync(name, state.Stream, cancellationToken).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"reset {state.Stream}: the next run of {name} reads it from the start").ConfigureAwait(false);
            }

            if (chosen.Count == 0)
            {
                await context.Out.WriteLineAsync($"{name}: no stream state stored, nothing to reset").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The server that owns the project's warehouse (where sync state lives), or null to read it here.</summary>
    private static ServerClient? Server(ParseResult parse, Option<string> project) => ServerClient.Find(null, Path.GetFullPath(parse.GetValue(project)!));

    private static Task<JsonDocument> RemoteStateAsync(ServerClient client, string sync, CancellationToken cancellationToken) =>
        client.GetJsonAsync($"api/v1/syncs/{Uri.EscapeDataString(sync)}/state", cancellationToken);

    private static async Task<IReadOnlyList<string>> RemoteStreamsAsync(ServerClient client, string sync, CancellationToken cancellationToken)
    {
        using var state = await RemoteStateAsync(client, sync, cancellationToken).ConfigureAwait(false);
        return [.. state.RootElement.GetProperty("streams").EnumerateArray().Select(e => e.GetProperty("stream").GetString()!)];
    }

    private static Argument<string> SyncArgument() => new("sync") { Description = "Sync name (syncs/NAME.yml)." };

    private static Option<string?> StreamOption() => new("--stream") { Description = "One stream: its destination table as `nagare state list` shows it (e.g. lake.orders)." };

    private static (SyncRunner Runner, string Sync) Runner(CliContext context, ParseResult parse, Option<string> project, Argument<string> sync)
    {
        var config = ProjectOption.Load(parse, project, context);
        var name = parse.GetValue(sync)!;
        config.GetSync(name);
        return (new SyncRunner(config, ConnectorRegistry.Default, context.Time), name);
    }

    private static string ChunksText(StreamState state) =>
        state.CompletedChunks.IsDefaultOrEmpty ? string.Empty : state.CompletedChunks.Length.ToString(CultureInfo.InvariantCulture);

    private static string ToJson(string sync, IReadOnlyList<StoredStreamState> states) => JsonSerializer.Serialize(
        new
        {
            sync,
            streams = states.Select(s => new
            {
                stream = s.Stream,
                cursor_column = s.State.CursorColumn,
                cursor = s.State.Cursor,
                chunks_staged = s.State.CompletedChunks.IsDefault ? [] : s.State.CompletedChunks,
                extra = s.State.Extra.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value),
                updated_at = s.UpdatedAt?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            }),
        },
        ConnectionCommand.JsonOptions);
}
