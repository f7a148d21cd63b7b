using System.Collections.Concurrent;
using System.Globalization;
using Nagare.Core;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Notifications;
using Nagare.Runtime.Pipelines.Scheduling;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Runtime.Pipelines;

/// <summary>
/// The scheduler: while it holds the leader lease (one scheduler at a time per store; a standby takes over when the
/// lease expires), it creates the runs schedules call for, takes back tasks whose workers died, starts pipelines that
/// follow a successful one, estimates each running pipeline's finish, and sends failure, recovery, late and at-risk
/// notices once per run and kind. It keeps no state of its own: a restart carries on from the store, and runs are
/// created with idempotency keys, so nothing is created or run twice.
/// </summary>
public sealed class PipelineScheduler
{
    /// <summary>The name of the leader lease in the store.</summary>
    public const string LeaderLease = "scheduler";

    private readonly MetadataStore store;
    private readonly Func<ProjectConfig> currentProject;
    private readonly NoticeSender? notices;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<long, DateTimeOffset> etaComputed = new();
    private readonly List<Task> deliveries = [];

    /// <summary>A scheduler of the project's pipelines over a store; <paramref name="notices"/> delivers notices (null: none are sent).</summary>
    public PipelineScheduler(MetadataStore store, ProjectConfig project, NoticeSender? notices, SchedulerOptions options, TimeProvider time)
        : this(store, project is null ? throw new ArgumentNullException(nameof(project)) : () => project, notices, options, time)
    {
    }

    /// <summary>A scheduler over a project that may be read again while it runs: <paramref name="project"/> gives the current one at each use.</summary>
    public PipelineScheduler(MetadataStore store, Func<ProjectConfig> project, NoticeSender? notices, SchedulerOptions options, TimeProvider time)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        currentProject = project ?? throw new ArgumentNullException(nameof(project));
        this.notices = notices;
        Options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>The scheduler's settings.</summary>
    public SchedulerOptions Options { get; }

    /// <summary>Woken when runs are created (the worker of the same process starts at once); null for none.</summary>
    public WakeSignal? Signal { get; init; }

    /// <summary>Receives what the scheduler did or could not do (runs created, notices sent, errors), or null.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>True while this scheduler holds the leader lease.</summary>
    public bool IsLeader { get; private set; }

    /// <summary>Ticks until cancelled, then gives up the leader lease.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or IOException)
                {
                    Log?.Invoke($"scheduler: the store is unreachable ({e.Message}); trying again");
                }
                catch (Exception e) when (e is not OperationCanceledException && e is not OutOfMemoryException)
                {
                    // One bad tick must not end scheduling for good: say what failed and tick again.
                    Log?.Invoke($"scheduler: {e.GetType().Name}: {e.Message}");
                }

