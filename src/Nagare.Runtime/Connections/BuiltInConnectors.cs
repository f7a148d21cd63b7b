using System.Collections.Immutable;

namespace Nagare.Runtime.Connections;

/// <summary>The connector types shipped with Nagare.</summary>
public static class BuiltInConnectors
{
    /// <summary>Every built-in type.</summary>
    public static ImmutableArray<ConnectorType> All { get; } = [PostgresConnectorType.Type, MySqlConnectorType.Type, MySqlConnectorType.MariaDbType, DuckDbConnectorType.Type, SqliteConnectorType.Type, FilesConnectorType.Type];
}
