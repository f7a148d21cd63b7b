using System.Collections.Immutable;

namespace Nagare.Core.Connectors;

/// <summary>
/// What a sync remembers about one stream between runs, committed in the same transaction as the rows:
/// the incremental cursor and the chunks of an interrupted copy already done.
/// </summary>
/// <param name="Cursor">Last cursor value loaded, in invariant text (ISO 8601 for times), or null.</param>
/// <param name="CursorColumn">The column the cursor is over (a change of cursor column resets it).</param>
/// <param name="CompletedChunks">Chunk indexes of an unfinished chunked copy that are already in staging.</param>
/// <param name="Extra">Connector-specific values.</param>
public sealed record StreamState(
    string? Cursor,
    string? CursorColumn,
    ImmutableArray<int> CompletedChunks,
    ImmutableDictionary<string, string> Extra)
{
    /// <summary>No state.</summary>
    public static StreamState Empty { get; } = new(null, null, [], ImmutableDictionary<string, string>.Empty);
}
