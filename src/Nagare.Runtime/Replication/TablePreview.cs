using System.Collections.Immutable;
using Nagare.Core.Connectors;

namespace Nagare.Runtime.Replication;

/// <summary>What a sync run would do to one destination table.</summary>
/// <param name="Stream">Source stream(s).</param>
/// <param name="Table">Destination table.</param>
/// <param name="Mode">Mode the run would use.</param>
/// <param name="PrimaryKey">Key columns in the destination (empty when none).</param>
/// <param name="CursorColumn">The cursor column, or null.</param>
/// <param name="Cursor">The stored cursor a run would read past, or null when it would read every row.</param>
/// <param name="EstimatedRows">The source's row estimate of the whole stream(s), when known.</param>
/// <param name="Action">
/// <c>create</c> (the table does not exist), <c>replace</c> (full refresh), <c>load</c> (no change of columns),
/// <c>alter: …</c> (columns added or widened first) or <c>fail: …</c> (the run would stop on this table).
/// </param>
public sealed record TablePreview(
    string Stream,
    string Table,
    WriteMode Mode,
    ImmutableArray<string> PrimaryKey,
    string? CursorColumn,
    string? Cursor,
    long? EstimatedRows,
    string Action)
{
    /// <summary>Chunks an interrupted run left staged for this table.</summary>
    public int ChunksStaged { get; init; }

    /// <summary>The key-range chunks a run would copy the table in, or null for one stream.</summary>
    public ChunkPlan? Chunking { get; init; }
}
