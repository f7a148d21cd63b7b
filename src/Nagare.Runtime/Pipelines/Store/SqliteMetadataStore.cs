using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>The embedded metadata store: a SQLite file in WAL mode, shared by the processes of one machine.</summary>
public sealed class SqliteMetadataStore : MetadataStore
{
    private readonly string connectionString;

    /// <summary>A store in the SQLite file <paramref name="path"/> (created with its folder when missing).</summary>
    public SqliteMetadataStore(string path)
        : base(StoreDialect.Sqlite)
    {
        Path = path;
        connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 60 }.ToString();
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public override string Display => Path;

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // WAL lets readers (runs list, logs) go on while a worker writes; NORMAL syncs at checkpoints, which keeps a
        // committed transaction across a process crash (only a power loss can take the last ones back).
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF", cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <inheritdoc/>
    protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask; // the transaction holds SQLite's one write lock from its start

    /// <inheritdoc/>
    protected override bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 }; // BUSY, LOCKED past the busy timeout

    /// <inheritdoc/>
    protected override bool OneWriter => true;

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await CloseWriterAsync().ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
