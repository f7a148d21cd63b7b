using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Connections;

/// <summary>What the command line (<c>nagare connection test|discover</c>) and the server do with one connection: open it and test it, or list its streams.</summary>
public static class ConnectionProbe
{
    /// <summary>Opens connection <paramref name="name"/> of <paramref name="project"/> and tests it.</summary>
    /// <exception cref="ConfigException">No such connection, or its file has problems.</exception>
    /// <exception cref="NagareException">The connection cannot be reached or used.</exception>
    public static async Task<ConnectionTestReport> TestAsync(ConnectorRegistry registry, ProjectConfig project, string name, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(time);
        var connection = registry.Create(project, name, time);
        await using (connection.ConfigureAwait(false))
        {
            var started = time.GetTimestamp();
            var result = await connection.TestAsync(cancellationToken).ConfigureAwait(false);
            return new ConnectionTestReport(connection.Capabilities.Type, time.GetElapsedTime(started), result);
        }
    }

    /// <summary>The streams of connection <paramref name="name"/> whose <c>schema.table</c> matches <paramref name="glob"/> (all when null), sorted.</summary>
    /// <exception cref="ConfigException">No such connection, or its file has problems.</exception>
    /// <exception cref="NagareException">The connection cannot be read from, reached or used.</exception>
    public static async Task<IReadOnlyList<StreamSchema>> DiscoverAsync(ConnectorRegistry registry, ProjectConfig project, string name, string? glob, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var connection = registry.Create(project, name, time);
        await using (connection.ConfigureAwait(false))
        {
            var source = connection as ISource ?? throw new NagareException($"Connection '{name}' ({connection.Capabilities.Type}) cannot be read from, so it has no streams to discover.");
            var streams = new List<StreamSchema>();
            await foreach (var stream in source.DiscoverAsync(new DiscoverRequest(null, glob), cancellationToken).ConfigureAwait(false))
            {
                if (glob is null || GlobPattern.IsMatch(glob, stream.Id.ToString()))
                {
                    streams.Add(stream);
                }
            }

            streams.Sort((a, b) => a.Id.CompareTo(b.Id));
            return streams;
        }
    }
}
