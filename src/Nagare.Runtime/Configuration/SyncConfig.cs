using System.Collections.Immutable;
using Nagare.Core.Connectors;

namespace Nagare.Runtime.Configuration;

/// <summary>A <c>syncs/*.yml</c> file: which streams of a source are copied where, and how.</summary>
/// <param name="Name">The sync's name.</param>
/// <param name="Source">Source connection name (the first of <see cref="Sources"/>).</param>
/// <param name="Destination">Destination connection name (<c>warehouse</c> by default).</param>
/// <param name="TargetSchema">Schema (or folder) the tables are written to, or null for the destination's default.</param>
/// <param name="Naming">Destination table name template with <c>{schema}</c> and <c>{table}</c>.</param>
/// <param name="Streams">Stream selections, in file order (the first selection that matches a stream wins).</param>
/// <param name="Columns">Column rules applying to every stream, before the stream's own.</param>
/// <param name="Vars">Query variables for custom SQL.</param>
/// <param name="SchemaChanges">Schema evolution policy.</param>
/// <param name="SoftDeleteColumn">Column set by soft delete detection.</param>
/// <param name="Location">Where the sync was defined.</param>
public sealed record SyncConfig(
    string Name,
    string Source,
    string Destination,
    string? TargetSchema,
    string Naming,
    ImmutableArray<StreamConfig> Streams,
    ImmutableArray<ColumnRule> Columns,
    ImmutableDictionary<string, string> Vars,
    SchemaChangePolicy SchemaChanges,
    string SoftDeleteColumn,
    ConfigLocation Location)
{
    /// <summary>
    /// Every source connection, in order: <see cref="Source"/> alone, or the shards of a template and the
    /// connections listed under <c>sources:</c>. Tables of the same name from several sources load into one table.
    /// </summary>
    public ImmutableArray<string> Sources
    {
        get => sources.IsDefaultOrEmpty ? [Source] : sources;
        init => sources = value;
    }

    /// <summary>
    /// <see cref="SnapshotScope.Run"/>: every table of a run is read at one moment of each source connection (related
    /// tables stay consistent with each other); <see cref="SnapshotScope.Table"/> (the default): each at its own.
    /// </summary>
    public SnapshotScope Snapshot { get; init; } = SnapshotScope.Table;

    /// <summary>True when the sync reads more than one source connection.</summary>
    public bool IsSharded => Sources.Length > 1;

    private readonly ImmutableArray<string> sources;

    /// <summary>The default naming template.</summary>
    public const string DefaultNaming = "{table}";
}
