using System.Collections.Immutable;
using Nagare.Core.Schema;

namespace Nagare.Core.Connectors;

/// <summary>What to read from one stream.</summary>
/// <param name="Stream">The stream as discovered.</param>
/// <param name="Columns">Projection: the columns to read, in output order (with types, possibly overridden); empty means all.</param>
/// <param name="Filter">A predicate in the source's SQL dialect, for sources with <see cref="ConnectorCapabilities.SupportsFilterPushdown"/>.</param>
/// <param name="Cursor">Only rows whose cursor column is past a value (incremental reads), ordered by the cursor.</param>
/// <param name="Range">Only a key range (one chunk of a big table).</param>
/// <param name="CustomSql">A query to run instead of reading the table (SQL sources); its result columns must match <paramref name="Columns"/>.</param>
/// <param name="Snapshot">A snapshot token from <see cref="ISnapshotSource"/>, so parallel readers see one state.</param>
/// <param name="BatchSize">Rows per batch.</param>
/// <param name="Seen">For an incremental read, what the source itself noted as read on earlier runs; sources that track this (files) read what it does not cover, whatever the cursor says.</param>
/// <param name="Limit">
/// At most this many rows; null for all. SQL sources put it into their query (after the filter and the cursor's order,
/// so with a cursor they are the first rows past it), so a sample of a big table reads only what it returns.
/// </param>
public sealed record ReadRequest(
    StreamSchema Stream,
    ImmutableArray<ColumnSchema> Columns,
    string? Filter = null,
    CursorRange? Cursor = null,
    KeyRange? Range = null,
    string? CustomSql = null,
    string? Snapshot = null,
    int BatchSize = Batches.ColumnBatch.DefaultCapacity,
    SeenTracker? Seen = null,
    int? Limit = null)
{
    /// <summary>At most this many rows (zero or more); null for all.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative limit.</exception>
    public int? Limit { get; init; } = Limit is < 0 ? throw new ArgumentOutOfRangeException(nameof(Limit), Limit, "A read's row limit is zero or more.") : Limit;

    /// <summary>The columns to read: <see cref="Columns"/>, or all of the stream's when empty.</summary>
    public ImmutableArray<ColumnSchema> EffectiveColumns => Columns.IsDefaultOrEmpty ? Stream.Columns : Columns;
}
