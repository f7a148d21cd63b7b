using Nagare.Connectors.DuckDb;
using Nagare.Core.Connectors;
using Nagare.DuckDb;

namespace Nagare.Runtime.Connections;

/// <summary>
/// The one way hosts open a warehouse file: with the warehouse's storage settings, naming the process that holds it,
/// waiting for it when asked, and read-only where that is all the user may do. Hosts (the CLI, later the server)
/// come here rather than to the connectors.
/// </summary>
public static class Warehouse
{
    /// <summary>
    /// Opens the DuckDB file at <paramref name="path"/> (or <c>:memory:</c>). A file it creates gets the warehouse's
    /// storage settings (block size, storage version); the caller disposes the connection.
    /// </summary>
    /// <exception cref="Core.NagareException">Another process still holds the file (the message names it).</exception>
    /// <exception cref="DuckDbException">DuckDB could not open the database for another reason.</exception>
    public static DuckDbConnection Open(string path, WarehouseOpenOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        // The storage settings only shape a file DuckDB creates; an existing file keeps its own.
        var builder = new DuckDbConnectionStringBuilder { DataSource = path };
        var creates = options?.ReadOnly != true && !path.StartsWith(":memory:", StringComparison.Ordinal) && !File.Exists(path);
        return WarehouseFile.Open(creates ? WarehouseFile.Apply(builder) : builder, options, cancellationToken);
    }

    /// <summary>
    /// Why a command that only reads should open <paramref name="path"/> read-only (the file or its folder is not
    /// writable), or null when it may open it as usual.
    /// </summary>
    public static string? ReadOnlyReason(string path) => WarehouseFile.ReadOnlyReason(path);
}
