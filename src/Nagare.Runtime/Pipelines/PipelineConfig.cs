using System.Collections.Immutable;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Pipelines;

/// <summary>A <c>pipelines/*.yml</c> file: a DAG of steps with parameters, a schedule, retries and a deadline.</summary>
/// <param name="Name">The pipeline's name.</param>
/// <param name="Description">What it is for, or null.</param>
/// <param name="Schedule">When it runs by itself, or null (run by hand, by the API or after other pipelines).</param>
/// <param name="Params">Parameters in file order.</param>
/// <param name="Steps">Steps in file order (each with its resolved retries and timeout).</param>
/// <param name="Deadline">The pipeline's deadline, or null.</param>
/// <param name="MaxActiveRuns">Runs of this pipeline active at once.</param>
/// <param name="WhenRunning">What a new run does while <paramref name="MaxActiveRuns"/> runs are active.</param>
/// <param name="AfterPipelines">Pipelines whose successful runs start a run of this one (with the same logical date).</param>
/// <param name="Notify">Where failure, recovery, late and at-risk notices go.</param>
/// <param name="Location">Where the pipeline was defined.</param>
public sealed record PipelineConfig(
    string Name,
    string? Description,
    ScheduleConfig? Schedule,
    ImmutableArray<ParamConfig> Params,
    ImmutableArray<StepConfig> Steps,
    DeadlineConfig? Deadline,
    int MaxActiveRuns,
    WhenRunning WhenRunning,
    ImmutableArray<string> AfterPipelines,
    NotifyConfig Notify,
    ConfigLocation Location);

/// <summary><c>schedule:</c> of a pipeline.</summary>
/// <param name="Cron">A five-field cron expression (six with seconds).</param>
/// <param name="TimeZone">IANA time zone the cron expression is read in.</param>
/// <param name="CatchUp">What happens to ticks missed while nothing was scheduling.</param>
/// <param name="Location">Where it was defined.</param>
public sealed record ScheduleConfig(string Cron, string TimeZone, CatchUp CatchUp, ConfigLocation Location);

/// <summary>Ticks missed while no scheduler ran (or before the pipeline existed).</summary>
public enum CatchUp
{
    /// <summary>Missed ticks are dropped; the next tick runs as scheduled.</summary>
    Skip,

    /// <summary>Only the latest missed tick runs (the default).</summary>
    Latest,

    /// <summary>Every missed tick runs, oldest first.</summary>
    All,
}

/// <summary>What a triggered run does while the pipeline already has <c>max_active_runs</c> active runs.</summary>
public enum WhenRunning
{
    /// <summary>It waits (queued) until a run finishes (the default).</summary>
    Queue,

    /// <summary>It is recorded as skipped and does not run.</summary>
    Skip,
}

/// <summary>A typed parameter of a pipeline.</summary>
/// <param name="Name">The parameter's name (<c>{{ params.NAME }}</c> in templates).</param>
/// <param name="Type">Its type; values given per run are checked against it.</param>
/// <param name="Default">Default value as template text (may use built-ins such as <c>{{ yesterday }}</c>), or null when required.</param>
/// <param name="Description">What it is for, or null.</param>
/// <param name="Location">Where it was defined.</param>
public sealed record ParamConfig(string Name, ParamType Type, string? Default, string? Description, ConfigLocation Location);

/// <summary>Types of pipeline parameters.</summary>
public enum ParamType
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A 64-bit integer.</summary>
    Int,

    /// <summary>A decimal number.</summary>
    Number,

    /// <summary>true or false.</summary>
    Bool,

    /// <summary>A date, <c>yyyy-MM-dd</c>.</summary>
    Date,

    /// <summary>A timestamp, ISO 8601.</summary>
    Timestamp,
}

