using System.Collections.Immutable;

namespace Nagare.Runtime.Replication;

/// <summary>What a sync run did.</summary>
/// <param name="Sync">The sync's name.</param>
/// <param name="Streams">Per destination table, in plan order.</param>
/// <param name="Renames">Names the destination's rules changed.</param>
/// <param name="Seconds">Wall time of the run.</param>
public sealed record SyncSummary(string Sync, ImmutableArray<StreamResult> Streams, ImmutableArray<NameChange> Renames, double Seconds)
{
    /// <summary>True when every stream succeeded.</summary>
    public bool Succeeded => Streams.All(s => s.Status == StreamStatus.Succeeded);

    /// <summary>True when the run was interrupted: some stream was cancelled before it committed.</summary>
    public bool Cancelled => Streams.Any(s => s.Status == StreamStatus.Cancelled);

    /// <summary>Rows written by all streams.</summary>
    public long RowsWritten => Streams.Sum(s => s.RowsWritten);
}
