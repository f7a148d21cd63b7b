using System.Collections.Immutable;
using Nagare.Core.Schema;

namespace Nagare.Runtime.Replication;

/// <summary>One source stream feeding a destination table.</summary>
/// <param name="Stream">The stream as discovered.</param>
/// <param name="ReadColumns">The projection read from the source, in order.</param>
/// <param name="Columns">For each destination column, how it is produced from the projection.</param>
/// <param name="CustomSql">The rendered custom query, or null to read the table.</param>
/// <param name="CursorIndex">Index of the cursor column in <paramref name="ReadColumns"/>, or -1.</param>
public sealed record SourcePlan(
    StreamSchema Stream,
    ImmutableArray<ColumnSchema> ReadColumns,
    ImmutableArray<TargetColumnPlan> Columns,
    string? CustomSql,
    int CursorIndex)
{
    /// <summary>True when batches can be written as read (same columns, no transformation).</summary>
    public bool IsIdentity { get; init; }

    /// <summary>
    /// What a fan-in's source column holds for this stream's rows: null for <c>schema.table</c>, or, in a sync over
    /// several connections, <c>connection:schema.table</c>.
    /// </summary>
    public string? SourceName { get; init; }

    /// <summary>In a sync over several source connections, the connection this stream is read from; else null.</summary>
    public string? Connection { get; init; }

    /// <summary>The rendered row filter (a predicate in the source's SQL), or null to read every row.</summary>
    public string? Filter { get; init; }
}
