using System.Collections.Immutable;

namespace Nagare.Runtime.Replication;

/// <summary>Run-time choices that change a sync's plan.</summary>
/// <param name="Select">Only streams whose <c>schema.table</c> (or destination table) matches this glob; null for all.</param>
/// <param name="FullRefresh">Copy every stream with full refresh, ignoring cursors.</param>
/// <param name="Vars">Query variables overriding the sync's <c>vars:</c>.</param>
public sealed record PlanOptions(string? Select = null, bool FullRefresh = false, ImmutableDictionary<string, string>? Vars = null)
{
    /// <summary>No overrides.</summary>
    public static PlanOptions Default { get; } = new();
}
