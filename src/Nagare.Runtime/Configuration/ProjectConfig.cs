using System.Collections.Immutable;

namespace Nagare.Runtime.Configuration;

/// <summary>A loaded project folder: <c>nagare.yml</c>, <c>connections/*.yml</c>, <c>syncs/*.yml</c>.</summary>
/// <param name="Name">Project name.</param>
/// <param name="Root">The project folder (absolute).</param>
/// <param name="WarehousePath">The embedded DuckDB warehouse file (absolute).</param>
/// <param name="Defaults">Project defaults.</param>
/// <param name="Connections">Connections by name, including the built-in <c>warehouse</c>.</param>
/// <param name="Syncs">Syncs by name.</param>
public sealed record ProjectConfig(
    string Name,
    string Root,
    string WarehousePath,
    ProjectDefaults Defaults,
    ImmutableSortedDictionary<string, ConnectionConfig> Connections,
    ImmutableSortedDictionary<string, SyncConfig> Syncs)
{
    /// <summary>The project file's name.</summary>
    public const string FileName = "nagare.yml";

    /// <summary>The built-in connection to the embedded warehouse.</summary>
    public const string WarehouseConnection = "warehouse";

    /// <summary>The default warehouse file, relative to the project folder.</summary>
    public const string DefaultWarehousePath = ".nagare/warehouse.duckdb";

    /// <summary>The connection named <paramref name="name"/>.</summary>
    /// <exception cref="ConfigException">No such connection; the message lists the known ones.</exception>
    public ConnectionConfig GetConnection(string name) =>
        Connections.TryGetValue(name, out var connection) ? connection
        : throw new ConfigException($"No connection '{name}' in {Root}. Known: {string.Join(", ", Connections.Keys)}.");

    /// <summary>The sync named <paramref name="name"/>.</summary>
    /// <exception cref="ConfigException">No such sync; the message lists the known ones.</exception>
    public SyncConfig GetSync(string name) =>
        Syncs.TryGetValue(name, out var sync) ? sync
        : throw new ConfigException($"No sync '{name}' in {Root}. Known: {(Syncs.IsEmpty ? "(none)" : string.Join(", ", Syncs.Keys))}.");
}
