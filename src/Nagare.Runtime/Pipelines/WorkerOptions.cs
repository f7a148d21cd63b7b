namespace Nagare.Runtime.Pipelines;

/// <summary>Settings of a worker.</summary>
public sealed record WorkerOptions
{
    /// <summary>The worker's id in the store; host, process id and a random suffix by default.</summary>
    public string Id { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Tasks run at once (4 by default).</summary>
    public int Slots { get; init; } = 4;

    /// <summary>True when the worker runs beside the project's embedded warehouse file and may take tasks that use it.</summary>
    public bool Warehouse { get; init; } = true;

    /// <summary>How long a claimed task stays the worker's without a heartbeat (30 s by default): a dead worker's task goes to another after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often leases are renewed and cancellations learnt (every 10 s by default; keep it well under <see cref="Lease"/>).</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle worker waits before asking the store again (500 ms by default); work created in the same process wakes it at once.</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a running task's new log lines are written to the store (1 s by default).</summary>
    public TimeSpan LogFlush { get; init; } = TimeSpan.FromSeconds(1);
}
