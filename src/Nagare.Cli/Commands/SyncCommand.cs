using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nagare.Core;
using Nagare.Cli.Output;
using Nagare.Cli.Remote;
using Nagare.Core.Connectors;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Spectre.Console;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare sync NAME [--select GLOB] [--full-refresh] [--threads N] [--var k=v] [--json] [--dry-run]</c>.</summary>
public static class SyncCommand
{
    public static Command Create(CliContext context)
    {
        var project = ProjectOption.Create();
        var name = new Argument<string>("name") { Description = "Sync name (syncs/NAME.yml)." };
        var select = new Option<string?>("--select", "-s") { Description = "Only streams whose schema.table (or destination table) matches this glob." };
        var fullRefresh = new Option<bool>("--full-refresh") { Description = "Copy every stream with full refresh, ignoring stored cursors." };
        var threads = new Option<int?>("--threads") { Description = "Streams copied at once (default: defaults.parallelism of nagare.yml)." };
        var vars = new Option<string[]>("--var") { Description = "Query variable for custom SQL, as name=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "Print the per-stream summary as JSON." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (streams, modes, target tables, what would be created or altered, estimated rows); write nothing." };
        var server = new Option<string?>("--server") { Description = $"Run the sync on the server at this URL (with an API token in {ServerClient.TokenVariable}). Default: the server running for the project, if any (it owns the warehouse)." };
        var command = new Command("sync", "Copy a sync's streams from its source into its destination.") { name, select, fullRefresh, threads, vars, json, dryRun, project, server };
        var warehouse = new WarehouseOptions();
        warehouse.AddWait(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ServerClient.Find(parse.GetValue(server), Path.GetFullPath(parse.GetValue(project)!)) is { } client)
            {
                using (client)
                {
                    if (parse.GetValue(dryRun) || parse.GetValue(json) || parse.GetValue(threads) is not null || parse.GetValue(vars) is { Length: > 0 })
                    {
                        throw new NagareException($"The server at {client.Address} owns the warehouse: through it a sync takes only --select and --full-refresh.") { Hint = "Drop --dry-run, --json, --threads and --var, or stop the server to run the sync here." };
                    }

                    var escaped = Uri.EscapeDataString(parse.GetValue(name)!);
                    return await client.RunAsync($"sync {parse.GetValue(name)}", $"api/v1/syncs/{escaped}/runs", new { select = parse.GetValue(select), full_refresh = parse.GetValue(fullRefresh) }, context, cancellationToken).ConfigureAwait(false);
                }
            }

            var config = ProjectOption.Load(parse, project, context);
            if (parse.GetValue(threads) is < 1)
            {
                throw new NagareException("--threads must be at least 1.");
            }

            var syncName = parse.GetValue(name)!;
            var options = new SyncRunOptions(parse.GetValue(select), parse.GetValue(fullRefresh), parse.GetValue(threads), ParseVars(parse.GetValue(vars)))
            {
                LockWait = warehouse.WaitFor(parse),
            };
            var runner = new SyncRunner(config, ConnectorRegistry.Default, context.Time);
            var asJson = parse.GetValue(json);
            if (parse.GetValue(dryRun))
            {
                var preview = await runner.PreviewAsync(syncName, options, cancellationToken).ConfigureAwait(false);
                if (asJson)
                {
                    await context.Out.WriteLineAsync(PreviewJson(preview)).ConfigureAwait(false);
                }
                else
                {
                    RenderPreview(context, preview);
                }

                return ExitCodes.Success;
            }

            var quiet = parse.GetValue(context.Quiet);
            var interactive = context.Console.Profile.Capabilities.Interactive;
            var progressBars = interactive && !asJson && !quiet && !parse.GetValue(context.Verbose);

            // Without progress bars (output to a file or pipe, or --verbose) each stream says when it is done.
            var lines = !asJson && !quiet && !progressBars;
            using var log = RunLog.Start(config.Root, $"sync {syncName}", context.Time, config.Defaults.LogRetentionDays);
            var linesGate = new Lock();
            options = options with
            {
                StreamFinished = result =>
                {
                    var line = StreamLine(result);
                    log?.Write(line);
                    if (lines)
                    {
                        lock (linesGate)
                        {
                            context.Out.WriteLine(line);
                        }
                    }
                },
            };

            SyncSummary summary;
            try
            {
                summary = progressBars
                    ? await RunWithProgressAsync(context, runner, syncName, options, cancellationToken).ConfigureAwait(false)
                    : await runner.RunAsync(syncName, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NagareException or OperationCanceledException)
            {
                log?.Write(e is OperationCanceledException ? "cancelled" : $"error: {e.Message}");
                throw;
            }

            var footer = Footer(summary);
            log?.Write(footer);
            if (asJson)
            {
                await context.Out.WriteLineAsync(ToJson(summary)).ConfigureAwait(false);
            }
            else if (quiet || lines)
            {
                if (!quiet)
                {
                    RenderRenames(context, summary.Renames);
                }

                await context.Out.WriteLineAsync(footer).ConfigureAwait(false);
            }
            else
            {
                Render(context, summary);
            }

            return summary.Succeeded ? ExitCodes.Success : summary.Cancelled ? ExitCodes.Cancelled : ExitCodes.UserError;
        });
        return command;
    }

    /// <summary>One finished stream on one line: status, table, source, mode, rows, time and what happened.</summary>
    internal static string StreamLine(StreamResult s)
    {
        var status = s.Status == StreamStatus.Succeeded ? "ok" : s.Status.ToString().ToLowerInvariant();
        var rejected = s.RowsRejected > 0 ? string.Create(CultureInfo.InvariantCulture, $" · rejected {s.RowsRejected:N0}") : string.Empty;
        var note = s.Message ?? ChangesText(s);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{status,-9} {s.Table} ← {s.Stream} · {s.Mode.Name()} · read {s.RowsRead:N0} · written {s.RowsWritten:N0}{rejected} · {s.Seconds:0.00} s{(note is null ? string.Empty : " · " + note)}");
    }

    internal static ImmutableDictionary<string, string> ParseVars(string[]? values)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new NagareException($"--var '{value}': expected name=value.");
            }

            builder[value[..eq].Trim()] = value[(eq + 1)..];
        }

        return builder.ToImmutable();
    }

    private static async Task<SyncSummary> RunWithProgressAsync(CliContext context, SyncRunner runner, string name, SyncRunOptions options, CancellationToken cancellationToken)
    {
        // Bar, percentage and elapsed time take about 40 columns; the description gets the rest of the line.
        var room = Math.Max(20, context.Console.Profile.Width - 40);
        SyncSummary? summary = null;
        await context.Console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                const double Steps = 1000;
                var task = progress.AddTask("starting", maxValue: Steps);
                var reporter = new Progress<SyncProgress>(p =>
                {
                    // By rows when the source's estimates cover the run, else by tables; 100% only once all are done.
                    task.Value = p.Fraction * Steps;
                    var now = p.Current.IsEmpty ? string.Empty : $" · {string.Join(", ", p.Current.Take(3))}";
                    var text = string.Create(CultureInfo.InvariantCulture, $"{p.TablesDone}/{p.TablesTotal} tables · {p.RowsWritten:N0} rows · {p.RowsPerSecond:N0}/s{now}");
                    task.Description = Markup.Escape(text.Length > room ? text[..(room - 1)] + "…" : text);
                });
                summary = await runner.RunAsync(name, options with { Progress = reporter }, cancellationToken).ConfigureAwait(false);
                task.Value = Steps;
            }).ConfigureAwait(false);
        return summary!;
    }

    private static void RenderRenames(CliContext context, ImmutableArray<NameChange> renames, string verb = "renamed")
    {
        foreach (var rename in renames)
        {
            context.Console.MarkupLine($"[yellow]{verb}[/] {Markup.Escape(rename.ToString())}");
        }
    }

    private static void Render(CliContext context, SyncSummary summary)
    {
        RenderRenames(context, summary.Renames);
        var table = new Table().AddColumns("stream", "table", "mode", "read", "written", "rejected", "seconds", "status", "message");
        foreach (var s in summary.Streams)
        {
            table.AddRow(
                Markup.Escape(s.Stream),
                Markup.Escape(s.Table),
                s.Mode.Name(),
                s.RowsRead.ToString("N0", CultureInfo.InvariantCulture),
                s.RowsWritten.ToString("N0", CultureInfo.InvariantCulture),
                s.RowsRejected.ToString("N0", CultureInfo.InvariantCulture),
                s.Seconds.ToString("0.00", CultureInfo.InvariantCulture),
                s.Status == StreamStatus.Succeeded ? "[green]ok[/]" : $"[red]{s.Status.ToString().ToLowerInvariant()}[/]",
                Markup.Escape(s.Message ?? ChangesText(s) ?? string.Empty));
        }

        context.Console.Write(table);
        context.Console.WriteLine(Footer(summary));
    }

    private static string Footer(SyncSummary summary)
    {
        var failed = summary.Streams.Count(s => s.Status == StreamStatus.Failed);
        var cancelled = summary.Streams.Count(s => s.Status == StreamStatus.Cancelled);
        var ok = summary.Streams.Length - failed - cancelled;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{summary.Sync}: {ok} of {summary.Streams.Length} streams ok, {summary.RowsWritten:N0} rows in {summary.Seconds:0.00} s{(failed > 0 ? $", {failed} failed" : string.Empty)}{(cancelled > 0 ? $", {cancelled} cancelled (nothing of theirs committed)" : string.Empty)}");
    }

    private static void RenderPreview(CliContext context, SyncPreview preview)
    {
        RenderRenames(context, preview.Renames, "would rename");

        var table = new Table().AddColumns("stream", "table", "mode", "key", "cursor", "est. rows", "action");
        foreach (var t in preview.Tables)
        {
            var cursor = t.CursorColumn is null ? string.Empty : t.Cursor is null ? $"{t.CursorColumn} (all rows)" : $"{t.CursorColumn} > {t.Cursor}";
            table.AddRow(
                Markup.Escape(t.Stream),
                Markup.Escape(t.Table),
                t.Mode.Name(),
                Markup.Escape(string.Join(", ", t.PrimaryKey)),
                Markup.Escape(cursor),
                t.EstimatedRows?.ToString("N0", CultureInfo.InvariantCulture) ?? "?",
                Markup.Escape(t.Action + (t.Chunking is { } c ? $" in about {c.Chunks} chunks by {c.Key}" : string.Empty) + (t.ChunksStaged > 0 ? $" ({t.ChunksStaged} chunks staged)" : string.Empty)));
        }

        context.Console.Write(table);
        foreach (var failed in preview.FailedSources)
        {
            context.Console.WriteLine($"not planned: {failed.Connection} could not be discovered (a run would leave its rows as they are): {failed.Message}");
        }

        context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{preview.Sync}: {preview.Tables.Length} streams from '{preview.Source}' into '{preview.Destination}' (dry run: nothing was written)"));
    }

    private static void WriteRenames(Utf8JsonWriter json, ImmutableArray<NameChange> renames) =>
        json.WriteObjects("renames", renames, static (json, r) =>
        {
            json.WriteString("stream", r.Stream);
            json.WriteString("column", r.Column);
            json.WriteString("from", r.From);
            json.WriteString("to", r.To);
        });

    internal static string PreviewJson(SyncPreview preview) => JsonText.Indented(json =>
    {
        json.WriteStartObject();
        json.WriteString("sync", preview.Sync);
        json.WriteString("source", preview.Source);
        json.WriteString("destination", preview.Destination);
        json.WriteBoolean("dry_run", true);
        WriteRenames(json, preview.Renames);
        json.WriteObjects("failed_sources", preview.FailedSources, static (json, f) =>
        {
            json.WriteString("connection", f.Connection);
            json.WriteString("message", f.Message);
        });
        json.WriteObjects("streams", preview.Tables, static (json, t) =>
        {
            json.WriteString("stream", t.Stream);
            json.WriteString("table", t.Table);
            json.WriteString("mode", t.Mode.Name());
            json.WriteStrings("primary_key", t.PrimaryKey.IsDefault ? [] : t.PrimaryKey);
            json.WriteString("cursor_column", t.CursorColumn);
            json.WriteString("cursor", t.Cursor);
            json.WriteNumberOrNull("estimated_rows", t.EstimatedRows);
            json.WriteString("action", t.Action);
            json.WriteNumber("chunks_staged", t.ChunksStaged);
            json.WriteString("chunk_key", t.Chunking?.Key);
            json.WriteNumberOrNull("chunks", t.Chunking?.Chunks);
        });
        json.WriteEndObject();
    });

    /// <summary>What a merge or a delete-detecting load did to existing rows, for the summary table; null otherwise.</summary>
    private static string? ChangesText(StreamResult s) => s.Changes is not { } c || (s.Mode != WriteMode.Merge && c.RowsDeleted == 0)
        ? null
        : string.Create(
            CultureInfo.InvariantCulture,
            $"inserted {c.RowsInserted:N0}, updated {c.RowsUpdated:N0}, unchanged {c.RowsUnchanged:N0}, deleted {c.RowsDeleted:N0}");

    internal static string ToJson(SyncSummary summary) => JsonText.Indented(json =>
    {
        json.WriteStartObject();
        json.WriteString("sync", summary.Sync);
        json.WriteBoolean("succeeded", summary.Succeeded);
        json.WriteBoolean("cancelled", summary.Cancelled);
        json.WriteNumber("seconds", Math.Round(summary.Seconds, 3));
        json.WriteNumber("rows_written", summary.RowsWritten);
        WriteRenames(json, summary.Renames);
        json.WriteObjects("streams", summary.Streams, static (json, s) =>
        {
            json.WriteString("stream", s.Stream);
            json.WriteString("table", s.Table);
            json.WriteString("mode", s.Mode.Name());
            json.WriteNumber("rows_read", s.RowsRead);
            json.WriteNumber("rows_written", s.RowsWritten);
            json.WriteNumber("rows_rejected", s.RowsRejected);
            json.WriteNumberOrNull("rows_inserted", s.Changes?.RowsInserted);
            json.WriteNumberOrNull("rows_updated", s.Changes?.RowsUpdated);
            json.WriteNumberOrNull("rows_unchanged", s.Changes?.RowsUnchanged);
            json.WriteNumberOrNull("rows_deleted", s.Changes?.RowsDeleted);
            json.WriteNumber("seconds", Math.Round(s.Seconds, 3));
            json.WriteString("status", s.Status.ToString().ToLowerInvariant());
            json.WriteString("message", s.Message);
            json.WriteNumber("chunks", s.Chunks);
            json.WriteNumber("chunks_resumed", s.ChunksResumed);
        });
        json.WriteEndObject();
    });
}