                await Task.Delay(Options.Tick, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(Deliveries()).ConfigureAwait(false);
            if (IsLeader && Options.Schedules)
            {
                await store.ReleaseLeaseAsync(LeaderLease, Options.Id, CancellationToken.None).ConfigureAwait(false);
                IsLeader = false;
            }
        }
    }

    /// <summary>One round: take or keep the lease; if leader, schedule, reap, follow up and watch deadlines. True when leader.</summary>
    public async Task<bool> TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();

        // A scheduler that starts no schedules (a command running its own run) needs no lease: what else it does is
        // safe to do twice (runs are created with idempotency keys, notices recorded once), and holding the lease
        // would keep a `nagare serve` started meanwhile from scheduling until the command ends.
        var leader = !Options.Schedules || await store.TryAcquireLeaseAsync(LeaderLease, Options.Id, now, Options.LeaderLease, cancellationToken).ConfigureAwait(false);
        if (leader != IsLeader)
        {
            if (Options.Schedules)
            {
                Log?.Invoke(leader ? $"scheduler {Options.Id} is the leader" : $"scheduler {Options.Id} lost the leader lease; standing by");
            }

            IsLeader = leader;
        }

        if (!leader)
        {
            return false;
        }

        await store.SyncPoolsAsync(currentProject().Pools, cancellationToken).ConfigureAwait(false);
        var reaped = await store.ReapExpiredLeasesAsync(now, cancellationToken).ConfigureAwait(false);
        if (reaped > 0)
        {
            Log?.Invoke($"{reaped} task(s) of workers that stopped answering go to other workers");
            Signal?.Wake();
        }

        foreach (var pipeline in currentProject().Pipelines.Values.Where(p => p.Schedule is not null && Options.Schedules))
        {
            await ScheduleAsync(pipeline, now, cancellationToken).ConfigureAwait(false);
        }

        await WatchRunsAsync(now, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Deliveries of notices still in flight.</summary>
    public Task[] Deliveries()
    {
        lock (deliveries)
        {
            deliveries.RemoveAll(d => d.IsCompleted);
            return [.. deliveries];
        }
    }

    private async Task ScheduleAsync(PipelineConfig pipeline, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var schedule = RunPlanner.ScheduleOf(pipeline)!;
        var last = await store.GetLastTickAsync(pipeline.Name, cancellationToken).ConfigureAwait(false);
        var due = DueTicks.Compute(schedule, last, now, pipeline.Schedule!.CatchUp, Options.SkipGrace, Options.MaxCatchUpRuns);
        foreach (var tick in due.Ticks)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"schedule:{pipeline.Name}:{tick.ToUnixTimeMilliseconds()}");
            await CreateAsync(pipeline, RunDates.ForTick(schedule, tick), RunTrigger.Schedule, key, now, cancellationToken).ConfigureAwait(false);
        }

        if (due.NewLastTick != last)
        {
            await store.SetLastTickAsync(pipeline.Name, due.NewLastTick, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CreateAsync(PipelineConfig pipeline, RunDates dates, RunTrigger trigger, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var run = new RunPlanner(currentProject()).Plan(pipeline, dates, trigger, null, key);
            var created = await store.CreateRunAsync(run, now, cancellationToken).ConfigureAwait(false);
            if (!created.Existing)
            {
                Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"run {created.Id} of {pipeline.Name} for {run.LogicalDate} ({trigger.ToString().ToLowerInvariant()}): {created.State}"));
                Signal?.Wake();
            }
        }
        catch (NagareException e)
        {
            Log?.Invoke($"cannot start {pipeline.Name} for {dates.LogicalDate:yyyy-MM-dd}: {e.Message}");
        }
    }

    private async Task WatchRunsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var runs = await store.RunsToWatchAsync(cancellationToken).ConfigureAwait(false);
        var history = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<TimeSpan>>>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            currentProject().Pipelines.TryGetValue(run.Pipeline, out var pipeline);
            if (RunStates.IsFinal(run.State))
            {
                try
                {
                    await FollowUpAsync(run, pipeline, now, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException && e is not System.Data.Common.DbException && e is not OutOfMemoryException)
                {
                    // A follow-up that cannot be done (a broken trigger) is said once; the run counts as followed.
                    Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"scheduler: following up run {run.Id} of {run.Pipeline} failed: {e.GetType().Name}: {e.Message}"));
                    await store.MarkFollowedAsync(run.Id, cancellationToken).ConfigureAwait(false);
                }

                etaComputed.TryRemove(run.Id, out _);
                continue;
            }

            var watched = run.DeadlineAt is not null || (pipeline is not null && pipeline.Steps.Any(s => s.Deadline is not null));
            if (!watched && etaComputed.TryGetValue(run.Id, out var at) && now - at < Options.EtaInterval)
            {
                continue;
            }

            etaComputed[run.Id] = now;
            if (!history.TryGetValue(run.Pipeline, out var durations))
            {
                durations = await store.StepDurationsAsync(run.Pipeline, Options.HistoryRuns, cancellationToken).ConfigureAwait(false);
                history[run.Pipeline] = durations;
            }

            var detail = await store.GetRunAsync(run.Id, cancellationToken).ConfigureAwait(false);
            if (detail is null)
            {
                continue;
            }

            var steps = detail.Steps.Select(s => new EtaStep(
                s.Name,
                s.After,
                RunStates.IsFinal(s.State) ? EtaStepState.Done : s.State == RunStates.Running || s.ReadyAt is not null ? EtaStepState.Running : EtaStepState.Waiting,
                s.ReadyAt,
                durations.TryGetValue(s.Name, out var samples) ? EtaEstimator.Percentile(samples, 90) : TimeSpan.Zero)).ToList();
            var eta = EtaEstimator.Estimate(steps, now);
            var deadline = Earliest(run.DeadlineAt, run.StartedAt is { } started && pipeline?.Deadline?.MaxDuration is { } max ? started + max : null);
            var status = Deadlines.Evaluate(deadline, now, eta, null);
            await store.SetSloAsync(run.Id, eta, SloName(status), cancellationToken).ConfigureAwait(false);
            if (pipeline is not null && status is SloStatus.AtRisk or SloStatus.Late)
            {
                var kind = status == SloStatus.Late ? NotificationKind.Late : NotificationKind.AtRisk;
                var runningStep = detail.Steps.FirstOrDefault(s => s.State == RunStates.Running)?.Name;
                await NotifyAsync(pipeline, run, kind, deadline, eta, runningStep, null, now, cancellationToken).ConfigureAwait(false);
            }

            if (pipeline is not null)
            {
                await WatchStepDeadlinesAsync(pipeline, run, detail, steps, now, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Steps with their own deadline: late when it passes with the step unfinished; at risk when the step's expected
    /// finish (its own and its predecessors' remaining p90 durations) passes it. A duration counts from the step's start.
    /// </summary>
    private async Task WatchStepDeadlinesAsync(PipelineConfig pipeline, RunRecord run, RunDetail detail, List<EtaStep> steps, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byName = steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var config in pipeline.Steps.Where(s => s.Deadline is not null))
        {
            var record = detail.Steps.FirstOrDefault(s => s.Name == config.Name);
            if (record is null || RunStates.IsFinal(record.State))
            {
                continue;
            }

            var started = record.StartedAt ?? record.ReadyAt;
            if (config.Deadline!.TimeOfDay is null && started is null)
            {
                continue; // a duration counts once the step starts
            }

            var deadline = Deadlines.DeadlineFor(config.Deadline, run.ScheduledAt, started);
            var needed = new Dictionary<string, EtaStep>(StringComparer.Ordinal);
            var pending = new Stack<string>([config.Name]);
            while (pending.TryPop(out var name))
            {
                if (byName.TryGetValue(name, out var step) && needed.TryAdd(name, step))
                {
                    foreach (var before in step.After)
                    {
                        pending.Push(before);
                    }
                }
            }

            var eta = EtaEstimator.Estimate([.. needed.Values], now);
            var status = Deadlines.Evaluate(deadline, now, eta, null);
            if (status is SloStatus.AtRisk or SloStatus.Late)
            {
                var kind = status == SloStatus.Late ? NotificationKind.Late : NotificationKind.AtRisk;
                await NotifyAsync(pipeline, run, kind, deadline, eta, config.Name, null, now, cancellationToken, noticeStep: config.Name).ConfigureAwait(false);
            }
        }
    }

    private async Task FollowUpAsync(RunRecord run, PipelineConfig? pipeline, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (run.DeadlineAt is { } deadline && run.State != RunStates.Skipped)
        {
            var met = run.State == RunStates.Succeeded && run.FinishedAt <= deadline;
            await store.SetSloAsync(run.Id, null, met ? SloName(SloStatus.Met) : SloName(SloStatus.Missed), cancellationToken).ConfigureAwait(false);
        }

        if (pipeline is not null && run.State == RunStates.Failed)
        {
            var detail = await store.GetRunAsync(run.Id, cancellationToken).ConfigureAwait(false);
            var failed = detail?.Tasks.FirstOrDefault(t => t.State == RunStates.Failed);
            await NotifyAsync(pipeline, run, NotificationKind.Failure, run.DeadlineAt, null, failed?.Step, run.Error, now, cancellationToken, run.FinishedAt).ConfigureAwait(false);
        }

        if (run.State == RunStates.Succeeded)
        {
            // Recovered: this run succeeded when run again after failing, or the pipeline's previous run failed.
            if (pipeline is not null && (run.Generation > 0 || await store.PreviousOutcomeAsync(run.Pipeline, run.Id, cancellationToken).ConfigureAwait(false) == RunStates.Failed))
            {
                await NotifyAsync(pipeline, run, NotificationKind.Recovery, run.DeadlineAt, null, null, null, now, cancellationToken, run.FinishedAt).ConfigureAwait(false);
            }

            foreach (var next in currentProject().Pipelines.Values.Where(p => p.AfterPipelines.Contains(run.Pipeline, StringComparer.Ordinal)))
            {
                var date = DateOnly.ParseExact(run.LogicalDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                var dates = RunDates.ForDate(date, RunPlanner.ZoneOf(next), RunPlanner.ScheduleOf(next));
                await CreateAsync(next, dates, RunTrigger.Pipeline, string.Create(CultureInfo.InvariantCulture, $"after:{run.Id}:{next.Name}"), now, cancellationToken).ConfigureAwait(false);
            }
        }

        await store.MarkFollowedAsync(run.Id, cancellationToken).ConfigureAwait(false);
    }

    // at: when what the notice tells happened (a failed or recovered run's finish, which a later tick may see), else now.
    private async Task NotifyAsync(PipelineConfig pipeline, RunRecord run, NotificationKind kind, DateTimeOffset? deadline, DateTimeOffset? eta, string? step, string? error, DateTimeOffset now, CancellationToken cancellationToken, DateTimeOffset? at = null, string? noticeStep = null)
    {
        if (!pipeline.Notify.On.Contains(kind))
        {
            return;
        }

        foreach (var name in pipeline.Notify.Channels)
        {
            if (!currentProject().Notifications.TryGetValue(name, out var channel))
            {
                continue;
            }

            var id = await store.TryRecordNoticeAsync(run.Id, kind, name, now, cancellationToken, noticeStep).ConfigureAwait(false);
            if (id is not { } noticeId)
            {
                continue; // this run's notice of this kind went to this channel already
            }

            var notice = new Notice(kind, run.Pipeline, run.Id, run.LogicalDate, run.State, at ?? now, deadline, eta, step, error) { TimeZone = RunPlanner.ZoneOf(pipeline) };
            Log?.Invoke($"notice: {notice.Summary} -> {name}");
            if (notices is null)
            {
                await store.FinishNoticeAsync(noticeId, false, 0, "no sender configured", now, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var delivery = DeliverAsync(channel, notice, noticeId);
            lock (deliveries)
            {
                deliveries.Add(delivery);
            }
        }
    }

    private async Task DeliverAsync(NotificationChannelConfig channel, Notice notice, long noticeId)
    {
        var result = await notices!.SendAsync(channel, notice, CancellationToken.None).ConfigureAwait(false);
        if (!result.Success)
        {
            Log?.Invoke($"notice to {channel.Name} not delivered after {result.Attempts} attempt(s): {result.Error}");
        }

        await store.FinishNoticeAsync(noticeId, result.Success, result.Attempts, result.Error, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>The snake_case name of a deadline status (<c>on_track</c>, <c>at_risk</c>, <c>late</c>, <c>met</c>, <c>missed</c>).</summary>
    public static string SloName(SloStatus status) => status switch
    {
        SloStatus.OnTrack => "on_track",
        SloStatus.AtRisk => "at_risk",
        _ => status.ToString().ToLowerInvariant(),
    };

}
