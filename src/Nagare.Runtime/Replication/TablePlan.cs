using System.Collections.Immutable;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Replication;

/// <summary>Everything needed to load one destination table (from one stream, or many with fan-in).</summary>
/// <param name="Target">The destination table.</param>
/// <param name="Sources">Its source streams, in order.</param>
/// <param name="Columns">The destination columns.</param>
/// <param name="Mode">Write mode for this run.</param>
/// <param name="Cursor">Source cursor column, or null.</param>
/// <param name="PrimaryKey">Destination key columns.</param>
/// <param name="Config">The stream selection that chose it.</param>
/// <param name="IsFanIn">True when several streams load into one table (<c>into:</c>).</param>
public sealed record TablePlan(
    StreamId Target,
    ImmutableArray<SourcePlan> Sources,
    ImmutableArray<ColumnSchema> Columns,
    WriteMode Mode,
    string? Cursor,
    ImmutableArray<string> PrimaryKey,
    StreamConfig Config,
    bool IsFanIn)
{
    /// <summary>
    /// In a sync over several source connections, the one this table's streams are read from (each connection's
    /// streams into a table are a table plan of their own, writing only their rows); null in a sync over one.
    /// </summary>
    public string? Connection { get; init; }

    /// <summary>The key the sync state is stored under: the table, and in a sync over several connections <c>@connection</c>.</summary>
    public string StateKey => Connection is null ? Target.ToString() : $"{Target}@{Connection}";

    /// <summary>
    /// True when other connections of the sync load the same table (no <c>{source}</c> in its name), so this plan
    /// owns only its connection's rows of it.
    /// </summary>
    public bool IsShared { get; init; }

    /// <summary>
    /// For a shared table replaced whole from every connection: the loads of each connection's rows alone, run
    /// instead when the whole load fails, so that one failing connection leaves the others loaded. Empty otherwise.
    /// </summary>
    public ImmutableArray<TablePlan> Fallback { get; init; } = [];

    /// <summary>The rows this table plan owns when other plans load the same table (see <see cref="IsShared"/>), or null.</summary>
    public WriteScope? Scope => Connection is null || !IsShared ? null : new WriteScope(Columns[^1].Name, Connection + ":");

    /// <summary>Whether a run reads past the stored cursor (and not every row): a cursor, in a mode other than full refresh.</summary>
    public bool UsesCursor => Cursor is not null && Mode != WriteMode.FullRefresh;

    /// <summary>Key-range chunks the table is copied in, or null to copy it in one stream.</summary>
    public ChunkPlan? Chunking { get; init; }

    /// <summary>The source stream names, for messages: one name, or the first and a count.</summary>
    public string SourceLabel => Sources.Length == 1 ? First : $"{First} (+{Sources.Length - 1} more)";

    private string First => Sources[0].SourceName ?? Sources[0].Stream.Id.ToString();
}
