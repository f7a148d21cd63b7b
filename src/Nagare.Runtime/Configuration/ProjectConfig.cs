using System.Collections.Immutable;
using Nagare.Runtime.Activations;
using Nagare.Runtime.Pipelines;

namespace Nagare.Runtime.Configuration;

/// <summary>
/// The project: <c>nagare.yml</c>, <c>connections/*.yml</c>, <c>syncs/*.yml</c>, <c>notifications/*.yml</c> and
/// <c>pipelines/*.yml</c> and <c>activations/*.yml</c>, read once by
/// <see cref="ProjectLoader"/> and used by every command (syncs, connections, queries, models). A new kind of object
/// is a new section here and in the loader, never a second reader of the same files.
/// </summary>
/// <param name="Name">Project name.</param>
/// <param name="Root">The project folder (absolute).</param>
/// <param name="WarehousePath">The embedded DuckDB warehouse file (absolute).</param>
/// <param name="Defaults">Project defaults.</param>
/// <param name="Connections">Connections by name, including the built-in <c>warehouse</c>.</param>
/// <param name="Syncs">Syncs by name.</param>
/// <param name="Models">The model keys of nagare.yml.</param>
/// <param name="Broken">Connections, syncs, notification channels and pipelines left out because their files have problems, sorted by file.</param>
public sealed record ProjectConfig(
    string Name,
    string Root,
    string WarehousePath,
    ProjectDefaults Defaults,
    ImmutableSortedDictionary<string, ConnectionConfig> Connections,
    ImmutableSortedDictionary<string, SyncConfig> Syncs,
    ModelSettings Models,
    ImmutableArray<BrokenObject> Broken)
{
    /// <summary>The project file's name.</summary>
    public const string FileName = "nagare.yml";

    /// <summary>The built-in connection to the embedded warehouse.</summary>
    public const string WarehouseConnection = "warehouse";

    /// <summary>Pipelines by name (<c>pipelines/*.yml</c>).</summary>
    public ImmutableSortedDictionary<string, PipelineConfig> Pipelines { get; init; } = ImmutableSortedDictionary.Create<string, PipelineConfig>(StringComparer.Ordinal);

    /// <summary>Notification channels by name (<c>notifications/*.yml</c>).</summary>
    public ImmutableSortedDictionary<string, NotificationChannelConfig> Notifications { get; init; } = ImmutableSortedDictionary.Create<string, NotificationChannelConfig>(StringComparer.Ordinal);

    /// <summary>Concurrency pools (<c>pools:</c> in nagare.yml): name to the number of tasks that may hold a slot at once.</summary>
    public ImmutableSortedDictionary<string, int> Pools { get; init; } = ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal);

    /// <summary>Activations by name (<c>activations/*.yml</c>).</summary>
    public ImmutableSortedDictionary<string, ActivationConfig> Activations { get; init; } = ImmutableSortedDictionary.Create<string, ActivationConfig>(StringComparer.Ordinal);

    /// <summary>The activation named <paramref name="name"/>, whose destination connection is usable.</summary>
    /// <exception cref="ConfigException">No such activation, or its file or its destination connection's file has problems; the message says which.</exception>
    public ActivationConfig GetActivation(string name)
    {
        if (FindBroken("activation", name) is { } broken)
        {
            throw new ConfigException($"Activation '{name}' cannot run: {broken.Problem.Message}", broken.Problem);
        }

        if (!Activations.TryGetValue(name, out var activation))
        {
            throw new ConfigException($"No activation '{name}' in {Root}. Known: {(Activations.IsEmpty ? "(none)" : string.Join(", ", Activations.Keys))}.");
        }

        if (activation.Destination is DatabaseDestination { Connection: var connection } && FindBroken("connection", connection) is { } brokenConnection)
        {
            throw new ConfigException($"Activation '{name}' cannot run: its destination connection '{connection}' has problems: {brokenConnection.Problem.Message}", brokenConnection.Problem);
        }

        return activation;
    }

    /// <summary>The pipeline named <paramref name="name"/>.</summary>
    /// <exception cref="ConfigException">No such pipeline, or its file has problems; the message says which.</exception>
    public PipelineConfig GetPipeline(string name)
    {
        if (FindBroken("pipeline", name) is { } broken)
        {
            throw new ConfigException($"Pipeline '{name}' cannot run: {broken.Problem.Message}", broken.Problem);
        }

        return Pipelines.TryGetValue(name, out var pipeline) ? pipeline
            : AdHocPipelines.Resolve(this, name) is { } adHoc ? adHoc
            : throw new ConfigException($"No pipeline '{name}' in {Root}. Known: {(Pipelines.IsEmpty ? "(none)" : string.Join(", ", Pipelines.Keys))}.");
    }

    /// <summary>The connection named <paramref name="name"/>.</summary>
    /// <exception cref="ConfigException">No such connection, or its file has problems; the message says which.</exception>
    public ConnectionConfig GetConnection(string name)
    {
        if (FindBroken("connection", name) is { } broken)
        {
            throw new ConfigException($"Connection '{name}' cannot be used: {broken.Problem.Message}", broken.Problem);
        }

        return Connections.TryGetValue(name, out var connection) ? connection
            : throw new ConfigException($"No connection '{name}' in {Root}. Known: {string.Join(", ", Connections.Keys)}.");
    }

    /// <summary>The sync named <paramref name="name"/>, whose source and destination connections are usable.</summary>
    /// <exception cref="ConfigException">No such sync, or its file or one of its connections' files has problems; the message says which.</exception>
    public SyncConfig GetSync(string name)
    {
        if (FindBroken("sync", name) is { } broken)
        {
            throw new ConfigException($"Sync '{name}' cannot run: {broken.Problem.Message}", broken.Problem);
        }

        if (!Syncs.TryGetValue(name, out var sync))
        {
            throw new ConfigException($"No sync '{name}' in {Root}. Known: {(Syncs.IsEmpty ? "(none)" : string.Join(", ", Syncs.Keys))}.");
        }

        foreach (var (role, connection) in new[] { ("source", sync.Source), ("destination", sync.Destination) })
        {
            if (FindBroken("connection", connection) is { } brokenConnection)
            {
                throw new ConfigException($"Sync '{name}' cannot run: its {role} connection '{connection}' has problems: {brokenConnection.Problem.Message}", brokenConnection.Problem);
            }
        }

        return sync;
    }

    /// <summary>Fails with every problem of every file when any object (connection, sync, channel, pipeline) was left out.</summary>
    /// <exception cref="ConfigException">At least one object is broken; the message lists each problem with file:line:column.</exception>
    public void ThrowIfBroken()
    {
        if (!Broken.IsDefaultOrEmpty)
        {
            throw ConfigException.Combine(Broken.Select(b => b.Problem));
        }
    }

    private BrokenObject? FindBroken(string kind, string name) =>
        Broken.IsDefault ? null : Broken.FirstOrDefault(b => b.Kind == kind && string.Equals(b.Name, name, StringComparison.Ordinal));
}
