using System.Globalization;
using Nagare.Core.Connectors;
using Npgsql;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// A PostgreSQL database as a source (batched discovery, binary COPY reads, key-range chunks, exported
/// snapshots) and as a destination (binary COPY into staging, atomic swap, merge, state in the same transaction).
/// </summary>
/// <remarks>
/// Sessions come from one pool per connection, at most <see cref="PostgresConnectorOptions.MaxConcurrency"/>
/// in use at once (plus one per live snapshot); callers beyond the limit wait for a free session.
/// </remarks>
public sealed partial class PostgresConnection : ISource, IKeyRangeSource, ISnapshotSource, IDestination, IChunkedDestination
{
    private static readonly ConnectorCapabilities SharedCapabilities = new(
        "postgres",
        IsSource: true,
        IsDestination: true,
        WriteModes: new HashSet<WriteMode> { WriteMode.FullRefresh, WriteMode.Append, WriteMode.Incremental, WriteMode.Merge },
        SupportsFilterPushdown: true,
        SupportsKeyRangeChunks: true,
        SupportsSnapshots: true,
        SupportsCastOnRead: true)
    {
        SupportsScopedWrites = true,
    };

    /// <summary>What a PostgreSQL connection can do, for checks made before one exists.</summary>
    internal static ConnectorCapabilities DestinationCapabilities => SharedCapabilities;

    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _sessions;
    private readonly TimeProvider _time;
    private long _commands;

    /// <summary>Creates the connection; nothing is opened until it is used.</summary>
    /// <param name="name">The connection's name in the project.</param>
    /// <param name="options">Where and how to connect.</param>
    /// <param name="timeProvider">Clock for state timestamps; the system clock when null.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public PostgresConnection(string name, PostgresConnectorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Host, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.Database, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.User, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxConcurrency, 1000, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.StatementTimeout.Ticks, nameof(options));
        Name = name;
        Options = options;
        _time = timeProvider ?? TimeProvider.System;
        _sessions = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        var builder = new NpgsqlDataSourceBuilder(BuildConnectionString(options));

        // Reads cast non-built-in types to text, so the per-pool pg_type scan on first connect is not needed.
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        _dataSource = builder.Build();
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The options this connection was created with.</summary>
    public PostgresConnectorOptions Options { get; }

    /// <inheritdoc/>
    public ConnectorCapabilities Capabilities => SharedCapabilities;

    /// <inheritdoc/>
    public Nagare.Core.Connectors.ISqlDialect Dialect => PostgresDialect.Instance;

    /// <summary>Statements and COPY operations this connection has sent, for tests that count round trips.</summary>
    internal long CommandCount => Interlocked.Read(ref _commands);

