using System.Collections.Immutable;

namespace Nagare.Runtime.Replication;

/// <summary>What a sync run would do, planned without writing anything (<c>nagare sync --dry-run</c>).</summary>
/// <param name="Sync">The sync's name.</param>
/// <param name="Source">The source connection (several, comma-separated, in a sync over several).</param>
/// <param name="Destination">The destination connection.</param>
/// <param name="Tables">Per destination table, in plan order.</param>
/// <param name="Renames">Names the destination's rules would change.</param>
public sealed record SyncPreview(string Sync, string Source, string Destination, ImmutableArray<TablePreview> Tables, ImmutableArray<NameChange> Renames)
{
    /// <summary>Source connections that could not be discovered (a run would leave their tables as they are).</summary>
    public ImmutableArray<FailedSource> FailedSources { get; init; } = [];
}
