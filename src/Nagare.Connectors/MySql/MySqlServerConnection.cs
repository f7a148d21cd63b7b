using System.Collections.Concurrent;
using System.Globalization;
using MySqlConnector;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.MySql;

/// <summary>
/// A MySQL or MariaDB database as a source (batched catalog discovery, streamed reads, integer key ranges, consistent
/// snapshots) and as a destination (staging table and atomic rename, upsert with <c>INSERT … ON DUPLICATE KEY UPDATE</c>,
/// state in the same InnoDB transaction as appended and merged rows).
/// </summary>
/// <remarks>
/// Every session runs in UTC with a strict SQL mode of its own, so TIMESTAMP values arrive unconverted and a value the
/// target cannot hold fails instead of being clipped. Sessions come from one pool, at most
/// <see cref="MySqlConnectorOptions.MaxConcurrency"/> in use at once (plus one per live snapshot).
/// </remarks>
public sealed partial class MySqlServerConnection : ISource, IKeyRangeSource, ISnapshotSource, IStreamStateStore, ISqlStatements
{
    /// <summary>The session settings of every session: UTC, strict, backslash escapes on, long enough network waits for a slow consumer.</summary>
    internal const string SessionSetup =
        "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO', " +
        "net_write_timeout = 3600, net_read_timeout = 3600";

    private static readonly ConnectorCapabilities SharedCapabilities = new(
        "mysql",
        IsSource: true,
        IsDestination: true,
        WriteModes: new HashSet<WriteMode> { WriteMode.FullRefresh, WriteMode.Append, WriteMode.Incremental, WriteMode.Merge },
        SupportsFilterPushdown: true,
        SupportsKeyRangeChunks: true,
        SupportsSnapshots: true)
    {
        SupportsScopedWrites = true,
    };

    private readonly string _connectionString;
    private readonly SemaphoreSlim _sessions;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, MySqlSnapshot> _snapshots = new(StringComparer.Ordinal);
    private long _commands;

    /// <summary>Creates the connection; nothing is opened until it is used.</summary>
    /// <param name="name">The connection's name in the project.</param>
    /// <param name="options">Where and how to connect.</param>
    /// <param name="timeProvider">Clock for state timestamps; the system clock when null.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public MySqlServerConnection(string name, MySqlConnectorOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Host, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.Database, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.User, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxConcurrency, 1000, nameof(options));
        Name = name;
        Options = options;
        _time = timeProvider ?? TimeProvider.System;
        _sessions = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _connectionString = BuildConnectionString(options);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The options this connection was created with.</summary>
    public MySqlConnectorOptions Options { get; }

    /// <inheritdoc/>
    public ConnectorCapabilities Capabilities => SharedCapabilities;

    /// <inheritdoc/>
    public ISqlDialect Dialect => MySqlDialect.Instance;

    /// <summary>Statements this connection has sent (not counting the writer's), for tests that count round trips.</summary>
    internal long CommandCount => Interlocked.Read(ref _commands);

