using System.Collections.Immutable;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>States of runs, steps and tasks as the store writes them (and the CLI and API show them).</summary>
public static class RunStates
{
    /// <summary>A run waiting for a slot (<c>max_active_runs</c>).</summary>
    public const string Queued = "queued";

    /// <summary>A run, step or task in progress.</summary>
    public const string Running = "running";

    /// <summary>Finished well.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Finished with an error (after its retries).</summary>
    public const string Failed = "failed";

    /// <summary>Cancelled by someone.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>A run not run because another was active (<c>when_running: skip</c>).</summary>
    public const string Skipped = "skipped";

    /// <summary>A step or task waiting for the steps it comes after.</summary>
    public const string Waiting = "waiting";

    /// <summary>A task any worker may start.</summary>
    public const string Ready = "ready";

    /// <summary>A step or task not run because a step it comes after failed.</summary>
    public const string UpstreamFailed = "upstream_failed";

    /// <summary>True for states nothing changes any more (until a re-run).</summary>
    public static bool IsFinal(string state) => state is Succeeded or Failed or Cancelled or Skipped or UpstreamFailed;
}

/// <summary>What started a run.</summary>
public enum RunTrigger
{
    /// <summary>The pipeline's cron schedule.</summary>
    Schedule,

    /// <summary>A person (CLI) or an application (API).</summary>
    Manual,

    /// <summary><c>nagare backfill</c>.</summary>
    Backfill,

    /// <summary>Another pipeline's success (<c>trigger: after:</c>).</summary>
    Pipeline,
}

/// <summary>A run to create, with its steps already expanded to what the store needs.</summary>
/// <param name="Pipeline">Pipeline name.</param>
/// <param name="Trigger">What started it.</param>
/// <param name="IdempotencyKey">A second request with the same key returns the first run instead of creating one; or null.</param>
/// <param name="LogicalDate">The run's logical date, <c>yyyy-MM-dd</c>.</param>
/// <param name="ScheduledAt">The tick (or request time) it is for.</param>
/// <param name="ParamsJson">The run's resolved parameters as a JSON object.</param>
/// <param name="DeadlineAt">When it must be finished by, or null.</param>
/// <param name="MaxDuration">How long it may take once started, or null.</param>
/// <param name="MaxActiveRuns">Runs of the pipeline active at once.</param>
/// <param name="WhenRunning">Queue or skip while that many are active.</param>
/// <param name="Steps">Its steps.</param>
public sealed record NewRun(
    string Pipeline,
    RunTrigger Trigger,
    string? IdempotencyKey,
    string LogicalDate,
    DateTimeOffset ScheduledAt,
    string ParamsJson,
    DateTimeOffset? DeadlineAt,
    TimeSpan? MaxDuration,
    int MaxActiveRuns,
    WhenRunning WhenRunning,
    ImmutableArray<NewStep> Steps);

/// <summary>A step of a run to create.</summary>
/// <param name="Name">Step name.</param>
/// <param name="After">Steps it waits for.</param>
/// <param name="Items">One task per item; <c>[null]</c> for a step of one task; empty for a fan-out over nothing.</param>
/// <param name="QueryFanOut">Its items come from a query run when the step is ready (one task runs it, then one per item).</param>
/// <param name="Parallelism">Tasks of the step running at once, or null.</param>
/// <param name="MaxAttempts">Attempts per task (1 + retries).</param>
/// <param name="Backoff">First wait before a retry.</param>
/// <param name="MaxBackoff">Longest wait before a retry.</param>
/// <param name="Timeout">Longest an attempt may run, or null.</param>
/// <param name="Pool">Concurrency pool, or null.</param>
/// <param name="NeedsWarehouse">Its tasks write the embedded warehouse: only workers beside that file take them.</param>
/// <param name="MaxDuration">The step's own deadline as a duration, or null.</param>
public sealed record NewStep(
    string Name,
    ImmutableArray<string> After,
    ImmutableArray<string?> Items,
    bool QueryFanOut,
    int? Parallelism,
    int MaxAttempts,
    TimeSpan Backoff,
    TimeSpan MaxBackoff,
    TimeSpan? Timeout,
    string? Pool,
    bool NeedsWarehouse,
    TimeSpan? MaxDuration = null);

/// <summary>What ran on one day (UTC).</summary>
/// <param name="Date">The day.</param>
/// <param name="Runs">Runs created that day.</param>
/// <param name="Succeeded">Of those, runs that succeeded.</param>
/// <param name="Failed">Of those, runs that failed.</param>
/// <param name="Rows">Rows written by tasks that finished that day.</param>
/// <param name="Bytes">Bytes written by tasks that finished that day.</param>
public sealed record DailyRunStats(DateOnly Date, int Runs, int Succeeded, int Failed, long Rows, long Bytes);

/// <summary>The result of creating a run.</summary>
/// <param name="Id">The run's id.</param>
/// <param name="State">Its state right after creation (<c>running</c>, <c>queued</c> or <c>skipped</c>), or its current state when it existed.</param>
/// <param name="Existing">True when the idempotency key named an existing run.</param>
public sealed record CreatedRun(long Id, string State, bool Existing);

/// <summary>A worker as the store sees it.</summary>
/// <param name="Id">Unique id of the worker process.</param>
/// <param name="Warehouse">True when it runs beside the embedded warehouse file and may take the tasks that write it.</param>
public sealed record WorkerInfo(string Id, bool Warehouse);

