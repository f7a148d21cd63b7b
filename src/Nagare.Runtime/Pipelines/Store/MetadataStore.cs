using System.Data;
using System.Data.Common;
using System.Globalization;
using Nagare.Core;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>
/// The metadata store: pipelines' runs, steps, tasks, attempts, logs, leases, schedules and notices. One class, one SQL
/// text per operation, two dialects: SQLite (a file under <c>.nagare/</c>, the embedded default) and PostgreSQL (shared
/// by a scheduler and workers on many machines). Every change of state is one transaction, so any number of processes
/// may share a store: a task is claimed by one worker only, a report from a worker that lost its lease is refused, and
/// the scheduler keeps no state of its own.
/// </summary>
public abstract partial class MetadataStore : IAsyncDisposable
{
    /// <summary>The embedded store's file, relative to the project folder.</summary>
    public const string DefaultPath = ".nagare/metadata.db";

    /// <summary>Prepared statements of connections that keep them (the one writer), by connection.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbConnection, StatementCache> Statements = new();

    private readonly SemaphoreSlim writeGate = new(1, 1);
    private DbConnection? writer;
    private bool migrated;

    /// <summary>Creates a store over a dialect.</summary>
    protected MetadataStore(StoreDialect dialect)
    {
        Dialect = dialect;
    }

    /// <summary>The store's SQL dialect.</summary>
    public StoreDialect Dialect { get; }

    /// <summary>Where the store is, without credentials (for messages).</summary>
    public abstract string Display { get; }

    /// <summary>
    /// Opens the store named by <paramref name="location"/>: a <c>postgresql://user:password@host:port/db</c> URL or a
    /// PostgreSQL connection string (<c>Host=…</c>), else a SQLite file path (relative to <paramref name="projectRoot"/>).
    /// </summary>
    /// <param name="location">The store, or null for the embedded default <see cref="DefaultPath"/>.</param>
    /// <param name="projectRoot">The project folder.</param>
    public static MetadataStore Open(string? location, string projectRoot)
    {
        ArgumentNullException.ThrowIfNull(projectRoot);
        if (string.IsNullOrWhiteSpace(location))
        {
            return new SqliteMetadataStore(Path.Combine(projectRoot, DefaultPath));
        }

        if (location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresMetadataStore(PostgresMetadataStore.FromUrl(location));
        }

        if (location.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            return new PostgresMetadataStore(location);
        }

        var path = location.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? location["sqlite:".Length..] : location;
        return new SqliteMetadataStore(Path.GetFullPath(path, projectRoot));
    }

    /// <summary>Brings the schema up to the newest migration (idempotent; concurrent callers wait for each other).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (migrated)
        {
            return;
        }

        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockForMigrationAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS nagare_migrations (version INT PRIMARY KEY, applied_at BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
        var current = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM nagare_migrations", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var newest = StoreMigrations.All[^1].Version;
        if (current > newest)
        {
            throw new NagareException($"The metadata store {Display} is at schema version {current}, newer than this Nagare's {newest}. Upgrade Nagare, or use another store.");
        }

        foreach (var (version, sql) in StoreMigrations.All.Where(m => m.Version > current))
        {
            foreach (var statement in sql.Replace("{id}", Dialect.AutoId, StringComparison.Ordinal).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, transaction, "INSERT INTO nagare_migrations (version, applied_at) VALUES (@v, @at)", cancellationToken, ("v", version), ("at", TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        migrated = true;
    }

    /// <inheritdoc/>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Calls <paramref name="ready"/> whenever another process may have made tasks ready (until cancelled), so idle
    /// workers start them at once instead of at their next poll. Completes at once where the store cannot tell
    /// (SQLite: workers of other processes poll).
    /// </summary>
    public virtual Task ListenForReadyAsync(Action ready, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Tells listening workers that tasks may be ready, when the transaction commits.</summary>
    protected virtual Task SignalReadyAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>An open connection to the store.</summary>
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Serializes migrations of concurrent processes (within the migration's transaction).</summary>
    protected abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>True when a transaction failed only because of another's concurrent one, and is worth running again.</summary>
    protected abstract bool IsTransient(Exception exception);

    /// <summary>Runs <paramref name="work"/> in one write transaction, again when it meets a deadlock or a serialization failure.</summary>
    protected async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (OneWriter)
        {
            return await WriteOnOneConnectionAsync(work, cancellationToken).ConfigureAwait(false);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                var result = await work(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (Exception e) when (attempt < 5 && IsTransient(e))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5 * attempt * Random.Shared.Next(1, 5)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// True when the database takes one writer at a time (SQLite): this process's writes then queue on one connection
    /// instead of meeting each other's locks, and that connection keeps its statements prepared.
    /// </summary>
    protected virtual bool OneWriter => false;

    private async Task<T> WriteOnOneConnectionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite answers a BEGIN that meets another connection's write lock by sleeping the thread and
        // trying again: four slots of one worker and its scheduler, each on its own connection, spent a fifth of their
        // time asleep so, and four slots ran slower than one. Queued here, they wait without a thread and without a
        // lock; the database's own lock and busy timeout remain for other processes.
        await writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                writer ??= await OpenWriterAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await using var transaction = await writer.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    var result = await work(writer, transaction).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return result;
                }
                catch (Exception e) when (attempt < 5 && IsTransient(e))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(5 * attempt * Random.Shared.Next(1, 5)), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            writeGate.Release();
        }
    }

    private async Task<DbConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        Statements.Add(connection, new StatementCache());
        return connection;
    }

    /// <summary>Closes the connection writes queue on, if any.</summary>
    protected async ValueTask CloseWriterAsync()
    {
        await writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (writer is not null && Statements.TryGetValue(writer, out var cache))
            {
                await cache.DisposeAsync().ConfigureAwait(false);
            }

            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }

            writer = null;
        }
        finally
        {
            writeGate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> on a connection without a transaction (reads).</summary>
    protected async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    internal static Statement Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var cached = Statements.TryGetValue(connection, out var cache);
        var command = cached ? cache!.Get(connection, sql) : connection.CreateCommand();
        command.Transaction = transaction;
        if (!cached)
        {
#pragma warning disable CA2100 // The SQL texts are constants of this assembly; values always travel as parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
        }

        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            // With its prefix: Microsoft.Data.Sqlite otherwise looks the name up under each prefix it knows, once per bind.
            parameter.ParameterName = "@" + name;
            parameter.Value = value switch
            {
                null => DBNull.Value,
                bool b => b ? 1 : 0,
                _ => value,
            };
            command.Parameters.Add(parameter);
        }

        return new Statement(command, cached);
    }

    internal static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var statement = Command(connection, transaction, sql, parameters);
        return await statement.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var statement = Command(connection, transaction, sql, parameters);
        var value = await statement.Command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    internal static async Task<List<T>> QueryAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var statement = Command(connection, transaction, sql, parameters);
        await using var reader = await statement.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    internal static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    internal static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    internal static long Long(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    internal static int Int(DbDataReader reader, int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    internal static long? NullableLong(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Long(reader, ordinal);

    internal static DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(Long(reader, ordinal));

    internal static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
