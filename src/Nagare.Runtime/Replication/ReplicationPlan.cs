using System.Collections.Immutable;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Replication;

/// <summary>What a sync run will do: the destination tables and the names that had to change.</summary>
/// <param name="Sync">The sync.</param>
/// <param name="Tables">Destination tables in a deterministic order.</param>
/// <param name="Renames">Every table and column name the destination's rules changed.</param>
/// <param name="DiscoveredStreams">Streams the source listed before filtering.</param>
public sealed record ReplicationPlan(SyncConfig Sync, ImmutableArray<TablePlan> Tables, ImmutableArray<NameChange> Renames, int DiscoveredStreams)
{
    /// <summary>In a sync over several source connections, those whose discovery failed (their tables were not planned).</summary>
    public ImmutableArray<FailedSource> FailedSources { get; init; } = [];
}