    /// <summary>The current time, for state rows.</summary>
    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <inheritdoc/>
    public async Task<ConnectionTestResult> TestAsync(CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync("the connection test", cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = Command("SELECT VERSION(), DATABASE(), CURRENT_USER(), @@global.time_zone, @@system_time_zone", session.Connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var version = reader.GetString(0);
            var details = new Dictionary<string, string>
            {
                ["host"] = Options.Host,
                ["port"] = Options.Port.ToString(CultureInfo.InvariantCulture),
                ["database"] = reader.IsDBNull(1) ? Options.Database : reader.GetString(1),
                ["user"] = reader.GetString(2),
                ["server time zone"] = reader.GetString(3) == "SYSTEM" ? reader.GetString(4) : reader.GetString(3),
            };
            if (Options.SourceTimeZone is { } zone)
            {
                details["source_timezone"] = zone.Id;
            }

            var product = version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? "MariaDB " : "MySQL ";
            return new ConnectionTestResult(product + version, details);
        }
        catch (MySqlException e)
        {
            throw Translate(e, "the connection test", null);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var snapshot in _snapshots.Values)
        {
            await snapshot.DisposeAsync().ConfigureAwait(false);
        }

        _sessions.Dispose();
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a pooled session with Nagare's session settings, waiting for a free slot under <see cref="MySqlConnectorOptions.MaxConcurrency"/>.
    /// With <paramref name="settingsSent"/> false the settings are left to the caller's first command (<see cref="SessionSetup"/>
    /// put before its SQL), which saves a round trip per session.
    /// </summary>
    internal async Task<MySqlSession> OpenSessionAsync(string purpose, CancellationToken cancellationToken, bool limited = true, bool settingsSent = true)
    {
        if (limited)
        {
            await _sessions.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new MySqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (settingsSent)
            {
                await using var setup = Command(SessionSetup, connection);
                await setup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new MySqlSession(connection, limited ? _sessions : null);
        }
        catch (Exception e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (limited)
            {
                _sessions.Release();
            }

            if (e is MySqlException or TimeoutException or InvalidOperationException)
            {
                throw Translate(e, purpose, null);
            }

            throw;
        }
    }

    /// <summary>A command on <paramref name="connection"/>, counted in <see cref="CommandCount"/>.</summary>
    internal MySqlCommand Command(string? sql, MySqlConnection connection, MySqlTransaction? transaction = null)
    {
        Interlocked.Increment(ref _commands);
        return new MySqlCommand(sql, connection, transaction);
    }

    /// <summary>
    /// Turns a driver error into a <see cref="ConnectorException"/> that says where (host, port, database, connection,
    /// stream) and what failed, never the password; network errors, deadlocks and lock waits are transient.
    /// </summary>
    internal ConnectorException Translate(Exception error, string action, string? stream)
    {
        var where = $"MySQL at {Options.Host}:{Options.Port}, database '{Options.Database}' (connection {Name})";
        var subject = stream is null || action.Contains(stream, StringComparison.Ordinal) ? "" : $" for {stream}";
        if (error is MySqlException mysql)
        {
            var (message, hint) = mysql.ErrorCode switch
            {
                MySqlErrorCode.AccessDenied => ($"{where}: access denied for user '{Options.User}' (wrong password, or the account may not log in from this host)", "Check the user and password (use ${secret:…} or ${ENV} for the password) and the account's allowed hosts."),
                MySqlErrorCode.UnknownDatabase => ($"{where}: the database does not exist ({mysql.Message})", null),
                MySqlErrorCode.UnableToConnectToHost => ($"{where}: {action}{subject} failed: cannot reach the server ({mysql.InnerException?.Message ?? mysql.Message})", "Check that the server is running and reachable from this machine (host, port, firewall)."),
                _ => ($"{where}: {action}{subject} failed: {mysql.Message} (error {mysql.Number})", null),
            };
            return new ConnectorException(message, mysql)
            {
                Connection = Name,
                Stream = stream,
                IsTransient = mysql.IsTransient || mysql.ErrorCode is MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout,
                Hint = hint,
            };
        }

        return new ConnectorException($"{where}: {action}{subject} failed: {error.Message}", error)
        {
            Connection = Name,
            Stream = stream,
            IsTransient = error is TimeoutException or IOException,
        };
    }

    /// <inheritdoc/>
    public async Task<long> ExecuteSqlAsync(string sql, CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync("running SQL", cancellationToken).ConfigureAwait(false);
        return await Common.SqlStatements.ExecuteAsync(session.Connection, sql, Name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> QueryColumnAsync(string sql, int limit, CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync("running a query", cancellationToken).ConfigureAwait(false);
        return await Common.SqlStatements.QueryColumnAsync(session.Connection, sql, limit, Name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<T> ReadQueryAsync<T>(string sql, Func<System.Data.Common.DbDataReader, CancellationToken, Task<T>> consume, CancellationToken cancellationToken)
    {
        await using var session = await OpenSessionAsync("running a query", cancellationToken).ConfigureAwait(false);
        return await Common.SqlStatements.ReadQueryAsync(session.Connection, sql, consume, Name, cancellationToken).ConfigureAwait(false);
    }

    private static string BuildConnectionString(MySqlConnectorOptions options)
    {
        var builder = new MySqlConnectionStringBuilder
        {
            Server = options.Host,
            Port = checked((uint)options.Port),
            Database = options.Database,
            UserID = options.User,
            Password = options.Password ?? string.Empty,
            SslMode = ParseSslMode(options.SslMode),
            ConnectionTimeout = checked((uint)Math.Max(1, options.ConnectTimeoutSeconds)),
            // Reads stream for as long as the table takes; the server's own limits bound statements.
            DefaultCommandTimeout = 0,
            Pooling = true,
            MaximumPoolSize = checked((uint)options.MaxConcurrency + 2),
            ApplicationName = "nagare",
            // Dates are read as MySqlDateTime, so zero dates are seen (and handled by zero_dates) instead of failing in the driver.
            AllowZeroDateTime = true,
            ConvertZeroDateTime = false,
            // Values are read by the discovered type, not by the driver's guesses: CHAR(36) stays text, TINYINT(1) an integer.
            GuidFormat = MySqlGuidFormat.None,
            TreatTinyAsBoolean = false,
            AllowUserVariables = true,
            UseAffectedRows = false,
        };
        return builder.ConnectionString;
    }

    private static MySqlSslMode ParseSslMode(string text) => text.ToLowerInvariant().Replace('-', '_') switch
    {
        "none" or "disabled" or "disable" => MySqlSslMode.None,
        "preferred" or "prefer" or "" => MySqlSslMode.Preferred,
        "required" or "require" => MySqlSslMode.Required,
        "verify_ca" => MySqlSslMode.VerifyCA,
        "verify_full" or "verify_identity" => MySqlSslMode.VerifyFull,
        _ => throw new ArgumentException($"ssl_mode '{text}' is not one of none, preferred, required, verify_ca, verify_full."),
    };
}
