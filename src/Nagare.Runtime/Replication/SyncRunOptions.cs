using System.Collections.Immutable;

namespace Nagare.Runtime.Replication;

/// <summary>Options of one <c>nagare sync</c> run.</summary>
/// <param name="Select">Only streams matching this glob (source <c>schema.table</c> or destination table).</param>
/// <param name="FullRefresh">Copy everything with full refresh, ignoring cursors.</param>
/// <param name="Threads">Streams copied at once; the project's <c>defaults.parallelism</c> when null.</param>
/// <param name="Vars">Query variables overriding the sync's <c>vars:</c>.</param>
/// <param name="Progress">Receives progress reports, or null.</param>
public sealed record SyncRunOptions(
    string? Select = null,
    bool FullRefresh = false,
    int? Threads = null,
    ImmutableDictionary<string, string>? Vars = null,
    IProgress<SyncProgress>? Progress = null)
{
    /// <summary>Called once per destination table as it finishes (from the thread that finished it), or null.</summary>
    public Action<StreamResult>? StreamFinished { get; init; }

    /// <summary>How long to wait while another process holds a database file of the sync (the warehouse); zero (the default) fails at once.</summary>
    public TimeSpan LockWait { get; init; }
}
