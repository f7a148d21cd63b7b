using System.CommandLine;
using System.Globalization;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;
using Spectre.Console;

namespace Nagare.Cli.Commands.Pipelines;

/// <summary><c>nagare pipeline run|list</c>: start a pipeline's run, and see the project's pipelines.</summary>
public static class PipelineCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("pipeline", "Run a pipeline, or list the project's pipelines with their schedules, next runs and deadlines.");
        command.Subcommands.Add(CreateRun(context));
        command.Subcommands.Add(CreateList(context));
        return command;
    }

    private static Command CreateRun(CliContext context)
    {
        var options = new PipelineOptions();
        var name = new Argument<string>("pipeline") { Description = "Pipeline name (pipelines/NAME.yml)." };
        var parameters = PipelineOptions.ParamOption();
        var date = new Option<string?>("--date") { Description = "Logical date of the run, yyyy-MM-dd (default: today in the pipeline's time zone)." };
        var wait = new Option<bool>("--wait") { Description = "When a server runs the pipeline: wait for the run to finish (exit code from its result)." };
        var key = new Option<string?>("--idempotency-key") { Description = "A second request with the same key returns the first run instead of starting another." };
        var slots = new Option<int>("--slots") { Description = "Without a server: tasks run at once in this process (default 4).", DefaultValueFactory = _ => 4 };
        var command = new Command("run", "Start a run. Without a running `nagare serve`, the run happens in this process and the command waits for it.") { name, parameters, date, wait, key, slots };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var verbose = parse.GetValue(context.Verbose);
            await using var service = await options.OpenAsync(parse, context, verbose, cancellationToken).ConfigureAwait(false);
            var pipeline = parse.GetValue(name)!;
            var created = await service.StartAsync(pipeline, PipelineOptions.Parameters(parse.GetValue(parameters)), PipelineOptions.ParseDate(parse.GetValue(date), "--date"), parse.GetValue(key), cancellationToken).ConfigureAwait(false);
            var zone = PipelineOptions.ZoneOf(service.Project, pipeline);
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"run {created.Id} of {pipeline}: {created.State}{(created.Existing ? " (an earlier request with this idempotency key)" : string.Empty)}")).ConfigureAwait(false);
            RunRecord run;
            if (await service.ServerRunningAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!parse.GetValue(wait))
                {
                    await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"the server runs it; follow it with: nagare runs show {created.Id}")).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                run = await service.WaitAsync(created.Id, TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    run = await service.RunToEndAsync(created.Id, new WorkerOptions { Warehouse = true, Slots = Math.Max(1, parse.GetValue(slots)) }, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    await service.Store.CancelRunAsync(created.Id, context.Time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                    throw;
                }
            }

            await RunsCommand.PrintRunAsync(context, service, run.Id, zone, parse.GetValue(context.Quiet), cancellationToken).ConfigureAwait(false);
            return PipelineOptions.ExitCode(run);
        });
        return command;
    }

    private static Command CreateList(CliContext context)
    {
        var options = new PipelineOptions();
        var command = new Command("list", "The project's pipelines: schedule, next run, last run, deadline and how often it was met in the last 30 days.");
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var service = await options.OpenAsync(parse, context, verbose: false, cancellationToken).ConfigureAwait(false);
            var now = context.Time.GetUtcNow();
            var table = new Table().Border(TableBorder.Simple).AddColumns("pipeline", "schedule", "next run", "last run", "deadline", "met (30 d)", "steps");
            foreach (var pipeline in service.Project.Pipelines.Values)
            {
                var zone = RunPlanner.ZoneOf(pipeline);
                var schedule = RunPlanner.ScheduleOf(pipeline);
                var last = (await service.Store.ListRunsAsync(new RunFilter(pipeline.Name, Limit: 1), cancellationToken).ConfigureAwait(false)).FirstOrDefault();
                var (met, total) = await service.Store.ComplianceAsync(pipeline.Name, now.AddDays(-30), cancellationToken).ConfigureAwait(false);
                var deadline = pipeline.Deadline is { } d
                    ? string.Join(" ", new[] { d.TimeOfDay?.ToString("HH:mm", CultureInfo.InvariantCulture), d.TimeOfDay is null ? null : d.TimeZone, d.MaxDuration is { } m ? "within " + PipelineOptions.Duration(m) : null }.Where(x => x is not null))
                    : "-";
                table.AddRow(
                    Markup.Escape(pipeline.Name),
                    Markup.Escape(pipeline.Schedule is { } s ? $"{s.Cron} ({s.TimeZone})" : pipeline.AfterPipelines.IsDefaultOrEmpty ? "manual" : "after " + string.Join(", ", pipeline.AfterPipelines)),
                    Markup.Escape(PipelineOptions.Format(schedule?.NextAfter(now), zone)),
                    Markup.Escape(last is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"#{last.Id} {last.State} {last.LogicalDate}")),
                    Markup.Escape(deadline),
                    total == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{met} of {total}"),
                    pipeline.Steps.Length.ToString(CultureInfo.InvariantCulture));
            }

            context.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
