namespace Nagare.Runtime.Pipelines;

/// <summary>Settings of the scheduler.</summary>
public sealed record SchedulerOptions
{
    /// <summary>The scheduler's id in the store (the leader lease's holder); host, process id and a random suffix by default.</summary>
    public string Id { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Whether it creates the runs of schedules (true by default; false for a command that only runs what it was asked to).</summary>
    public bool Schedules { get; init; } = true;

    /// <summary>How often the scheduler looks at schedules, leases, deadlines and finished runs (1 s by default).</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the leader lease lasts without renewal (15 s by default): a standby scheduler takes over after this.</summary>
    public TimeSpan LeaderLease { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>With <c>catchup: skip</c>, how late a tick may still start (1 minute by default).</summary>
    public TimeSpan SkipGrace { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>With <c>catchup: all</c>, the most missed runs created per tick (100 by default; the rest follow).</summary>
    public int MaxCatchUpRuns { get; init; } = 100;

    /// <summary>Successful runs whose step durations give the p90 of each step for expected finish times (30 by default).</summary>
    public int HistoryRuns { get; init; } = 30;

    /// <summary>How often the expected finish of a run without a deadline is computed again (10 s by default); runs with a deadline every tick.</summary>
    public TimeSpan EtaInterval { get; init; } = TimeSpan.FromSeconds(10);
}
