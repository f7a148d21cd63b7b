using System.Collections.Immutable;
using Nagare.Core.Schema;

namespace Nagare.Core.Connectors;

/// <summary>How to write one stream.</summary>
/// <param name="SyncName">The sync writing it (state is kept per sync and stream).</param>
/// <param name="StateKey">The state's key within the sync (usually the destination table's name).</param>
/// <param name="Target">Destination table.</param>
/// <param name="Columns">Columns of the batches that will be written, in order.</param>
/// <param name="Mode">Write mode.</param>
/// <param name="PrimaryKey">Key columns (required for merge and delete detection).</param>
/// <param name="SchemaChanges">How to treat a target whose columns differ from <paramref name="Columns"/>.</param>
/// <param name="DeleteDetection">For full refresh into an existing table and merge: what to do with target rows missing from the source.</param>
/// <param name="SoftDeleteColumn">Column set to the delete time when <paramref name="DeleteDetection"/> is <see cref="DeleteDetection.Soft"/>.</param>
public sealed record WriteRequest(
    string SyncName,
    string StateKey,
    StreamId Target,
    ImmutableArray<ColumnSchema> Columns,
    WriteMode Mode,
    ImmutableArray<string> PrimaryKey,
    SchemaChangePolicy SchemaChanges = SchemaChangePolicy.Evolve,
    DeleteDetection DeleteDetection = DeleteDetection.None,
    string SoftDeleteColumn = "_deleted_at")
{
    /// <summary>
    /// The rows this write owns in a table other writes load too (one shard's rows in a table every shard fills), or
    /// null when it owns the whole table. A full refresh then replaces only these rows, and delete detection only
    /// looks at them; other rows are never touched.
    /// </summary>
    public WriteScope? Scope { get; init; }

    /// <summary>
    /// Why <paramref name="destination"/> cannot take this request, in the one wording every destination uses, or null.
    /// A planned sync never gets here (planning checks the same); destinations guard their other callers with it.
    /// </summary>
    public string? ProblemFor(ConnectorCapabilities destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (Columns.IsDefaultOrEmpty)
        {
            return $"Nothing to write into {Target}: the request has no columns.";
        }

        if (!destination.WriteModes.Contains(Mode))
        {
            var modes = string.Join(", ", destination.WriteModes.Select(WriteModeNames.Name).Order(StringComparer.Ordinal));
            return $"A {destination.Type} destination cannot write {Target} with mode {Mode.Name()}; it writes {modes}.";
        }

        if (Scope is not null && (Mode == WriteMode.FullRefresh || DeleteDetection != DeleteDetection.None) && !destination.SupportsScopedWrites)
        {
            return $"A {destination.Type} destination cannot replace or delete only the rows of one source in {Target} ({Scope.Column} starting '{Scope.Prefix}'); it loads them with modes append, incremental or merge without delete detection.";
        }

        if (Scope is not null && Mode == WriteMode.FullRefresh && DeleteDetection != DeleteDetection.None)
        {
            // The sync engine writes such a load as a merge with delete detection.
            return $"A full refresh of only the rows of one source in {Target} ({Scope.Column} starting '{Scope.Prefix}') cannot detect deletes; write it as a merge with delete detection.";
        }

        if ((Mode == WriteMode.Merge || DeleteDetection != DeleteDetection.None) && PrimaryKey.IsDefaultOrEmpty)
        {
            var what = Mode == WriteMode.Merge ? "Merge" : $"Delete detection ({DeleteDetection.ToString().ToLowerInvariant()})";
            return $"{what} into {Target} needs a primary key; set primary_key for the stream.";
        }

        return null;
    }
}

/// <summary>The rows of a table one write owns: those whose <paramref name="Column"/> starts with <paramref name="Prefix"/>.</summary>
/// <param name="Column">The column naming each row's source (<c>_source</c>).</param>
/// <param name="Prefix">The text every owned row's value starts with (<c>shard1:</c>).</param>
public sealed record WriteScope(string Column, string Prefix);
