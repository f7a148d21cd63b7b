using System.Runtime.InteropServices;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb;

/// <summary>
/// One open DuckDB database (file or in-memory). A process may open a file for writing only
/// once, so connections to the same file share one instance (opened with the first connection's
/// settings), reference-counted and closed when the last connection closes. In-memory databases are private to the
/// connection that opened them unless a name is given (<c>:memory:name</c>): connections with the
/// same name share one in-memory database within the process.
/// </summary>
internal sealed class DuckDbDatabase
{
    private static readonly Dictionary<string, DuckDbDatabase> Open = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>Files this process has closed (see <see cref="Acquire"/>).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Closed = new(StringComparer.Ordinal);

    private readonly string _key;
    private int _references;

    private DuckDbDatabase(string key, DuckDbDatabaseHandle handle)
    {
        _key = key;
        Handle = handle;
    }

    public DuckDbDatabaseHandle Handle { get; }

    /// <summary>Opens (or shares) the database described by <paramref name="settings"/>.</summary>
    public static DuckDbDatabase Acquire(DuckDbConnectionStringBuilder settings)
    {
        DuckDbLibrary.EnsureLoaded();
        var path = settings.DataSource;
        if (string.IsNullOrEmpty(path) || path == ":memory:")
        {
            return new DuckDbDatabase("", OpenNative(null, settings)) { _references = 1 };
        }

        // A named in-memory database (":memory:name") is an ordinary in-memory database that this
        // process shares by name; DuckDB itself would take the name for a file path.
        var isNamedMemory = path.StartsWith(":memory:", StringComparison.Ordinal);
        var nativePath = isNamedMemory ? path : Path.GetFullPath(path);
        // One instance per file, whatever the settings: two instances of one file in a process would each write
        // it (DuckDB's file lock does not stop the same process). The first opener's settings apply.
        var key = nativePath;
        if (!isNamedMemory && Closed.TryRemove(nativePath, out _))
        {
            // This process closed the file before. DuckDB keeps an instance alive while any native object of it
            // (a connection, a prepared statement, a result) does, and destroying it checkpoints the file and
            // deletes its write-ahead log; a handle left to the finalizer would do that under the new instance
            // ("Cannot open file …wal"). Finalize such leftovers first: this happens a few times per process.
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        lock (Gate)
        {
            if (Open.TryGetValue(key, out var existing))
            {
                existing._references++;
                return existing;
            }

            var db = new DuckDbDatabase(key, OpenNative(isNamedMemory ? null : nativePath, settings)) { _references = 1 };
            Open[key] = db;
            return db;
        }
    }

    /// <summary>Drops one reference; the last one closes the database.</summary>
    public void Release()
    {
        lock (Gate)
        {
            if (--_references > 0)
            {
                return;
            }

            if (_key.Length > 0)
            {
                // Closed under the lock: closing checkpoints the file and deletes its write-ahead log, and a
                // connection opening the same file meanwhile would start a second instance that finds the log
                // gone between seeing it and opening it ("Cannot open file …wal").
                Open.Remove(_key);
                Handle.Dispose();
                if (!_key.StartsWith(":memory:", StringComparison.Ordinal))
                {
                    Closed[_key] = true;
                }

                return;
            }
        }

        Handle.Dispose();
    }

    private static unsafe DuckDbDatabaseHandle OpenNative(string? path, DuckDbConnectionStringBuilder settings)
    {
        if (NativeMethods.duckdb_create_config(out var rawConfig) != DuckDbState.Success)
        {
            throw new DuckDbException("DuckDB could not allocate a configuration object.");
        }

        using var config = new DuckDbConfigHandle(rawConfig);
        foreach (var (name, value) in settings.NativeOptions())
        {
            if (NativeMethods.duckdb_set_config(rawConfig, name, value) != DuckDbState.Success)
            {
                throw new DuckDbException($"Invalid DuckDB setting {name}='{value}'.");
            }
        }

        if (NativeMethods.duckdb_open_ext(path, out var database, rawConfig, out var error) != DuckDbState.Success)
        {
            var message = Marshal.PtrToStringUTF8(error) ?? "unknown error";
            if (error != IntPtr.Zero)
            {
                NativeMethods.duckdb_free((void*)error);
            }

            throw new DuckDbException($"Could not open DuckDB database '{path ?? ":memory:"}': {message}");
        }

        return new DuckDbDatabaseHandle(database);
    }
}
