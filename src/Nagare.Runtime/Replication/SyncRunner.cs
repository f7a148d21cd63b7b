using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;

namespace Nagare.Runtime.Replication;

/// <summary>Runs a sync of a loaded project: creates its connections, plans it with one discovery and executes the plan.</summary>
public sealed class SyncRunner
{
    private readonly ProjectConfig project;
    private readonly ConnectorRegistry registry;
    private readonly TimeProvider time;

    public SyncRunner(ProjectConfig project, ConnectorRegistry registry, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(time);
        this.project = project;
        this.registry = registry;
        this.time = time;
    }

    /// <summary>Runs sync <paramref name="syncName"/>; per-stream failures are in the summary, not thrown.</summary>
    /// <exception cref="NagareException">The sync cannot start: unknown names, unreachable source, nothing selected, a plan error.</exception>
    public async Task<SyncSummary> RunAsync(string syncName, SyncRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sync = project.GetSync(syncName);
        var sourceConfig = project.GetConnection(sync.Source);
        var destinationConfig = project.GetConnection(sync.Destination);
        var same = sync.Source == sync.Destination;
        var sourceConnection = registry.Create(project, sync.Source, time, options.LockWait);
        var destinationConnection = same ? sourceConnection : null;
        try
        {
            destinationConnection ??= registry.Create(project, sync.Destination, time, options.LockWait);
            var source = sourceConnection as ISource
                ?? throw new NagareException($"Sync '{sync.Name}': connection '{sync.Source}' ({sourceConfig.Type}) cannot be read from.");
            var destination = destinationConnection as IDestination
                ?? throw new NagareException($"Sync '{sync.Name}': connection '{sync.Destination}' ({destinationConfig.Type}) cannot be written to.");
            var plan = await ReplicationPlanner.PlanAsync(sync, source, destination.Dialect, new PlanOptions(options.Select, options.FullRefresh, options.Vars), cancellationToken).ConfigureAwait(false);
            if (plan.Tables.IsEmpty)
            {
                throw NothingSelected(sync, plan, options);
            }

            if (!source.Capabilities.SupportsFilterPushdown && plan.Tables.SelectMany(t => t.Sources).FirstOrDefault(s => s.Filter is not null) is { } filtered)
            {
                throw new NagareException($"Sync '{sync.Name}': connection '{sync.Source}' ({sourceConfig.Type}) cannot filter rows where it reads them, so the filter of {filtered.Stream.Id} cannot be applied.")
                {
                    Hint = "Remove 'filter:' from the stream, or filter in a model after the sync.",
                };
            }

            var executorOptions = new ExecutorOptions(
                options.Threads ?? project.Defaults.Parallelism,
                sourceConfig.MaxConcurrency,
                destinationConfig.MaxConcurrency,
                same,
                project.Defaults.BatchSize)
            {
                Time = time,
                Progress = options.Progress,
            };
            return await new ReplicationExecutor(source, destination, executorOptions).RunAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await sourceConnection.DisposeAsync().ConfigureAwait(false);
            if (!same && destinationConnection is not null)
            {
                await destinationConnection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Says what discovery searched (the schemas and pattern it was asked for) and what it found there.</summary>
    private static NagareException NothingSelected(SyncConfig sync, ReplicationPlan plan, SyncRunOptions options)
    {
        var request = ReplicationPlanner.DiscoverRequestFor(sync, new PlanOptions(options.Select, options.FullRefresh, options.Vars));
        var patterns = string.Join(", ", sync.Streams.SelectMany(s => s.Select).Distinct(StringComparer.Ordinal).Select(p => $"'{p}'"));
        var where = request.Namespaces is { Count: > 0 } schemas
            ? $"{(schemas.Count == 1 ? "schema" : "schemas")} {string.Join(", ", schemas.Select(n => $"'{n}'"))} of '{sync.Source}'"
            : $"'{sync.Source}'";
        var excluded = sync.Streams.Any(s => !s.Exclude.IsDefaultOrEmpty) ? " (after exclusions)" : string.Empty;
        var found = plan.DiscoveredStreams switch
        {
            0 when request.NamePattern is not null => $"no table or view in {where} matches {patterns}",
            0 => $"{where} holds no table or view the connection's user can read{(request.Namespaces is { Count: > 0 } ? " (does the schema exist?)" : string.Empty)}",
            1 => $"1 table was found in {where}, it does not match {patterns}{excluded}",
            var n => $"{n} tables were found in {where}, none matches {patterns}{excluded}",
        };
        return new NagareException($"Sync '{sync.Name}' selected no streams: {found}{(options.Select is null ? string.Empty : $" and --select {options.Select}")}.")
        {
            Hint = $"List what is there with: nagare connection discover {sync.Source}",
        };
    }
}
