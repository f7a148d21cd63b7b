using System.Collections.Immutable;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Spectre.Console;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare sync NAME [--select GLOB] [--full-refresh] [--threads N] [--var k=v] [--json]</c>.</summary>
public static class SyncCommand
{
    public static Command Create(CliContext context)
    {
        var project = ProjectOption.Create();
        var name = new Argument<string>("name") { Description = "Sync name (syncs/NAME.yml)." };
        var select = new Option<string?>("--select", "-s") { Description = "Only streams whose schema.table (or destination table) matches this glob." };
        var fullRefresh = new Option<bool>("--full-refresh") { Description = "Copy every stream with full refresh, ignoring stored cursors." };
        var threads = new Option<int?>("--threads", "-t") { Description = "Streams copied at once (default: defaults.parallelism of nagare.yml)." };
        var vars = new Option<string[]>("--var") { Description = "Query variable for custom SQL, as name=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var json = new Option<bool>("--json") { Description = "Print the per-stream summary as JSON." };
        var command = new Command("sync", "Copy a sync's streams from its source into its destination.") { name, select, fullRefresh, threads, vars, json, project };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = ProjectOption.Load(parse, project, context);
            if (parse.GetValue(threads) is < 1)
            {
                throw new NagareException("--threads must be at least 1.");
            }

            var options = new SyncRunOptions(parse.GetValue(select), parse.GetValue(fullRefresh), parse.GetValue(threads), ParseVars(parse.GetValue(vars)));
            var runner = new SyncRunner(config, ConnectorRegistry.Default, context.Time);
            var asJson = parse.GetValue(json);
            SyncSummary summary;
            if (!asJson && context.Console.Profile.Capabilities.Interactive)
            {
                summary = await RunWithProgressAsync(context, runner, parse.GetValue(name)!, options, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                summary = await runner.RunAsync(parse.GetValue(name)!, options, cancellationToken).ConfigureAwait(false);
            }

            if (asJson)
            {
                await context.Out.WriteLineAsync(ToJson(summary)).ConfigureAwait(false);
            }
            else
            {
                Render(context, summary);
            }

            return summary.Succeeded ? ExitCodes.Success : ExitCodes.UserError;
        });
        return command;
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
        SyncSummary? summary = null;
        await context.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var tables = progress.AddTask("tables", maxValue: 1);
                var reporter = new Progress<SyncProgress>(p =>
                {
                    tables.MaxValue = Math.Max(1, p.TablesTotal);
                    tables.Value = p.TablesDone;
                    var now = p.Current.IsEmpty ? string.Empty : $" · {string.Join(", ", p.Current.Take(3))}";
                    tables.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"tables {p.TablesDone}/{p.TablesTotal} · rows {p.RowsWritten:N0} · {p.RowsPerSecond:N0} rows/s{now}"));
                });
                summary = await runner.RunAsync(name, options with { Progress = reporter }, cancellationToken).ConfigureAwait(false);
                tables.Value = tables.MaxValue;
            }).ConfigureAwait(false);
        return summary!;
    }

    private static void Render(CliContext context, SyncSummary summary)
    {
        foreach (var rename in summary.Renames)
        {
            context.Console.MarkupLine($"[yellow]renamed[/] {Markup.Escape(rename.ToString())}");
        }

        var table = new Table().AddColumns("stream", "table", "mode", "read", "written", "rejected", "seconds", "status", "message");
        foreach (var s in summary.Streams)
        {
            table.AddRow(
                Markup.Escape(s.Stream),
                Markup.Escape(s.Table),
                ModeName(s.Mode),
                s.RowsRead.ToString("N0", CultureInfo.InvariantCulture),
                s.RowsWritten.ToString("N0", CultureInfo.InvariantCulture),
                s.RowsRejected.ToString("N0", CultureInfo.InvariantCulture),
                s.Seconds.ToString("0.00", CultureInfo.InvariantCulture),
                s.Status == StreamStatus.Succeeded ? "[green]ok[/]" : $"[red]{s.Status.ToString().ToLowerInvariant()}[/]",
                Markup.Escape(s.Message ?? ChangesText(s) ?? string.Empty));
        }

        context.Console.Write(table);
        var failed = summary.Streams.Count(s => s.Status != StreamStatus.Succeeded);
        context.Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{summary.Sync}: {summary.Streams.Length - failed} of {summary.Streams.Length} streams ok, {summary.RowsWritten:N0} rows in {summary.Seconds:0.00} s{(failed > 0 ? $", {failed} failed" : string.Empty)}"));
    }

    /// <summary>What a merge or a delete-detecting load did to existing rows, for the summary table; null otherwise.</summary>
    private static string? ChangesText(StreamResult s) => s.Changes is not { } c || (s.Mode != WriteMode.Merge && c.RowsDeleted == 0)
        ? null
        : string.Create(
            CultureInfo.InvariantCulture,
            $"inserted {c.RowsInserted:N0}, updated {c.RowsUpdated:N0}, unchanged {c.RowsUnchanged:N0}, deleted {c.RowsDeleted:N0}");

    internal static string ModeName(WriteMode mode) => mode switch
    {
        WriteMode.FullRefresh => "full_refresh",
        WriteMode.Append => "append",
        WriteMode.Incremental => "incremental",
        _ => "merge",
    };

    internal static string ToJson(SyncSummary summary) => JsonSerializer.Serialize(
        new
        {
            sync = summary.Sync,
            succeeded = summary.Succeeded,
            seconds = Math.Round(summary.Seconds, 3),
            rows_written = summary.RowsWritten,
            renames = summary.Renames.Select(r => new { stream = r.Stream, column = r.Column, from = r.From, to = r.To }),
            streams = summary.Streams.Select(s => new
            {
                stream = s.Stream,
                table = s.Table,
                mode = ModeName(s.Mode),
                rows_read = s.RowsRead,
                rows_written = s.RowsWritten,
                rows_rejected = s.RowsRejected,
                rows_inserted = s.Changes?.RowsInserted,
                rows_updated = s.Changes?.RowsUpdated,
                rows_unchanged = s.Changes?.RowsUnchanged,
                rows_deleted = s.Changes?.RowsDeleted,
                seconds = Math.Round(s.Seconds, 3),
                status = s.Status.ToString().ToLowerInvariant(),
                message = s.Message,
                chunks = s.Chunks,
                chunks_resumed = s.ChunksResumed,
            }),
        },
        ConnectionCommand.JsonOptions);
}
