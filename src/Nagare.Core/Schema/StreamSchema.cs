using System.Collections.Immutable;

namespace Nagare.Core.Schema;

/// <summary>What discovery knows about a stream.</summary>
/// <param name="Id">Its name.</param>
/// <param name="Columns">Columns in source order.</param>
/// <param name="PrimaryKey">Primary key column names, in key order; empty when none.</param>
/// <param name="CursorCandidates">Columns usable as an incremental cursor (monotonic types: integers, timestamps, dates).</param>
/// <param name="EstimatedRows">The catalog's row estimate, when known (used to plan chunked copies).</param>
public sealed record StreamSchema(
    StreamId Id,
    ImmutableArray<ColumnSchema> Columns,
    ImmutableArray<string> PrimaryKey,
    ImmutableArray<string> CursorCandidates,
    long? EstimatedRows = null)
{
    /// <summary>The column named <paramref name="name"/> (ordinal match), or null.</summary>
    public ColumnSchema? Find(string name)
    {
        foreach (var column in Columns)
        {
            if (string.Equals(column.Name, name, StringComparison.Ordinal))
            {
                return column;
            }
        }

        return null;
    }
}