/// <summary>A deadline: a time of day (for the run of a logical date) and/or a maximum duration.</summary>
/// <param name="TimeOfDay">The run must be finished by this time of day, the first one at or after its scheduled time; or null.</param>
/// <param name="TimeZone">IANA time zone of <paramref name="TimeOfDay"/>.</param>
/// <param name="MaxDuration">The run (or step) must finish within this long of starting; or null.</param>
/// <param name="Location">Where it was defined.</param>
public sealed record DeadlineConfig(TimeOnly? TimeOfDay, string TimeZone, TimeSpan? MaxDuration, ConfigLocation Location);

/// <summary>Retries of a failed step.</summary>
/// <param name="Retries">Attempts after the first one (0: no retry).</param>
/// <param name="Backoff">Wait before the first retry; doubled for each further one.</param>
/// <param name="MaxBackoff">The longest wait between attempts.</param>
public sealed record RetryConfig(int Retries, TimeSpan Backoff, TimeSpan MaxBackoff)
{
    /// <summary>No retry; 30 s back-off doubling up to 10 min when retries are set.</summary>
    public static RetryConfig None { get; } = new(0, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10));
}

/// <summary>Kinds of pipeline steps.</summary>
public enum StepKind
{
    /// <summary>Runs a sync (optionally some of its streams).</summary>
    Sync,

    /// <summary>Builds models, seeds and tests selected by a selector.</summary>
    Build,

    /// <summary>Runs data tests selected by a selector.</summary>
    Test,

    /// <summary>Runs SQL (inline or a file) against a connection.</summary>
    Sql,

    /// <summary>Runs an external program.</summary>
    Command,

    /// <summary>Runs an activation (reverse ETL).</summary>
    Activate,
}