    /// <inheritdoc/>
    public async Task<ConnectionTestResult> TestAsync(CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync("connection test", cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = Command(session.Connection, PostgresDialect.ServerInfoQuery);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var version = reader.GetString(0);
            var details = new Dictionary<string, string>
            {
                ["host"] = Options.Host,
                ["port"] = Options.Port.ToString(CultureInfo.InvariantCulture),
                ["database"] = reader.GetString(1),
                ["user"] = reader.GetString(2),
            };
            return new ConnectionTestResult(version, details);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Translate(e, "the connection test", null);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _sessions.Dispose();
    }

    /// <summary>Opens a pooled session, waiting for a free slot under <see cref="PostgresConnectorOptions.MaxConcurrency"/>.</summary>
    internal async Task<PostgresSession> OpenSessionAsync(string purpose, CancellationToken cancellationToken, bool limited = true)
    {
        if (limited)
        {
            await _sessions.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresSession(connection, limited ? _sessions : null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            if (limited)
            {
                _sessions.Release();
            }

            throw Translate(e, purpose, null);
        }
        catch
        {
            if (limited)
            {
                _sessions.Release();
            }

            throw;
        }
    }

    /// <summary>A command on <paramref name="connection"/>, counted in <see cref="CommandCount"/>.</summary>
    internal NpgsqlCommand Command(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        Interlocked.Increment(ref _commands);
        return new NpgsqlCommand(sql, connection, transaction);
    }

    /// <summary>Counts a COPY or other operation that does not go through <see cref="Command"/>.</summary>
    internal void CountCommand() => Interlocked.Increment(ref _commands);

    /// <summary>The current time, for state rows.</summary>
    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Turns a driver error into a <see cref="ConnectorException"/> that says where (host, port, database,
    /// stream) and what failed, never the password; network errors and time-outs are transient.
    /// </summary>
    internal ConnectorException Translate(Exception error, string action, string? stream)
    {
        var where = $"PostgreSQL at {Options.Host}:{Options.Port}, database '{Options.Database}'";
        var subject = stream is null ? "" : $" for {stream}";
        switch (error)
        {
            case PostgresException pg:
                var message = pg.SqlState switch
                {
                    "28P01" => $"{where}: password authentication failed for user '{Options.User}'",
                    "28000" => $"{where}: user '{Options.User}' may not log in ({pg.MessageText})",
                    "3D000" => $"{where}: the database does not exist ({pg.MessageText})",
                    "57014" when pg.MessageText.Contains("statement timeout", StringComparison.Ordinal) =>
                        $"{where}: {action}{subject} ran longer than statement_timeout ({Options.StatementTimeout}) and was cancelled",
                    _ => $"{where}: {action}{subject} failed: {pg.MessageText} (SQLSTATE {pg.SqlState})" +
                         (pg.Where is { Length: > 0 } w ? $"; at {w}" : ""),
                };
                return new ConnectorException(message, pg)
                {
                    Connection = Name,
                    Stream = stream,
                    IsTransient = pg.IsTransient,
                    Hint = pg.Hint,
                };
            case NpgsqlException npgsql:
                var cause = npgsql.InnerException is { } inner and not NpgsqlException ? inner.Message : npgsql.Message;
                var transient = npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException;
                return new ConnectorException($"{where}: {action}{subject} failed: cannot reach the server ({cause})", npgsql)
                {
                    Connection = Name,
                    Stream = stream,
                    IsTransient = transient,
                    Hint = transient ? "Check that the server is running and reachable from this machine (host, port, firewall)." : null,
                };
            case TimeoutException timeout:
                return new ConnectorException($"{where}: {action}{subject} timed out ({timeout.Message})", timeout)
                {
                    Connection = Name,
                    Stream = stream,
                    IsTransient = true,
                };
            default:
                return new ConnectorException($"{where}: {action}{subject} failed: {error.Message}", error)
                {
                    Connection = Name,
                    Stream = stream,
                };
        }
    }

    private static string BuildConnectionString(PostgresConnectorOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = options.Host,
            Port = options.Port,
            Database = options.Database,
            Username = options.User,
            Password = options.Password,
            SslMode = ParseSslMode(options.SslMode),
            ApplicationName = options.ApplicationName,
            Timeout = options.ConnectTimeoutSeconds,
            // The server's statement_timeout bounds statements; a client-side timeout would also cut long COPYs.
            CommandTimeout = 0,
            MaxPoolSize = options.MaxConcurrency + 1,
            ReadBufferSize = 64 * 1024,
            WriteBufferSize = 64 * 1024,
            Options = "-c statement_timeout=" + ((long)options.StatementTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        };
        if (!options.Schemas.IsDefaultOrEmpty)
        {
            builder.SearchPath = string.Join(",", options.Schemas.Select(PostgresDialect.Quote));
        }

        return builder.ConnectionString;
    }

    private static SslMode ParseSslMode(string text) => text.ToLowerInvariant() switch
    {
        "disable" => SslMode.Disable,
        "allow" => SslMode.Allow,
        "prefer" or "" => SslMode.Prefer,
        "require" => SslMode.Require,
        "verify-ca" => SslMode.VerifyCA,
        "verify-full" => SslMode.VerifyFull,
        _ => throw new ArgumentException($"sslmode '{text}' is not one of disable, allow, prefer, require, verify-ca, verify-full."),
    };
}
