using System.Collections.Immutable;
using Nagare.Connectors.MySql;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Connections;

/// <summary><c>type: mysql</c> (or <c>type: mariadb</c>, the same connector): a MySQL or MariaDB database.</summary>
public static class MySqlConnectorType
{
    private static readonly ImmutableArray<ConnectorOption> Keys =
    [
        new("host", ConnectorOptionKind.String, "Server host name or address.", Default: "localhost"),
        new("port", ConnectorOptionKind.Integer, "TCP port.", Default: "3306"),
        new("database", ConnectorOptionKind.String, "The database read and written (a MySQL database is a schema); sync state is kept in it.", Required: true),
        new("user", ConnectorOptionKind.String, "Account to log in as.", Required: true),
        new("password", ConnectorOptionKind.String, "Password. Never logged, never part of an error message.", Secret: true),
        new("databases", ConnectorOptionKind.List, "Databases discovered when a sync names none (none given: database alone)."),
        new("source_timezone", ConnectorOptionKind.String, "IANA zone the application wrote DATETIME values in (e.g. Asia/Tokyo): they are then read as instants (timestamptz). Without it DATETIME is read as timestamp without a zone. TIMESTAMP columns are always read as instants."),
        new("zero_dates", ConnectorOptionKind.Choice, "What a read does with dates such as 0000-00-00 or 2024-00-10: null reads them as NULL, error stops the read naming table, column and key.", Default: "null", Choices: ["null", "error"]),
        new("ssl_mode", ConnectorOptionKind.Choice, "TLS mode.", Default: "preferred", Choices: ["none", "preferred", "required", "verify_ca", "verify_full"]),
        new("connect_timeout", ConnectorOptionKind.Integer, "Seconds to wait for the TCP connection and login.", Default: "15"),
    ];

    /// <summary>The type's keys and factory.</summary>
    public static ConnectorType Type { get; } = new("mysql", "MySQL or MariaDB", Keys, Create);

    /// <summary><c>type: mariadb</c>, another name for <see cref="Type"/>.</summary>
    public static ConnectorType MariaDbType { get; } = new("mariadb", "MariaDB (the mysql connector)", Keys, Create);

    private static MySqlServerConnection Create(ConnectionConfig config, ConnectorContext context)
    {
        var defaults = new MySqlConnectorOptions();
        var options = new MySqlConnectorOptions
        {
            Host = config.GetString("host") ?? defaults.Host,
            Port = config.GetInt("port") ?? defaults.Port,
            Database = config.GetString("database")!,
            User = config.GetString("user")!,
            Password = config.GetSecret("password")?.Reveal(),
            Databases = config.GetList("databases"),
            SourceTimeZone = config.GetString("source_timezone") is { } zone ? FindZone(config, zone) : null,
            ZeroDates = config.GetString("zero_dates") switch
            {
                null or "null" => MySqlZeroDates.Null,
                "error" => MySqlZeroDates.Error,
                var other => throw new ConfigException(config.LocationOf("zero_dates"), "zero_dates", $"expected null or error, found '{other}'"),
            },
            SslMode = config.GetString("ssl_mode") ?? defaults.SslMode,
            ConnectTimeoutSeconds = config.GetInt("connect_timeout") ?? defaults.ConnectTimeoutSeconds,
            MaxConcurrency = config.MaxConcurrency,
        };
        return new MySqlServerConnection(config.Name, options, context.Time);
    }

    private static TimeZoneInfo FindZone(ConnectionConfig config, string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ConfigException(config.LocationOf("source_timezone"), "source_timezone", $"'{id}' is not a time zone this machine knows; write an IANA name such as Asia/Tokyo or UTC");
        }
    }
}
