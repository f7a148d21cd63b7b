using System.Collections.Immutable;
using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Connections;

/// <summary>
/// Connector types by name (<c>type:</c> in a connection file) and the factories that create them, plus the
/// built-in <c>warehouse</c> connection to the project's embedded DuckDB file.
/// </summary>
public sealed class ConnectorRegistry
{
    private readonly ImmutableSortedDictionary<string, ConnectorType> types;

    public ConnectorRegistry(IEnumerable<ConnectorType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        this.types = types.ToImmutableSortedDictionary(t => t.Name, t => t, StringComparer.Ordinal);
    }

    /// <summary>postgres, mysql (and its other name mariadb), sqlite, duckdb and files.</summary>
    public static ConnectorRegistry Default { get; } = new(BuiltInConnectors.All);

    /// <summary>Registered type names, sorted.</summary>
    public IEnumerable<string> TypeNames => types.Keys;

    /// <summary>The type named <paramref name="name"/>, or null.</summary>
    public ConnectorType? Find(string name) => types.GetValueOrDefault(name);

    /// <summary>Creates the connector for <paramref name="config"/>.</summary>
    /// <exception cref="ConfigException">Unknown type or invalid settings.</exception>
    public IConnection Create(ConnectionConfig config, ConnectorContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        var type = Find(config.Type) ?? throw new ConfigException(config.Location, "type", $"unknown connector type '{config.Type}'. Known: {string.Join(", ", TypeNames)}");
        if (!config.Shards.IsEmpty)
        {
            throw new NagareException($"Connection '{config.Name}' is a template of {config.Shards.Length} shards ({string.Join(", ", config.Shards)}): a sync with source '{config.Name}' reads them all; anything else names one shard.")
            {
                Hint = $"Use one of them, e.g. {config.Shards[0]}.",
            };
        }

        try
        {
            return type.Create(config, context);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(config.Location, config.Name, e.Message);
        }
    }

    /// <summary>Creates the connection <paramref name="name"/> of <paramref name="project"/>.</summary>
    /// <param name="project">The project.</param>
    /// <param name="name">The connection's name.</param>
    /// <param name="time">The clock.</param>
    /// <param name="lockWait">How long to wait while another process holds a file the connection opens (see <see cref="ConnectorContext.LockWait"/>).</param>
    public IConnection Create(ProjectConfig project, string name, TimeProvider time, TimeSpan lockWait = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        return Create(project.GetConnection(name), new ConnectorContext(project.Root, time) { LockWait = lockWait });
    }
}
