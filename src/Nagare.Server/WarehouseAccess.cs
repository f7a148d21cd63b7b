using Nagare.DuckDb;
using Nagare.Runtime.Connections;

namespace Nagare.Server;

/// <summary>
/// The warehouse a server owns: it opens the file once when it starts and keeps it open, so it is the one process
/// writing it; each request takes its own connection to the same database (DuckDB serves many at once).
/// </summary>
public sealed class WarehouseAccess : IDisposable
{
    private readonly object gate = new();
    private DuckDbConnection? holder;

    /// <summary>Creates the access to the file at <paramref name="path"/> (opened on first use).</summary>
    public WarehouseAccess(string path)
    {
        Path = path;
    }

    /// <summary>The warehouse file.</summary>
    public string Path { get; }

    /// <summary>Opens the file now (the server does at start, so that another process holding it is an error then).</summary>
    public void Hold()
    {
        lock (gate)
        {
            if (holder is null && System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) is { } folder)
            {
                // A new project's warehouse folder (.nagare/) may not exist yet: the server creates the file like a first sync does.
                Directory.CreateDirectory(folder);
            }

            holder ??= Warehouse.Open(Path);
        }
    }

    /// <summary>A new connection to the warehouse; the caller disposes it.</summary>
    public DuckDbConnection Connect()
    {
        Hold();
        return Warehouse.Open(Path);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (gate)
        {
            holder?.Dispose();
            holder = null;
        }
    }
}
