using System.Collections.Immutable;
using Nagare.Core.Connectors;

namespace Nagare.Runtime.Configuration;

/// <summary>One entry of a sync's <c>streams:</c> list.</summary>
/// <param name="Select">Globs over <c>schema.table</c> choosing source streams.</param>
/// <param name="Exclude">Globs over <c>schema.table</c> leaving streams out.</param>
/// <param name="Mode">Write mode.</param>
/// <param name="Cursor">Incremental cursor column.</param>
/// <param name="PrimaryKey">Key columns for merge (default: the source's primary key).</param>
/// <param name="Into">Fan-in: the one destination table every selected stream is loaded into.</param>
/// <param name="SourceColumn">Fan-in: the column holding each row's source <c>schema.table</c>.</param>
/// <param name="Columns">Column mappings by column name (or glob).</param>
/// <param name="Sql">A query read instead of the table (it must return the table's columns); <c>{{ var }}</c> is substituted.</param>
/// <param name="OnError">Bad-row policy.</param>
/// <param name="DeleteDetection">Delete detection for full refresh and merge.</param>
/// <param name="Chunking">Chunking of big tables.</param>
/// <param name="Location">Where the entry was written.</param>
public sealed record StreamConfig(
    ImmutableArray<string> Select,
    ImmutableArray<string> Exclude,
    WriteMode Mode,
    string? Cursor,
    ImmutableArray<string> PrimaryKey,
    string? Into,
    string SourceColumn,
    ImmutableArray<ColumnRule> Columns,
    string? Sql,
    OnError OnError,
    DeleteDetection DeleteDetection,
    ChunkingConfig Chunking,
    ConfigLocation Location)
{
    /// <summary>A predicate in the source's SQL applied where rows are read (SQL and file sources); <c>{{ var }}</c> substituted.</summary>
    public string? Filter { get; init; }
}
