using System.CommandLine;
using System.Globalization;
using Nagare.Core;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Cli.Commands.Pipelines;

/// <summary><c>nagare backfill PIPELINE --from D --to D</c>: one run per logical date (per tick) of a range.</summary>
public static class BackfillCommand
{
    public static Command Create(CliContext context)
    {
        var options = new PipelineOptions();
        var name = new Argument<string>("pipeline") { Description = "Pipeline name." };
        var from = new Option<string>("--from") { Description = "First logical date, yyyy-MM-dd.", Required = true };
        var to = new Option<string>("--to") { Description = "Last logical date, yyyy-MM-dd (inclusive).", Required = true };
        var parameters = PipelineOptions.ParamOption();
        var command = new Command("backfill", "Create one run per logical date from --from to --to (per tick for a scheduled pipeline), at most max_active_runs at once. Without a running `nagare serve`, they run in this process.") { name, from, to, parameters };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var verbose = parse.GetValue(context.Verbose);
            await using var service = await options.OpenAsync(parse, context, verbose, cancellationToken).ConfigureAwait(false);
            var pipeline = parse.GetValue(name)!;
            var first = PipelineOptions.ParseDate(parse.GetValue(from), "--from")!.Value;
            var last = PipelineOptions.ParseDate(parse.GetValue(to), "--to")!.Value;
            IReadOnlyList<BackfilledRun> runs;
            try
            {
                runs = await service.BackfillAsync(pipeline, first, last, PipelineOptions.Parameters(parse.GetValue(parameters)), cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                throw new NagareException(e.Message);
            }

            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"backfill of {pipeline} from {first:yyyy-MM-dd} to {last:yyyy-MM-dd}: {runs.Count} run(s), {runs.Count(r => r.Existing)} of them created by an earlier backfill")).ConfigureAwait(false);
            if (await service.ServerRunningAsync(cancellationToken).ConfigureAwait(false))
            {
                await context.Out.WriteLineAsync("the server runs them; follow with: nagare runs list --pipeline " + pipeline).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var failed = 0;
            foreach (var created in runs)
            {
                var run = await service.RunToEndAsync(created.Id, new WorkerOptions(), cancellationToken).ConfigureAwait(false);
                failed += run.State == RunStates.Succeeded ? 0 : 1;
                await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"run {run.Id} {run.LogicalDate}: {run.State}{(run.Error is null ? string.Empty : " · " + run.Error)}")).ConfigureAwait(false);
            }

            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{runs.Count - failed} of {runs.Count} run(s) succeeded")).ConfigureAwait(false);
            return failed == 0 ? ExitCodes.Success : ExitCodes.UserError;
        });
        return command;
    }
}
