using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Nagare.Cli.Commands.Pipelines;
using Nagare.Cli.Output;
using Nagare.Cli.Remote;
using Nagare.Core;
using Nagare.Runtime.Activations;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Pipelines;
using Spectre.Console;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare activate NAME [--dry-run] [--json] [--full] [--retry-rejected]</c>: send an activation's changed records to its destination.</summary>
public static class ActivateCommand
{
    /// <summary>Rejected records listed in the summary (all are kept in the warehouse).</summary>
    private const int ShownRejections = 20;

    public static Command Create(CliContext context)
    {
        var options = new PipelineOptions();
        var name = new Argument<string>("name") { Description = "Activation name (activations/NAME.yml)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print exactly what a run would send (counts of inserts, updates and deletes, and the first records of each); send nothing." };
        var json = new Option<bool>("--json") { Description = "Print the summary (or the dry run) as JSON." };
        var full = new Option<bool>("--full") { Description = "Send the whole result, ignoring what was delivered before (as to a new destination)." };
        var retryRejected = new Option<bool>("--retry-rejected") { Description = "Send only the records the destination rejected before (an HTTP API); clear those it now accepts." };
        var command = new Command("activate", "Send an activation's records (only what changed since the last delivered run) from the warehouse to its destination.") { name, dryRun, json, full, retryRejected };
        options.AddTo(command);
        var warehouse = new WarehouseOptions();
        warehouse.AddWait(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var activation = parse.GetValue(name)!;
            var asJson = parse.GetValue(json);
            if (parse.GetValue(full) && parse.GetValue(retryRejected))
            {
                throw new NagareException("--full sends the whole result and --retry-rejected only the rejected records: choose one.");
            }

            if (ServerClient.Find(null, Path.GetFullPath(parse.GetValue(options.Project)!)) is { } client)
            {
                client.Dispose();
                if (parse.GetValue(dryRun) || asJson)
                {
                    throw new NagareException("A server owns the warehouse: through it an activation runs as a run (no --dry-run or --json).") { Hint = "Drop --dry-run and --json, or stop the server to run the activation here." };
                }

                return await RunOnServerAsync(context, options, parse, AdHocPipelines.ForActivation(activation, parse.GetValue(full), parse.GetValue(retryRejected)), cancellationToken).ConfigureAwait(false);
            }

            var config = ProjectOption.Load(parse, options.Project, context, parse.GetValue(options.Store));
            var service = new ActivationService(config, ConnectorRegistry.Default, context.Time);
            var quiet = parse.GetValue(context.Quiet);
            if (parse.GetValue(dryRun))
            {
                var plan = await service.PlanAsync(activation, new ActivationRunOptions { LockWait = warehouse.WaitFor(parse), Full = parse.GetValue(full), RetryRejected = parse.GetValue(retryRejected) }, cancellationToken).ConfigureAwait(false);
                if (asJson)
                {
                    await context.Out.WriteLineAsync(PlanJson(plan)).ConfigureAwait(false);
                }
                else
                {
                    RenderPlan(context, plan);
                }

                return ExitCodes.Success;
            }

            using var log = RunLog.Start(config.Root, $"activate {activation}", context.Time, config.Defaults.LogRetentionDays);
            var runOptions = new ActivationRunOptions
            {
                LockWait = warehouse.WaitFor(parse),
                Full = parse.GetValue(full),
                RetryRejected = parse.GetValue(retryRejected),
                Progress = line =>
                {
                    log?.Write(line);
                    if (!asJson && !quiet)
                    {
                        context.Out.WriteLine(line);
                    }
                },
            };
            ActivationResult result;
            try
            {
                result = await service.RunAsync(activation, runOptions, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NagareException or OperationCanceledException)
            {
                log?.Write(e is OperationCanceledException ? "cancelled" : $"error: {e.Message}");
                throw;
            }

            var line = StepRunner.ActivationLine(result);
            log?.Write(line);
            if (asJson)
            {
                await context.Out.WriteLineAsync(ResultJson(result)).ConfigureAwait(false);
            }
            else if (quiet)
            {
                await context.Out.WriteLineAsync(line).ConfigureAwait(false);
            }
            else
            {
                RenderResult(context, result);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A server runs for the project: the activation becomes a run of its ad-hoc pipeline, which this waits for.</summary>
    private static async Task<int> RunOnServerAsync(CliContext context, PipelineOptions options, ParseResult parse, string pipeline, CancellationToken cancellationToken)
    {
        await using var service = await options.OpenAsync(parse, context, verbose: false, cancellationToken).ConfigureAwait(false);
        var created = await service.StartAsync(pipeline, null, null, null, cancellationToken).ConfigureAwait(false);
        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"run {created.Id} of {pipeline} on the server: {created.State}")).ConfigureAwait(false);
        var run = await service.WaitAsync(created.Id, TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        await RunsCommand.PrintRunAsync(context, service, run.Id, TimeZoneInfo.Utc, parse.GetValue(context.Quiet), cancellationToken).ConfigureAwait(false);
        return PipelineOptions.ExitCode(run);
    }

    internal static string PlanJson(ActivationPlan plan) => JsonText.Indented(json =>
    {
        json.WriteStartObject();
        json.WriteString("activation", plan.Activation);
        json.WriteString("destination", plan.Destination);
        json.WriteString("mode", plan.Mode);
        json.WriteBoolean("dry_run", true);
        json.WriteNumber("result_rows", plan.ResultRows);
        json.WriteNumber("inserts", plan.Inserts);
        json.WriteNumber("updates", plan.Updates);
        json.WriteNumber("deletes", plan.Deletes);
        json.WriteNumber("unchanged", plan.Unchanged);
        json.WriteBoolean("sends_all", plan.SendsAll);
        json.WriteBoolean("first_run", plan.FirstRun);
        json.WriteNumber("records_sent", plan.HasChanges ? plan.RecordsSent : 0);
        json.WriteStartObject("samples");
        foreach (var (kind, records) in plan.Samples)
        {
            json.WriteStartArray(kind);
            foreach (var record in records)
            {
                json.WriteStartObject();
                foreach (var (field, value) in record)
                {
                    json.WriteString(field, value);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteObjects("requests", plan.Requests, static (json, r) =>
        {
            json.WriteString("operation", r.Operation);
            json.WriteNumber("records", r.Records);
            json.WriteString("method", r.Method);
            json.WriteString("url", r.Url);
            json.WriteString("body", r.Body);
        });
        json.WriteEndObject();
    });

    internal static string ResultJson(ActivationResult result) => JsonText.Indented(json =>
    {
        json.WriteStartObject();
        json.WriteString("activation", result.Plan.Activation);
        json.WriteString("destination", result.Plan.Destination);
        json.WriteString("mode", result.Plan.Mode);
        json.WriteBoolean("dry_run", false);
        json.WriteBoolean("succeeded", true);
        json.WriteNumber("result_rows", result.Plan.ResultRows);
        json.WriteNumber("inserted", result.Inserted);
        json.WriteNumber("updated", result.Updated);
        json.WriteNumber("deleted", result.Deleted);
        json.WriteNumber("rejected", result.Rejected);
        json.WriteNumber("unchanged", result.Plan.Unchanged);
        json.WriteBoolean("sent_whole_result", result.Plan.SendsAll);
        json.WriteNumber("files", result.Files);
        json.WriteNumber("bytes", result.Bytes);
        json.WriteString("manifest", result.Manifest);
        json.WriteNumberOrNull("requests", result.Receipts?.Requests);
        if (result.Receipts is { } receipts)
        {
            json.WriteObjects("rejected_records", receipts.Rejections.Take(ShownRejections), static (json, r) =>
            {
                json.WriteString("key", r.DescribeKey());
                json.WriteString("operation", r.Operation);
                json.WriteNumberOrNull("status", r.Status);
                json.WriteString("error", r.Error);
                json.WriteString("response", r.Response);
            });
        }
        else
        {
            json.WriteNull("rejected_records");
        }

        json.WriteNumber("seconds", Math.Round(result.Seconds, 3));
        json.WriteEndObject();
    });

    private static void RenderPlan(CliContext context, ActivationPlan plan)
    {
        context.Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"dry run of {plan.Activation} -> {plan.Destination} ({plan.Mode}): {plan.ResultRows:N0} records in the result; {plan.Inserts:N0} to insert, {plan.Updates:N0} to update, {plan.Deletes:N0} to delete, {plan.Unchanged:N0} unchanged")));
        context.Console.MarkupLine(Markup.Escape(!plan.HasChanges
            ? "nothing would be sent"
            : plan.SendsAll ? string.Create(CultureInfo.InvariantCulture, $"the whole result ({plan.ResultRows:N0} records) would be sent{(plan.FirstRun ? " (nothing delivered yet)" : string.Empty)}") : string.Create(CultureInfo.InvariantCulture, $"{plan.RecordsSent:N0} records would be sent")));
        foreach (var (kind, rows) in plan.Samples)
        {
            if (rows.IsDefaultOrEmpty)
            {
                continue;
            }

            var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape($"first {rows.Length} to {kind}"));
            var fields = rows[0].Keys.ToList();
            foreach (var field in fields)
            {
                table.AddColumn(Markup.Escape(field));
            }

            foreach (var row in rows)
            {
                table.AddRow([.. fields.Select(f => Markup.Escape(row[f] ?? "NULL"))]);
            }

            context.Console.Write(table);
        }

        foreach (var request in plan.Requests)
        {
            context.Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{request.Operation} ({request.Records:N0} record(s)): {request.Method} {request.Url}")));
            if (request.Body is { } body)
            {
                context.Console.MarkupLine(Markup.Escape(body.Length <= 2000 ? body : string.Concat(body.AsSpan(0, 2000), "…")));
            }
        }
    }

    private static void RenderResult(CliContext context, ActivationResult result)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("activation", "destination", "mode", "inserted", "updated", "deleted", "rejected", "unchanged", "files", "bytes", "seconds");
        table.AddRow(
            Markup.Escape(result.Plan.Activation),
            Markup.Escape(result.Plan.Destination),
            Markup.Escape(result.Plan.Mode),
            result.Inserted.ToString("N0", CultureInfo.InvariantCulture),
            result.Updated.ToString("N0", CultureInfo.InvariantCulture),
            result.Deleted.ToString("N0", CultureInfo.InvariantCulture),
            result.Rejected.ToString("N0", CultureInfo.InvariantCulture),
            result.Plan.Unchanged.ToString("N0", CultureInfo.InvariantCulture),
            result.Files.ToString(CultureInfo.InvariantCulture),
            result.Bytes.ToString("N0", CultureInfo.InvariantCulture),
            result.Seconds.ToString("0.00", CultureInfo.InvariantCulture));
        context.Console.Write(table);
        if (result.Manifest is { } manifest)
        {
            context.Console.MarkupLine(Markup.Escape($"manifest: {manifest}"));
        }

        if (result.Receipts is not { } receipts)
        {
            return;
        }

        context.Console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{receipts.Requests:N0} request(s) made")));
        var rejections = receipts.Rejections;
        if (rejections.Count == 0)
        {
            return;
        }

        var rejected = new Table().Border(TableBorder.Simple).Title(Markup.Escape(rejections.Count > ShownRejections ? $"first {ShownRejections} of {rejections.Count:N0} rejected records" : "rejected records")).AddColumns("key", "operation", "status", "error", "response");
        foreach (var rejection in rejections.Take(ShownRejections))
        {
            rejected.AddRow(
                Markup.Escape(rejection.DescribeKey()),
                Markup.Escape(rejection.Operation),
                rejection.Status?.ToString(CultureInfo.InvariantCulture) ?? "-",
                Markup.Escape(rejection.Error),
                Markup.Escape(rejection.Response is { Length: > 120 } text ? string.Concat(text.AsSpan(0, 120), "…") : rejection.Response ?? string.Empty));
        }

        context.Console.Write(rejected);
        context.Console.MarkupLine(Markup.Escape($"rejected records are kept in the warehouse ({ActivationTables.Rejected(result.Plan.Activation)}); the next run sends them again, or only them with --retry-rejected"));
    }
}
