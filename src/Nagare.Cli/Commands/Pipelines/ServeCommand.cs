using System.CommandLine;
using System.Globalization;
using Nagare.Runtime.Pipelines;

namespace Nagare.Cli.Commands.Pipelines;

/// <summary><c>nagare serve</c> (scheduler and worker in one process) and <c>nagare worker</c> (a worker alone, e.g. on another machine).</summary>
public static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var options = new PipelineOptions();
        var slots = SlotsOption();
        var noWorker = new Option<bool>("--no-worker") { Description = "Run the scheduler only (workers run elsewhere)." };
        var command = new Command("serve", "Run the scheduler and a worker until stopped (Ctrl+C): scheduled runs start on time, tasks run, deadlines are watched and notices sent.") { slots, noWorker };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var service = options.Open(parse, context, verbose: true);
            var worker = parse.GetValue(noWorker) ? null : new WorkerOptions { Slots = parse.GetValue(slots), Warehouse = true };
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"nagare serve: {service.Project.Pipelines.Count} pipeline(s), store {service.Store.Display}{(worker is null ? ", no worker" : $", a worker of {worker.Slots} slots")}; Ctrl+C stops")).ConfigureAwait(false);
            await service.ServeAsync(scheduler: true, worker, null, cancellationToken).ConfigureAwait(false);
            await context.Error.WriteLineAsync("nagare serve: stopped").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateWorker(CliContext context)
    {
        var options = new PipelineOptions();
        var slots = SlotsOption();
        var warehouse = new Option<bool>("--warehouse") { Description = "Also take the tasks that use the project's embedded DuckDB warehouse (only on the machine that has the file, and when no other process writes it)." };
        var command = new Command("worker", "Run a worker until stopped: it takes ready tasks from the metadata store (usually a shared PostgreSQL store, --store postgresql://…).") { slots, warehouse };
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var service = options.Open(parse, context, verbose: true);
            var worker = new WorkerOptions { Slots = parse.GetValue(slots), Warehouse = parse.GetValue(warehouse) };
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"nagare worker {worker.Id}: {worker.Slots} slots, store {service.Store.Display}{(worker.Warehouse ? ", with the warehouse" : string.Empty)}; Ctrl+C stops")).ConfigureAwait(false);
            await service.ServeAsync(scheduler: false, worker, null, cancellationToken).ConfigureAwait(false);
            await context.Error.WriteLineAsync("nagare worker: stopped").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<int> SlotsOption() => new("--slots")
    {
        Description = "Tasks this worker runs at once (default 4).",
        DefaultValueFactory = _ => 4,
    };
}
