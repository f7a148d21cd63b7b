namespace Nagare.Core.Connectors;

/// <summary>What a connector can do, for planning and for clear errors when a sync asks for more.</summary>
/// <param name="Type">Connector type name as written in configuration (<c>postgres</c>, <c>sqlite</c>, <c>duckdb</c>, <c>files</c>).</param>
/// <param name="IsSource">Can be read from.</param>
/// <param name="IsDestination">Can be written to.</param>
/// <param name="WriteModes">Modes accepted as a destination.</param>
/// <param name="SupportsFilterPushdown">Applies a SQL filter at the source.</param>
/// <param name="SupportsKeyRangeChunks">Can read a key range of a table, so big tables are copied in parallel chunks.</param>
/// <param name="SupportsSnapshots">Parallel readers can share one consistent snapshot.</param>
/// <param name="SupportsCastOnRead">
/// Reads a column as the type <see cref="ReadRequest.Columns"/> gives it when that differs from the discovered one,
/// converting where the value is read (in the source's own SQL), so a value the discovered type cannot hold (a
/// numeric wider than 38 digits, NaN) still arrives as text or a double.
/// </param>
public sealed record ConnectorCapabilities(
    string Type,
    bool IsSource,
    bool IsDestination,
    IReadOnlySet<WriteMode> WriteModes,
    bool SupportsFilterPushdown = false,
    bool SupportsKeyRangeChunks = false,
    bool SupportsSnapshots = false,
    bool SupportsCastOnRead = false)
{
    /// <summary>
    /// Honours <see cref="WriteRequest.Scope"/>: a full refresh replaces, and delete detection looks at, only the rows
    /// of one source in a table several sources load into.
    /// </summary>
    public bool SupportsScopedWrites { get; init; }
}
