using System.CommandLine;
using System.Globalization;
using Nagare.Core;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;
using Spectre.Console;

namespace Nagare.Cli.Commands.Pipelines;

/// <summary><c>nagare runs list|show|logs|cancel|rerun</c>: the history of pipeline runs, their tasks and logs.</summary>
public static class RunsCommand
{
    public static Command Create(CliContext context)
    {
        var command = AddList(context, new Command("runs", "Pipeline runs: list them (the default), show one with its steps, read its logs, cancel it, run it again from where it failed."));
        command.Subcommands.Add(CreateList(context));
        command.Subcommands.Add(CreateShow(context));
        command.Subcommands.Add(CreateLogs(context));
        command.Subcommands.Add(CreateCancel(context));
        command.Subcommands.Add(CreateRerun(context));
        return command;
    }

    private static Argument<long> RunArgument() => new("run") { Description = "Run id (from `nagare runs list`)." };

    private static Command CreateList(CliContext context) =>
        AddList(context, new Command("list", "Runs, newest first: state, logical date, duration, deadline status and expected finish."));

    /// <summary>The options and action of <c>runs list</c>, also those of <c>runs</c> alone.</summary>
    private static Command AddList(CliContext context, Command command)
    {
        var options = new PipelineOptions();
        var pipeline = new Option<string?>("--pipeline") { Description = "Only this pipeline's runs." };
        var state = new Option<string?>("--state") { Description = "Only runs in this state (queued, running, succeeded, failed, cancelled, skipped)." };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many, newest first (default 20).", DefaultValueFactory = _ => 20 };
        command.Options.Add(pipeline);
        command.Options.Add(state);
        command.Options.Add(limit);
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var service = await options.OpenAsync(parse, context, verbose: false, cancellationToken).ConfigureAwait(false);
            var now = context.Time.GetUtcNow();
            var runs = await service.Store.ListRunsAsync(new RunFilter(parse.GetValue(pipeline), parse.GetValue(state), parse.GetValue(limit)), cancellationToken).ConfigureAwait(false);
            var table = new Table().Border(TableBorder.Simple).AddColumns("run", "pipeline", "date", "trigger", "state", "started", "took", "deadline", "eta");
            foreach (var run in runs)
            {
                var zone = PipelineOptions.ZoneOf(service.Project, run.Pipeline);
                table.AddRow(
                    run.Id.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(run.Pipeline),
                    run.LogicalDate,
                    run.Trigger,
                    StateMarkup(run.State),
                    Markup.Escape(PipelineOptions.Format(run.StartedAt, zone)),
                    PipelineOptions.Duration(run.StartedAt, run.FinishedAt, now),
                    Markup.Escape(run.DeadlineAt is null ? "-" : $"{PipelineOptions.Format(run.DeadlineAt, zone)} {run.Slo ?? string.Empty}".TrimEnd()),
                    Markup.Escape(RunStates.IsFinal(run.State) ? "-" : PipelineOptions.Format(run.Eta, zone)));
            }

            context.Console.Write(table);
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{runs.Count} run(s)")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateShow(CliContext context)
    {
        var options = new PipelineOptions();
        var run = RunArgument();
        var command = new Command("show", "One run: its state, deadline and expected finish, each step with its tasks, errors and notices sent.") { run };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var service = await options.OpenAsync(parse, context, verbose: false, cancellationToken).ConfigureAwait(false);
            var id = parse.GetValue(run);
            var detail = await service.Store.GetRunAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NoRun(service, id);
            await PrintRunAsync(context, service, id, PipelineOptions.ZoneOf(service.Project, detail.Run.Pipeline), false, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateLogs(CliContext context)
    {
        var options = new PipelineOptions();
        var run = RunArgument();
        var task = new Option<long?>("--task") { Description = "Only this task's lines (ids in `nagare runs show`)." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until the run finishes." };
        var command = new Command("logs", "A run's task logs (every attempt), oldest first.") { run, task, follow };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var service = await options.OpenAsync(parse, context, verbose: false, cancellationToken).ConfigureAwait(false);
            var id = parse.GetValue(run);
            var detail = await service.Store.GetRunAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NoRun(service, id);
            var zone = PipelineOptions.ZoneOf(service.Project, detail.Run.Pipeline);
            var names = detail.Attempts.ToDictionary(a => a.Id, a =>
            {
                var t = detail.Tasks.First(x => x.Id == a.TaskId);
                return string.Create(CultureInfo.InvariantCulture, $"{t.Step}{(t.Item is null ? string.Empty : "[" + t.Item + "]")} #{a.Number}");
            });
            var after = 0L;
            while (true)
            {
                var lines = await service.Store.ReadLogAsync(id, parse.GetValue(task), after, 1000, cancellationToken).ConfigureAwait(false);
                foreach (var line in lines)
                {
                    if (!names.TryGetValue(line.AttemptId, out var name))
                    {
                        var again = await service.Store.GetRunAsync(id, cancellationToken).ConfigureAwait(false);
                        foreach (var a in again!.Attempts)
                        {
                            var t = again.Tasks.First(x => x.Id == a.TaskId);
                            names[a.Id] = string.Create(CultureInfo.InvariantCulture, $"{t.Step}{(t.Item is null ? string.Empty : "[" + t.Item + "]")} #{a.Number}");
                        }

                        name = names.GetValueOrDefault(line.AttemptId, "?");
                    }

                    await context.Out.WriteLineAsync($"{TimeZoneInfo.ConvertTime(line.At, zone).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {name}: {line.Line}").ConfigureAwait(false);
                    after = line.Id;
                }

                if (lines.Count == 1000)
                {
                    continue;
                }

                if (!parse.GetValue(follow) || RunStates.IsFinal((await service.Store.GetRunAsync(id, cancellationToken).ConfigureAwait(false))!.Run.State))
                {
                    if (parse.GetValue(follow))
                    {
                        // Lines written between the last read and the end.
                        foreach (var line in await service.Store.ReadLogAsync(id, parse.GetValue(task), after, 100_000, cancellationToken).ConfigureAwait(false))
                        {
                            await context.Out.WriteLineAsync($"{TimeZoneInfo.ConvertTime(line.At, zone).ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {names.GetValueOrDefault(line.AttemptId, "?")}: {line.Line}").ConfigureAwait(false);
                        }
                    }

                    return ExitCodes.Success;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), context.Time, cancellationToken).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static Command CreateCancel(CliContext context)
    {
        var options = new PipelineOptions();
        var run = RunArgument();
        var command = new Command("cancel", "Cancel a queued or running run: tasks not started will not start; running tasks are stopped at their worker's next heartbeat.") { run };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var service = await options.OpenAsync(parse, context, verbose: false, cancellationToken).ConfigureAwait(false);
            var id = parse.GetValue(run);
            var detail = await service.Store.GetRunAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NoRun(service, id);
            if (!await service.Store.CancelRunAsync(id, context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                throw new NagareException(string.Create(CultureInfo.InvariantCulture, $"Run {id} is {detail.Run.State}; only queued or running runs can be cancelled."));
            }

            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"run {id} of {detail.Run.Pipeline}: cancelled")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateRerun(CliContext context)
    {
        var options = new PipelineOptions();
        var run = RunArgument();
        var command = new Command("rerun", "Run a failed or cancelled run again from the failed steps: steps that succeeded are kept. Without a running `nagare serve`, it runs in this process.") { run };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var verbose = parse.GetValue(context.Verbose);
            await using var service = await options.OpenAsync(parse, context, verbose, cancellationToken).ConfigureAwait(false);
            var id = parse.GetValue(run);
            var detail = await service.Store.GetRunAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NoRun(service, id);
            if (!await service.Store.RerunAsync(id, context.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                throw new NagareException(string.Create(CultureInfo.InvariantCulture, $"Run {id} is {detail.Run.State}; only failed or cancelled runs can run again."))
                {
                    Hint = $"Start a new run with: nagare pipeline run {detail.Run.Pipeline}",
                };
            }

            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"run {id} of {detail.Run.Pipeline}: running again from its failed steps")).ConfigureAwait(false);
            if (await service.ServerRunningAsync(cancellationToken).ConfigureAwait(false))
            {
                await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"the server runs it; follow it with: nagare runs show {id}")).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var done = await service.RunToEndAsync(id, new WorkerOptions(), cancellationToken).ConfigureAwait(false);
            await PrintRunAsync(context, service, id, PipelineOptions.ZoneOf(service.Project, done.Pipeline), parse.GetValue(context.Quiet), cancellationToken).ConfigureAwait(false);
            return PipelineOptions.ExitCode(done);
        });
        return command;
    }

    /// <summary>A run's header, its steps and its errors.</summary>
    internal static async Task PrintRunAsync(CliContext context, PipelineService service, long id, TimeZoneInfo zone, bool quiet, CancellationToken cancellationToken)
    {
        var detail = await service.Store.GetRunAsync(id, cancellationToken).ConfigureAwait(false) ?? throw NoRun(service, id);
        var run = detail.Run;
        var now = context.Time.GetUtcNow();
        if (!quiet)
        {
            await context.Out.WriteLineAsync($"run {run.Id} · {run.Pipeline} · logical date {run.LogicalDate} · {run.Trigger}").ConfigureAwait(false);
            await context.Out.WriteLineAsync($"state {run.State} · started {PipelineOptions.Format(run.StartedAt, zone)} · took {PipelineOptions.Duration(run.StartedAt, run.FinishedAt, now)}").ConfigureAwait(false);
            if (run.DeadlineAt is not null || run.Eta is not null)
            {
                await context.Out.WriteLineAsync($"deadline {PipelineOptions.Format(run.DeadlineAt, zone)} · {run.Slo ?? "-"}{(RunStates.IsFinal(run.State) ? string.Empty : " · expected finish " + PipelineOptions.Format(run.Eta, zone))}").ConfigureAwait(false);
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("step", "state", "tasks", "attempts", "rows", "took");
            foreach (var step in detail.Steps)
            {
                var tasks = detail.Tasks.Where(t => t.Step == step.Name).ToList();
                table.AddRow(
                    Markup.Escape(step.Name),
                    StateMarkup(step.State),
                    string.Create(CultureInfo.InvariantCulture, $"{step.Done}/{step.Total}"),
                    tasks.Sum(t => t.Attempts).ToString(CultureInfo.InvariantCulture),
                    tasks.Any(t => t.Rows is not null) ? tasks.Sum(t => t.Rows ?? 0).ToString("N0", CultureInfo.InvariantCulture) : "-",
                    PipelineOptions.Duration(step.StartedAt, step.FinishedAt, now));
            }

            context.Console.Write(table);
            foreach (var notice in await service.Store.ListNoticesAsync(id, cancellationToken).ConfigureAwait(false))
            {
                await context.Out.WriteLineAsync($"notice {MetadataStore.KindName(notice.Kind)}{(notice.Step is null ? string.Empty : $" (step {notice.Step})")} -> {notice.Channel}: {notice.State}").ConfigureAwait(false);
            }
        }

        foreach (var task in detail.Tasks.Where(t => t.State == RunStates.Failed))
        {
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"FAILED {task.Step}{(task.Item is null ? string.Empty : "[" + task.Item + "]")} (task {task.Id}, {task.Attempts} attempt(s)): {task.Error}")).ConfigureAwait(false);
        }

        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"run {run.Id} {run.State}: {detail.Steps.Count(s => s.State == RunStates.Succeeded)} of {detail.Steps.Length} steps succeeded in {PipelineOptions.Duration(run.StartedAt, run.FinishedAt, now)}")).ConfigureAwait(false);
    }

    private static string StateMarkup(string state) => state switch
    {
        RunStates.Succeeded => "[green]succeeded[/]",
        RunStates.Failed or RunStates.UpstreamFailed => $"[red]{state}[/]",
        RunStates.Running or RunStates.Ready => $"[blue]{state}[/]",
        _ => $"[yellow]{state}[/]",
    };

    private static NagareException NoRun(PipelineService service, long id) =>
        new(string.Create(CultureInfo.InvariantCulture, $"No run {id} in the metadata store {service.Store.Display}.")) { Hint = "List runs with: nagare runs list" };
}