/// <summary>One step of a pipeline. Text fields may hold Jinja (<c>{{ params.x }}</c>, <c>{{ item }}</c>, built-ins).</summary>
/// <param name="Name">Unique within the pipeline: <c>name:</c>, else the sync or activation name, else the kind.</param>
/// <param name="Kind">What it runs.</param>
/// <param name="Target">Sync name, selector (build/test), inline SQL, or activation name; null for command steps and SQL files.</param>
/// <param name="After">Steps that must succeed first.</param>
/// <param name="Retries">Retries (the step's own, else the pipeline's <c>retries:</c>).</param>
/// <param name="Timeout">Longest an attempt may run (the step's own, else the pipeline's <c>timeout:</c>), or null.</param>
/// <param name="Pool">Concurrency pool (<c>pools:</c> in nagare.yml) the step's tasks take a slot of, or null.</param>
/// <param name="ForEach">Fan-out: one task per item, or null for a single task.</param>
/// <param name="Parallelism">Tasks of a fanned-out step running at once, or null for no limit but the workers'.</param>
/// <param name="Deadline">The step's own deadline, or null.</param>
/// <param name="Location">Where the step was defined.</param>
public sealed record StepConfig(
    string Name,
    StepKind Kind,
    string? Target,
    ImmutableArray<string> After,
    RetryConfig Retries,
    TimeSpan? Timeout,
    string? Pool,
    ForEachConfig? ForEach,
    int? Parallelism,
    DeadlineConfig? Deadline,
    ConfigLocation Location)
{
    /// <summary>Sync steps: only streams matching this glob (<c>streams:</c>), or null for all.</summary>
    public string? Streams { get; init; }

    /// <summary>Sync steps: the source connection instead of the sync's own (<c>source:</c>, e.g. <c>"{{ item }}"</c> over shards).</summary>
    public string? Source { get; init; }

    /// <summary>Sync and build steps: full refresh.</summary>
    public bool FullRefresh { get; init; }

    /// <summary>Activation steps: send only the records the destination rejected before (<c>activate:NAME:retry-rejected</c>).</summary>
    public bool RetryRejected { get; init; }

    /// <summary>SQL steps: the connection (<c>warehouse</c> by default).</summary>
    public string Connection { get; init; } = ProjectConfig.WarehouseConnection;

    /// <summary>
    /// SQL steps: a warehouse table (<c>schema.table</c>) the query's result replaces, created from the result's columns;
    /// the query then runs on <see cref="Connection"/> and its rows are loaded into the warehouse. Null: the SQL just runs.
    /// </summary>
    public string? Into { get; init; }

    /// <summary>SQL steps: a file of SQL, relative to the project folder, instead of inline SQL.</summary>
    public string? File { get; init; }

    /// <summary>Command steps: the program and its arguments.</summary>
    public ImmutableArray<string> Command { get; init; } = [];

    /// <summary>Command steps: environment variables added to the program's.</summary>
    public ImmutableSortedDictionary<string, string> Environment { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>Command steps: working folder, relative to the project folder (the project folder by default).</summary>
    public string? WorkingDirectory { get; init; }
}

/// <summary>Fan-out of a step: exactly one of the three sources of items is set.</summary>
/// <param name="Items">A literal list.</param>
/// <param name="Connections">A glob over connection names (e.g. <c>shard_*</c>); items are the matching names.</param>
/// <param name="Query">A query whose first column gives the items, run when the step becomes ready.</param>
/// <param name="QueryConnection">Connection the query runs on (<c>warehouse</c> by default).</param>
public sealed record ForEachConfig(ImmutableArray<string> Items, string? Connections, string? Query, string QueryConnection);

/// <summary><c>notify:</c> of a pipeline.</summary>
/// <param name="Channels">Channel names (<c>notifications/*.yml</c>).</param>
/// <param name="On">The kinds of notice sent.</param>
public sealed record NotifyConfig(ImmutableArray<string> Channels, ImmutableArray<NotificationKind> On)
{
    /// <summary>Nothing is sent.</summary>
    public static NotifyConfig None { get; } = new([], [NotificationKind.Failure, NotificationKind.Recovery, NotificationKind.Late, NotificationKind.AtRisk]);
}

/// <summary>Kinds of notices about a run.</summary>
public enum NotificationKind
{
    /// <summary>The run failed.</summary>
    Failure,

    /// <summary>The run succeeded after the pipeline's previous run failed.</summary>
    Recovery,

    /// <summary>The deadline passed and the run is not finished.</summary>
    Late,

    /// <summary>The expected finish time is after the deadline.</summary>
    AtRisk,
}

/// <summary>A <c>notifications/*.yml</c> file: where notices go.</summary>
/// <param name="Name">The channel's name.</param>
/// <param name="Type">How notices are delivered.</param>
/// <param name="Location">Where it was defined.</param>
public sealed record NotificationChannelConfig(string Name, ChannelType Type, ConfigLocation Location)
{
    /// <summary>Webhook and Slack: the URL posted to.</summary>
    public Secret? Url { get; init; }

    /// <summary>Webhook: the HMAC-SHA256 key of the <c>X-Nagare-Signature</c> header, or null for unsigned.</summary>
    public Secret? SigningSecret { get; init; }

    /// <summary>E-mail: SMTP server host.</summary>
    public string? SmtpHost { get; init; }

    /// <summary>E-mail: SMTP port (25 by default; 587 with STARTTLS).</summary>
    public int SmtpPort { get; init; } = 25;

    /// <summary>E-mail: SMTP user, or null for no authentication.</summary>
    public string? SmtpUser { get; init; }

    /// <summary>E-mail: SMTP password.</summary>
    public Secret? SmtpPassword { get; init; }

    /// <summary>E-mail: use STARTTLS.</summary>
    public bool SmtpTls { get; init; }

    /// <summary>E-mail: sender address.</summary>
    public string? From { get; init; }

    /// <summary>E-mail: recipients.</summary>
    public ImmutableArray<string> To { get; init; } = [];
}

/// <summary>How a channel delivers notices.</summary>
public enum ChannelType
{
    /// <summary>POST of a JSON document, HMAC-signed.</summary>
    Webhook,

    /// <summary>POST to a Slack-compatible incoming webhook.</summary>
    Slack,

    /// <summary>E-mail over SMTP.</summary>
    Email,
}
