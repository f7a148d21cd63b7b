namespace Nagare.Connectors.Sqlite;

/// <summary>How to open a SQLite database (configuration of connection type <c>sqlite</c>).</summary>
/// <param name="Path">Database file; created when written to and missing.</param>
/// <param name="ReadOnly">Open read-only (for sources that must not be changed); default false.</param>
public sealed record SqliteConnectorOptions(string Path, bool ReadOnly = false);
