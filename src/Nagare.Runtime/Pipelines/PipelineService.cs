using System.Globalization;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Notifications;
using Nagare.Runtime.Pipelines.Scheduling;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Runtime.Pipelines;

/// <summary>
/// What the CLI and the server do with pipelines, in one place: start a run (by hand or for a backfill), run the
/// scheduler and a worker (<c>nagare serve</c>), a worker alone (<c>nagare worker</c>), or one run to its end in the
/// calling process when no server is running.
/// </summary>
public sealed class PipelineService : IAsyncDisposable
{
    /// <summary>How the ids of the schedulers of <see cref="RunToEndAsync"/> start (they are no server).</summary>
    private const string InProcessScheduler = "in-process:";

    private readonly ConnectorRegistry registry;
    private readonly TimeProvider time;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private ProjectConfig project;

    /// <summary>A service over the project's pipelines and a store.</summary>
    public PipelineService(ProjectConfig project, MetadataStore store, ConnectorRegistry registry, TimeProvider time)
    {
        this.project = project ?? throw new ArgumentNullException(nameof(project));
        Store = store ?? throw new ArgumentNullException(nameof(store));
        this.registry = registry ?? throw new ArgumentNullException(nameof(registry));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The project, as last read (see <see cref="Reload"/>).</summary>
    public ProjectConfig Project => Volatile.Read(ref project);

    /// <summary>The metadata store.</summary>
    public MetadataStore Store { get; }

    /// <summary>The connector types the project's connections are read and opened with.</summary>
    public ConnectorRegistry Registry => registry;

    /// <summary>Receives what the scheduler and workers did (runs created, notices, task log lines), or null.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// Uses <paramref name="reloaded"/> from now on, after a project file changed (a connection written through the
    /// server). The project is an immutable record swapped whole: a task already running keeps the project it started
    /// with, every task claimed afterwards and the scheduler's next tick see the new one.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="reloaded"/> is another project folder.</exception>
    public void Reload(ProjectConfig reloaded)
    {
        ArgumentNullException.ThrowIfNull(reloaded);
        if (!string.Equals(reloaded.Root, Project.Root, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The reloaded project is in {reloaded.Root}, not {Project.Root}.", nameof(reloaded));
        }

        Volatile.Write(ref project, reloaded);
    }

    /// <summary>
    /// Reads the project's files again, with the store's secrets for <c>${secret:…}</c>, and uses the result from now
    /// on (<see cref="Reload"/>).
    /// </summary>
    /// <exception cref="ConfigException">nagare.yml has become invalid; the project in use stays as it was.</exception>
    public async Task<ProjectConfig> ReloadFromFilesAsync(CancellationToken cancellationToken)
    {
        var secrets = await Access.StoredSecrets.ReadAsync(Store, Project.Root, cancellationToken).ConfigureAwait(false);
        var reloaded = ProjectLoader.Read(Project.Root, registry, SecretReferences.Lookup(secrets.Find));
        Reload(reloaded);
        return reloaded;
    }

    /// <summary>Starts a run of <paramref name="pipeline"/> now, for <paramref name="date"/> (default: today in the pipeline's zone).</summary>
    /// <exception cref="Configuration.ConfigException">No such pipeline, or its file has problems.</exception>
    /// <exception cref="PipelineException">A parameter is unknown, of the wrong type or missing.</exception>
    public async Task<CreatedRun> StartAsync(string pipeline, IReadOnlyDictionary<string, string>? parameters, DateOnly? date, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var config = Project.GetPipeline(pipeline);
        var zone = RunPlanner.ZoneOf(config);
        var schedule = RunPlanner.ScheduleOf(config);
        var now = time.GetUtcNow();
        var dates = date is { } d ? RunDates.ForDate(d, zone, schedule) : RunDates.ForNow(now, zone, schedule);
        var run = new RunPlanner(Project).Plan(config, dates, RunTrigger.Manual, parameters, idempotencyKey);
        await Store.SyncPoolsAsync(Project.Pools, cancellationToken).ConfigureAwait(false);
        return await Store.CreateRunAsync(run, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates one run per logical date (per tick, for a scheduled pipeline) from <paramref name="from"/> to <paramref name="to"/>, oldest first; a date already backfilled is not created again.</summary>
    /// <exception cref="Configuration.ConfigException">No such pipeline, or its file has problems.</exception>
    /// <exception cref="PipelineException">A parameter is unknown, of the wrong type or missing.</exception>
    /// <exception cref="ArgumentException"><paramref name="from"/> is after <paramref name="to"/>, or the range has more than <see cref="Backfill.MaxRuns"/> runs (see <see cref="Backfill.Dates"/>).</exception>
    public async Task<IReadOnlyList<BackfilledRun>> BackfillAsync(string pipeline, DateOnly from, DateOnly to, IReadOnlyDictionary<string, string>? parameters, CancellationToken cancellationToken)
    {
        var config = Project.GetPipeline(pipeline);
        var planner = new RunPlanner(Project);
        var dates = Backfill.Dates(from, to, RunPlanner.ZoneOf(config), RunPlanner.ScheduleOf(config));
        var runs = dates.Select(d => (Dates: d, Run: planner.Plan(config, d, RunTrigger.Backfill, parameters, string.Create(CultureInfo.InvariantCulture, $"backfill:{pipeline}:{d.ScheduledAt.ToUnixTimeMilliseconds()}:{ParamsKey(parameters)}")))).ToList();
        await Store.SyncPoolsAsync(Project.Pools, cancellationToken).ConfigureAwait(false);
        var created = new List<BackfilledRun>(runs.Count);
        foreach (var (runDates, run) in runs)
        {
            var made = await Store.CreateRunAsync(run, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            created.Add(new BackfilledRun(made.Id, made.State, made.Existing, runDates.LogicalDate, runDates.ScheduledAt));
        }

        return created;
    }

    /// <summary>
    /// True when a server's scheduler (a <c>nagare serve</c>) holds the leader lease of the store now. A command running
    /// its own run in-process (<see cref="RunToEndAsync"/>) holds it too while it runs, but it only runs until its run
    /// ends, so it is not a server: a run left to it would be stranded.
    /// </summary>
    public async Task<bool> ServerRunningAsync(CancellationToken cancellationToken) =>
        await Store.GetLeaseAsync(PipelineScheduler.LeaderLease, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is { } lease
        && !lease.Holder.StartsWith(InProcessScheduler, StringComparison.Ordinal);

    /// <summary>Runs the scheduler and/or a worker until cancelled.</summary>
    public async Task ServeAsync(bool scheduler, WorkerOptions? worker, SchedulerOptions? schedulerOptions, CancellationToken cancellationToken)
    {
        var signal = new WakeSignal();
        var loops = new List<Task>();
        if (scheduler)
        {
            loops.Add(NewScheduler(schedulerOptions ?? new SchedulerOptions(), signal).RunAsync(cancellationToken));
        }

        if (worker is not null)
        {
            loops.Add(NewWorker(worker, signal).RunAsync(cancellationToken));
        }

        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs ready tasks in this process (a worker, and a scheduler that does not start schedules) until run
    /// <paramref name="runId"/> is finished and followed up (its notices sent); its final record.
    /// </summary>
    public async Task<RunRecord> RunToEndAsync(long runId, WorkerOptions worker, CancellationToken cancellationToken)
    {
        var signal = new WakeSignal();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var options = new SchedulerOptions { Schedules = false, Tick = TimeSpan.FromMilliseconds(200) };
        var scheduler = NewScheduler(options with { Id = InProcessScheduler + options.Id }, signal);
        var loops = Task.WhenAll(scheduler.RunAsync(stop.Token), NewWorker(worker, signal).RunAsync(stop.Token, cancellationToken));
        try
        {
            while (true)
            {
                var run = await Store.FindRunAsync(runId, cancellationToken).ConfigureAwait(false)
                    ?? throw new PipelineException(string.Create(CultureInfo.InvariantCulture, $"No run {runId} in {Store.Display}."));
                if (RunStates.IsFinal(run.State) && run.Followed)
                {
                    return run;
                }

                if (loops.IsCompleted)
                {
                    // The scheduler or the worker stopped on an error: say so rather than wait for a run nobody moves.
                    await loops.ConfigureAwait(false);
                    throw new PipelineException(string.Create(CultureInfo.InvariantCulture, $"Run {runId} is {run.State}, and this process stopped running it."));
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await loops.ConfigureAwait(false);
        }
    }

    /// <summary>Waits (by asking the store) until run <paramref name="runId"/> is finished; its final record.</summary>
    public async Task<RunRecord> WaitAsync(long runId, TimeSpan poll, CancellationToken cancellationToken)
    {
        while (true)
        {
            var run = await Store.FindRunAsync(runId, cancellationToken).ConfigureAwait(false)
                ?? throw new PipelineException(string.Create(CultureInfo.InvariantCulture, $"No run {runId} in {Store.Display}."));
            if (RunStates.IsFinal(run.State))
            {
                return run;
            }

            await Task.Delay(poll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    private PipelineScheduler NewScheduler(SchedulerOptions options, WakeSignal signal) =>
        new(Store, () => Project, new NoticeSender(http, time), options, time) { Signal = signal, Log = Log };

    private PipelineWorker NewWorker(WorkerOptions options, WakeSignal signal)
    {
        // A runner per task, over the project as it is when the task is claimed (see Reload).
        return new PipelineWorker(Store, (task, log, ct) => new StepRunner(Project, registry, time).RunAsync(task, log, ct), options, time)
        {
            Signal = signal,
            Log = Log is null ? null : (task, line) => Log(string.Create(CultureInfo.InvariantCulture, $"[{task.Pipeline} #{task.RunId} {task.Step}{(task.Item is null ? string.Empty : "[" + task.Item + "]")}] {line}")),
            HeartbeatFailed = Log is null ? null : e => Log($"heartbeat failed: {e.Message}"),
        };
    }

    private static string ParamsKey(IReadOnlyDictionary<string, string>? parameters) =>
        parameters is null || parameters.Count == 0 ? string.Empty
            : string.Join("&", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