/// <summary>A task a worker has claimed: everything it needs to run it.</summary>
/// <param name="TaskId">Task id.</param>
/// <param name="RunId">Run id.</param>
/// <param name="AttemptId">Id of the attempt record (for logs).</param>
/// <param name="Attempt">Attempt number, from 1.</param>
/// <param name="Pipeline">Pipeline name.</param>
/// <param name="Step">Step name.</param>
/// <param name="Item">Fan-out item, or null.</param>
/// <param name="Expand">True for the task that runs a step's fan-out query and hands back the items.</param>
/// <param name="ParamsJson">The run's parameters.</param>
/// <param name="LogicalDate">The run's logical date.</param>
/// <param name="ScheduledAt">The run's tick.</param>
/// <param name="Timeout">Longest the attempt may run, or null.</param>
public sealed record ClaimedTask(
    long TaskId,
    long RunId,
    long AttemptId,
    int Attempt,
    string Pipeline,
    string Step,
    string? Item,
    bool Expand,
    string ParamsJson,
    string LogicalDate,
    DateTimeOffset ScheduledAt,
    TimeSpan? Timeout);

/// <summary>How an attempt ended.</summary>
public enum TaskOutcomeKind
{
    /// <summary>It did its work.</summary>
    Succeeded,

    /// <summary>It failed; retried while attempts remain.</summary>
    Failed,

    /// <summary>It ran past its timeout; retried like a failure.</summary>
    TimedOut,

    /// <summary>It stopped because its run was cancelled.</summary>
    Cancelled,
}

/// <summary>What a worker reports when an attempt ends.</summary>
/// <param name="TaskId">Task id.</param>
/// <param name="Attempt">Attempt number the worker ran (a report for an older attempt is refused).</param>
/// <param name="Worker">The worker (a report from a worker whose lease was taken over is refused).</param>
/// <param name="Kind">How it ended.</param>
/// <param name="Rows">Rows written, or null.</param>
/// <param name="Bytes">Bytes written, or null.</param>
/// <param name="Error">The error, for failures.</param>
public sealed record TaskOutcome(long TaskId, int Attempt, string Worker, TaskOutcomeKind Kind, long? Rows = null, long? Bytes = null, string? Error = null);

/// <summary>A run as listed.</summary>
public sealed record RunRecord(
    long Id,
    string Pipeline,
    string Trigger,
    string LogicalDate,
    DateTimeOffset ScheduledAt,
    string State,
    string ParamsJson,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? DeadlineAt,
    DateTimeOffset? Eta,
    string? Slo,
    string? Error)
{
    /// <summary>True once the scheduler handled the finished run's outcome (follow-up runs created, notices recorded).</summary>
    public bool Followed { get; init; }

    /// <summary>How many times the run was run again (<c>runs rerun</c>) after failing or being cancelled.</summary>
    public int Generation { get; init; }
}

/// <summary>A step of a run.</summary>
public sealed record StepRecord(
    string Name,
    int Ordinal,
    string State,
    int Total,
    int Done,
    int Failed,
    int Running,
    ImmutableArray<string> After,
    DateTimeOffset? ReadyAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);

/// <summary>A task of a run.</summary>
public sealed record TaskRecord(
    long Id,
    string Step,
    string? Item,
    string State,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long? Rows,
    long? Bytes,
    string? Error);

/// <summary>An attempt of a task.</summary>
public sealed record AttemptRecord(
    long Id,
    long TaskId,
    int Number,
    string Worker,
    string State,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long? Rows,
    long? Bytes,
    string? Error);

/// <summary>A run with its steps, tasks and attempts.</summary>
public sealed record RunDetail(RunRecord Run, ImmutableArray<StepRecord> Steps, ImmutableArray<TaskRecord> Tasks, ImmutableArray<AttemptRecord> Attempts);

/// <summary>A line of a task's log.</summary>
/// <param name="Id">Increasing id (to follow a log: ask for lines after the last id seen).</param>
/// <param name="AttemptId">The attempt that wrote it.</param>
/// <param name="At">When.</param>
/// <param name="Line">The text.</param>
public sealed record LogLine(long Id, long AttemptId, DateTimeOffset At, string Line);

/// <summary>Which runs to list.</summary>
/// <param name="Pipeline">Only this pipeline's, or null.</param>
/// <param name="State">Only runs in this state, or null.</param>
/// <param name="Limit">At most this many, newest first.</param>
/// <param name="BeforeId">Only runs older than this id (paging), or null.</param>
public sealed record RunFilter(string? Pipeline = null, string? State = null, int Limit = 50, long? BeforeId = null);

/// <summary>A notice recorded for delivery.</summary>
public sealed record NoticeRecord(long Id, long RunId, NotificationKind Kind, string Channel, string State, int Attempts)
{
    /// <summary>The step whose own deadline the notice is about, or null for the run's.</summary>
    public string? Step { get; init; }
}

/// <summary>Log lines of an attempt, written in the same transaction as its end.</summary>
/// <param name="RunId">The run.</param>
/// <param name="AttemptId">The attempt.</param>
/// <param name="Lines">The lines, oldest first.</param>
public sealed record TaskLog(long RunId, long AttemptId, IReadOnlyList<(DateTimeOffset At, string Line)> Lines);
