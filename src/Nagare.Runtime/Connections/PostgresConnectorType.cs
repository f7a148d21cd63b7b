using System.Globalization;
using Nagare.Connectors.Postgres;
using Nagare.Core.Types;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Connections;

/// <summary><c>type: postgres</c>: a PostgreSQL database.</summary>
public static class PostgresConnectorType
{
    /// <summary>The type's keys and factory.</summary>
    public static ConnectorType Type { get; } = new(
        "postgres",
        "PostgreSQL",
        [
            new("host", ConnectorOptionKind.String, "Server host name or address.", Default: "localhost"),
            new("port", ConnectorOptionKind.Integer, "TCP port.", Default: "5432"),
            new("database", ConnectorOptionKind.String, "Database name.", Required: true),
            new("user", ConnectorOptionKind.String, "Role to log in as.", Required: true),
            new("password", ConnectorOptionKind.String, "Password; leave it out for trust, peer or certificate authentication. Never logged, never part of an error message.", Secret: true),
            new("sslmode", ConnectorOptionKind.Choice, "TLS mode, with libpq's meanings.", Default: "prefer", Choices: ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]),
            new("statement_timeout", ConnectorOptionKind.String, "The server's statement_timeout for every reading session: 30s, 5min, 1h; 0 disables it. Loads into the destination run without it.", Default: "30min"),
            new("connect_timeout", ConnectorOptionKind.Integer, "Seconds to wait for the TCP connection and login.", Default: "15"),
            new("application_name", ConnectorOptionKind.String, "Shown in pg_stat_activity, so DBAs can see who is reading.", Default: "nagare"),
            new("schemas", ConnectorOptionKind.List, "Schemas discovered when a sync names none (none given: every non-system schema); also the search_path for custom SQL."),
            new("unconstrained_numeric", ConnectorOptionKind.String, "Canonical type of numeric columns declared without precision, e.g. string or float64 to keep values wider than 38 digits.", Default: "decimal(38,10)"),
        ],
        (config, context) =>
        {
            var defaults = new PostgresConnectorOptions();
            var options = new PostgresConnectorOptions
            {
                Host = config.GetString("host") ?? defaults.Host,
                Port = config.GetInt("port") ?? defaults.Port,
                Database = config.GetString("database")!,
                User = config.GetString("user")!,
                Password = config.GetSecret("password")?.Reveal(),
                SslMode = config.GetString("sslmode") ?? defaults.SslMode,
                StatementTimeout = config.GetString("statement_timeout") is { } timeout ? ParseDuration(config, "statement_timeout", timeout) : defaults.StatementTimeout,
                ConnectTimeoutSeconds = config.GetInt("connect_timeout") ?? defaults.ConnectTimeoutSeconds,
                ApplicationName = config.GetString("application_name") ?? defaults.ApplicationName,
                Schemas = config.GetList("schemas"),
                UnconstrainedNumeric = config.GetString("unconstrained_numeric") is { } numeric ? ParseType(config, numeric) : defaults.UnconstrainedNumeric,
                MaxConcurrency = config.MaxConcurrency,
            };
            return new PostgresConnection(config.Name, options, context.Time);
        });

    /// <summary>Seconds (<c>30</c>), or a number with <c>ms</c>, <c>s</c>, <c>min</c> or <c>h</c>; 0 disables.</summary>
    internal static TimeSpan ParseDuration(ConnectionConfig config, string key, string text)
    {
        var units = new (string Suffix, double Seconds)[] { ("ms", 0.001), ("min", 60), ("h", 3600), ("s", 1), (string.Empty, 1) };
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) &&
                double.TryParse(text.AsSpan(0, text.Length - suffix.Length).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return TimeSpan.FromSeconds(value * seconds);
            }
        }

        throw new ConfigException(config.LocationOf(key), key, $"expected a duration such as 30s, 5min or 1h, found '{text}'");
    }

    private static ColumnType ParseType(ConnectionConfig config, string text)
    {
        try
        {
            return ColumnType.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ConfigException(config.LocationOf("unconstrained_numeric"), "unconstrained_numeric", e.Message);
        }
    }
}
