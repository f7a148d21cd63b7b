namespace Nagare.Connectors.DuckDb;

/// <summary>How to open a DuckDB database (configuration of connection type <c>duckdb</c>).</summary>
/// <param name="Path">Database file (created if missing), or <c>:memory:</c> for a database that lives as long as the connection object. Default <see cref="DefaultPath"/>.</param>
/// <param name="Threads">Worker threads DuckDB may use; null for DuckDB's default (all cores).</param>
/// <param name="MemoryLimit">DuckDB's memory limit, e.g. <c>4GB</c>; null for DuckDB's default (80% of RAM).</param>
/// <param name="BlockSize">Block size in bytes of a database file this creates (see <see cref="WarehouseFile.BlockSize"/>); null for the default.</param>
/// <param name="Compression"><see cref="WarehouseFile.AutoCompression"/> or <see cref="WarehouseFile.LightCompression"/> for the data this writes; null for auto.</param>
public sealed record DuckDbConnectorOptions(
    string Path = DuckDbConnectorOptions.DefaultPath, int? Threads = null, string? MemoryLimit = null, int? BlockSize = null, string? Compression = null)
{
    /// <summary>The project's warehouse: <c>.nagare/warehouse.duckdb</c>, relative to the project folder.</summary>
    public const string DefaultPath = ".nagare/warehouse.duckdb";

    /// <summary>The in-memory database marker.</summary>
    public const string InMemory = ":memory:";

    /// <summary>How long to wait while another process holds the file (see <see cref="WarehouseFile.Open"/>); zero (the default) fails at once.</summary>
    public TimeSpan LockWait { get; init; }
}
