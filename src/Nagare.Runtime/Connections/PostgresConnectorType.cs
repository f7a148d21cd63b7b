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
        ["host", "port", "database", "user", "password", "sslmode", "statement_timeout", "connect_timeout", "application_name", "schemas", "unconstrained_numeric"],
        ["database", "user"],
        ["password"],
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
