using System.Collections.Immutable;
using System.Text;

namespace Nagare.Connectors.MySql;

/// <summary>How to reach a MySQL or MariaDB database and how its values are read.</summary>
/// <remarks>
/// <see cref="Password"/> is a secret: it is never part of <see cref="ToString"/>, log lines or error messages.
/// </remarks>
public sealed record MySqlConnectorOptions
{
    /// <summary>Server host name or address (<c>host</c>). Default <c>localhost</c>.</summary>
    public string Host { get; init; } = "localhost";

    /// <summary>TCP port (<c>port</c>). Default 3306.</summary>
    public int Port { get; init; } = 3306;

    /// <summary>The database (schema) discovered and written by default (<c>database</c>). Required.</summary>
    public string Database { get; init; } = "";

    /// <summary>Account to log in as (<c>user</c>). Required.</summary>
    public string User { get; init; } = "";

    /// <summary>Password (<c>password</c>); null for none. Never logged.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// Databases discovered when a request names none (<c>databases</c>); empty (the default) means <see cref="Database"/> alone.
    /// </summary>
    public ImmutableArray<string> Databases { get; init; } = [];

    /// <summary>
    /// The IANA time zone <c>DATETIME</c> values were written in (<c>source_timezone</c>), e.g. <c>Asia/Tokyo</c>. When set,
    /// <c>DATETIME</c> columns are read as instants (<c>timestamptz</c>) converted from that zone; when null (the default)
    /// they are read as <c>timestamp</c> without a zone, as written. <c>TIMESTAMP</c> columns are always instants: the
    /// session runs in UTC so the server converts nothing.
    /// </summary>
    public TimeZoneInfo? SourceTimeZone { get; init; }

    /// <summary>What a read does with a zero or partial date such as <c>0000-00-00</c> or <c>2024-00-10</c> (<c>zero_dates</c>).</summary>
    public MySqlZeroDates ZeroDates { get; init; } = MySqlZeroDates.Null;

    /// <summary>TLS mode (<c>ssl_mode</c>): <c>none</c>, <c>preferred</c> (default), <c>required</c>, <c>verify_ca</c> or <c>verify_full</c>.</summary>
    public string SslMode { get; init; } = "preferred";

    /// <summary>Most sessions Nagare opens at once (<c>max_concurrency</c>, 1..1000, default 4); a live snapshot holds one more.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Seconds to wait for a TCP connection and login (<c>connect_timeout</c>). Default 15.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 15;

    /// <summary><c>host:port/database</c>, for messages.</summary>
    public string Endpoint => $"{Host}:{Port}/{Database}";

    /// <summary>Everything except the password.</summary>
    public override string ToString() => $"mysql://{User}@{Endpoint} (ssl_mode {SslMode}, max_concurrency {MaxConcurrency})";

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(ToString());
        return true;
    }
}
