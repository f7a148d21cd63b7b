using System.Collections.Immutable;
using System.Text;
using Nagare.Core.Types;

namespace Nagare.Connectors.Postgres;

/// <summary>How to reach a PostgreSQL database and how hard Nagare may use it.</summary>
/// <remarks>
/// <see cref="Password"/> is a secret: it is never part of <see cref="ToString"/>, log lines or error messages.
/// </remarks>
public sealed record PostgresConnectorOptions
{
    /// <summary>Server host name or address (<c>host</c>). Default <c>localhost</c>.</summary>
    public string Host { get; init; } = "localhost";

    /// <summary>TCP port (<c>port</c>). Default 5432.</summary>
    public int Port { get; init; } = 5432;

    /// <summary>Database name (<c>database</c>). Required.</summary>
    public string Database { get; init; } = "";

    /// <summary>Role to log in as (<c>user</c>). Required.</summary>
    public string User { get; init; } = "";

    /// <summary>Password (<c>password</c>); null for trust, peer or certificate authentication. Never logged.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// TLS mode (<c>sslmode</c>): <c>disable</c>, <c>allow</c>, <c>prefer</c> (default), <c>require</c>,
    /// <c>verify-ca</c> or <c>verify-full</c>, as libpq spells them.
    /// </summary>
    public string SslMode { get; init; } = "prefer";

    /// <summary>
    /// Most sessions Nagare opens at once for reading and writing (<c>max_concurrency</c>, 1..1000, default 4).
    /// Further readers wait for a free session. A shared snapshot holds one more session while it lives.
    /// </summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>
    /// <c>statement_timeout</c> of every session (<c>statement_timeout</c>), so a runaway read cannot hold the
    /// source forever. Default 30 minutes; <see cref="TimeSpan.Zero"/> disables it. Writes run without it.
    /// </summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Seconds to wait for a TCP connection and login (<c>connect_timeout</c>). Default 15.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 15;

    /// <summary><c>application_name</c> shown in <c>pg_stat_activity</c>. Default <c>nagare</c>.</summary>
    public string ApplicationName { get; init; } = "nagare";

    /// <summary>
    /// Schemas to discover when a discovery request names none (<c>schemas</c>), in order; they also form the
    /// session's <c>search_path</c> for custom SQL. Empty (the default) means every non-system schema.
    /// </summary>
    public ImmutableArray<string> Schemas { get; init; } = [];

    /// <summary>
    /// Canonical type of <c>numeric</c> columns declared without precision (<c>unconstrained_numeric</c>).
    /// Default <c>decimal(38,10)</c>: a value with more digits fails the read with a message suggesting a
    /// per-column override to <c>string</c>.
    /// </summary>
    public ColumnType UnconstrainedNumeric { get; init; } = ColumnType.Decimal(38, 10);

    /// <summary><c>host:port/database</c>, for messages.</summary>
    public string Endpoint => $"{Host}:{Port}/{Database}";

    /// <summary>Everything except the password.</summary>
    public override string ToString() => $"postgres://{User}@{Endpoint} (sslmode {SslMode}, max_concurrency {MaxConcurrency})";

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(ToString());
        return true;
    }
}
