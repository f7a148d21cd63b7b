using Nagare.Connectors.Sqlite;

namespace Nagare.Runtime.Connections;

/// <summary><c>type: sqlite</c>: a SQLite database file, read and written through Microsoft.Data.Sqlite.</summary>
public static class SqliteConnectorType
{
    /// <summary>The type's keys and factory.</summary>
    public static ConnectorType Type { get; } = new(
        "sqlite",
        "SQLite database file",
        [
            new("path", ConnectorOptionKind.Path, "Database file, relative to the project folder; created when written to and missing.", Required: true),
            new("read_only", ConnectorOptionKind.Boolean, "Open the file read-only, for a source that must not be changed (no state table is created).", Default: "false"),
        ],
        (config, context) =>
        {
            var path = context.ResolvePath(config.GetString("path")!);
            var readOnly = config.GetBool("read_only") ?? false;
            var directory = Path.GetDirectoryName(path);
            if (!readOnly && !path.StartsWith(':') && !string.IsNullOrEmpty(directory))
            {
                // The file is created on first write; its folder must exist for that.
                Directory.CreateDirectory(directory);
            }

            return new SqliteFileConnection(config.Name, new SqliteConnectorOptions(path, readOnly));
        });
}
