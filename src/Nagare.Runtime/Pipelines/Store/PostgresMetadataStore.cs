using System.Data.Common;
using Nagare.Core;
using Npgsql;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>The shared metadata store: PostgreSQL, for a scheduler and workers on many machines.</summary>
public sealed partial class PostgresMetadataStore : MetadataStore
{
    private readonly NpgsqlDataSource dataSource;

    /// <summary>A store in the PostgreSQL database of <paramref name="connectionString"/> (tables in its search path).</summary>
    public PostgresMetadataStore(string connectionString)
        : base(StoreDialect.Postgres)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            // Every task runs the same few dozen statements: prepared on each pooled connection after a few uses.
            builder.MaxAutoPrepare = 64;
        }

        Display = $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
        dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <inheritdoc/>
    public override string Display { get; }

    /// <summary>A connection string from a <c>postgresql://user:password@host:port/database?search_path=x</c> URL.</summary>
    public static string FromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new NagareException($"'{Redact(url)}' is not a PostgreSQL URL; write postgresql://user:password@host:5432/database.");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } database ? database : "postgres",
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            builder[key.Replace('_', ' ')] = value;
        }

        return builder.ConnectionString;
    }

    /// <summary>The URL without its password.</summary>
    public static string Redact(string url) => RedactPassword().Replace(url, "$1***@");

    private const string ReadyChannel = "nagare_tasks_ready";

    /// <inheritdoc/>
    public override async Task ListenForReadyAsync(Action ready, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ready);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, _) => ready();
                await using (var listen = new NpgsqlCommand($"LISTEN {ReadyChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                ready(); // anything made ready while not listening
                while (true)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                // The store went away for a moment: workers poll meanwhile; listen again shortly.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <inheritdoc/>
    protected override Task SignalReadyAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"NOTIFY {ReadyChannel}", cancellationToken);

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(7361626)", cancellationToken);

    /// <inheritdoc/>
    protected override bool IsTransient(Exception exception) =>
        exception is PostgresException { SqlState: "40P01" or "40001" };

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await dataSource.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^(\\w+://[^:/@]+):[^@]*@")]
    private static partial System.Text.RegularExpressions.Regex RedactPassword();
}
