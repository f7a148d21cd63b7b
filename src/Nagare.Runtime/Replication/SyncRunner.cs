using System.Collections.Immutable;
using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
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
        var sharded = project.GetSync(syncName);
        if (sharded.IsSharded)
        {
            return await WithShardedPlanAsync(sharded, options, prepare: true, async (sources, destination, plan) =>
            {
                var executorOptions = new ExecutorOptions(
                    options.Threads ?? project.Defaults.Parallelism,
                    DestinationConcurrency: project.GetConnection(sharded.Destination).MaxConcurrency,
                    BatchSize: project.Defaults.BatchSize)
                {
                    Time = time,
                    Progress = options.Progress,
                    StreamFinished = options.StreamFinished,
                };
                var limits = sources.Select(s => (s.Connection, s.Source, project.GetConnection(s.Connection).MaxConcurrency)).ToList();
                return await new ReplicationExecutor(limits, destination, executorOptions).RunAsync(plan, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }

        return await WithPlanAsync(syncName, options, prepare: true, async (sync, source, destination, plan) =>
        {
            var executorOptions = new ExecutorOptions(
                options.Threads ?? project.Defaults.Parallelism,
                project.GetConnection(sync.Source).MaxConcurrency,
                project.GetConnection(sync.Destination).MaxConcurrency,
                sync.Source == sync.Destination,
                project.Defaults.BatchSize)
            {
                Time = time,
                Progress = options.Progress,
                StreamFinished = options.StreamFinished,
            };
            return await new ReplicationExecutor(source, destination, executorOptions).RunAsync(plan, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Plans sync <paramref name="syncName"/> as a run would and says what the run would do to each destination table,
    /// writing nothing: the source is discovered, the destination only described and its stored state read.
    /// </summary>
    /// <exception cref="NagareException">The sync cannot be planned (as <see cref="RunAsync"/>).</exception>
    public async Task<SyncPreview> PreviewAsync(string syncName, SyncRunOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        async Task<SyncPreview> Preview(SyncConfig sync, IDestination destination, ReplicationPlan plan)
        {
            var tables = ImmutableArray.CreateBuilder<TablePreview>(plan.Tables.Length);
            foreach (var table in plan.Tables)
            {
                tables.Add(await PreviewTableAsync(plan, table, destination, cancellationToken).ConfigureAwait(false));
            }

            return new SyncPreview(sync.Name, string.Join(", ", sync.Sources), sync.Destination, tables.MoveToImmutable(), plan.Renames)
            {
                FailedSources = plan.FailedSources,
            };
        }

        var sharded = project.GetSync(syncName);
        return sharded.IsSharded
            ? await WithShardedPlanAsync(sharded, options, prepare: false, (_, destination, plan) => Preview(sharded, destination, plan), cancellationToken).ConfigureAwait(false)
            : await WithPlanAsync(syncName, options, prepare: false, (sync, _, destination, plan) => Preview(sync, destination, plan), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stream states stored for sync <paramref name="syncName"/> in its destination (<c>nagare state list</c>).</summary>
    /// <exception cref="NagareException">Unknown sync, or a destination that keeps no listable state.</exception>
    public async Task<IReadOnlyList<StoredStreamState>> ListStatesAsync(string syncName, CancellationToken cancellationToken) =>
        await WithStateStoreAsync(syncName, store => store.ListStatesAsync(syncName, cancellationToken)).ConfigureAwait(false);

    /// <summary>
    /// Forgets the stored state of destination table <paramref name="stream"/> of sync <paramref name="syncName"/>: its next
    /// run reads it from the start. Returns false when nothing was stored.
    /// </summary>
    /// <exception cref="NagareException">Unknown sync, or a destination that keeps no listable state.</exception>
    public async Task<bool> ResetStateAsync(string syncName, string stream, CancellationToken cancellationToken) =>
        await WithStateStoreAsync(syncName, store => store.ResetStateAsync(syncName, stream, cancellationToken)).ConfigureAwait(false);

    /// <summary>The state of <paramref name="stream"/> among <paramref name="states"/> (as listed for sync <paramref name="syncName"/>).</summary>
    /// <exception cref="NagareException">No state of that stream; the message suggests the nearest one.</exception>
    public static StoredStreamState FindState(string syncName, IReadOnlyList<StoredStreamState> states, string stream)
    {
        ArgumentNullException.ThrowIfNull(states);
        return states.FirstOrDefault(s => s.Stream == stream)
            ?? throw new NagareException($"Sync '{syncName}' has no stored state for '{stream}'{YamlSection.Suggest(stream, states.Select(s => s.Stream))}.")
            {
                Hint = $"List them with: nagare state list {syncName}",
            };
    }

    private async Task<T> WithStateStoreAsync<T>(string syncName, Func<IStreamStateStore, Task<T>> work)
    {
        var sync = project.GetSync(syncName);
        var connection = registry.Create(project, sync.Destination, time);
        try
        {
            var store = connection as IStreamStateStore
                ?? throw new NagareException($"Sync '{sync.Name}': connection '{sync.Destination}' ({project.GetConnection(sync.Destination).Type}) keeps no sync state that can be listed or reset.");
            return await work(store).ConfigureAwait(false);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<TablePreview> PreviewTableAsync(ReplicationPlan plan, TablePlan table, IDestination destination, CancellationToken cancellationToken)
    {
        var existing = await destination.DescribeAsync(table.Target, cancellationToken).ConfigureAwait(false);
        var state = await destination.LoadStateAsync(plan.Sync.Name, table.StateKey, cancellationToken).ConfigureAwait(false);
        var estimate = table.Sources.All(s => s.Stream.EstimatedRows is not null) ? table.Sources.Sum(s => s.Stream.EstimatedRows!.Value) : (long?)null;
        string action;
        if (existing is null)
        {
            action = "create";
        }
        else if (table.Mode == WriteMode.FullRefresh)
        {
            action = "replace";
        }
        else
        {
            try
            {
                var changes = SchemaEvolution.Compare(table.Target, existing.Columns, table.Columns, plan.Sync.SchemaChanges);
                action = changes.IsEmpty
                    ? "load"
                    : "alter: " + string.Join(", ", changes.Added.Select(c => $"add {c.Name} {c.Type}").Concat(changes.Widened.Select(w => $"widen {w.Name} {w.From} → {w.To}")));
            }
            catch (SchemaChangeException e)
            {
                action = "fail: " + e.Message;
            }
        }

        var cursor = table.UsesCursor && state is not null && state.CursorColumn == table.Cursor ? state.Cursor : null;
        return new TablePreview(table.SourceLabel, table.Target.ToString(), table.Mode, table.PrimaryKey, table.Cursor, cursor, estimate, action)
        {
            ChunksStaged = state?.CompletedChunks.IsDefaultOrEmpty == false ? state.CompletedChunks.Length : 0,
            Chunking = table.Chunking,
        };
    }

    /// <summary>
    /// Opens the sync's connections, plans it with one discovery, runs <paramref name="work"/>, and closes them. With
    /// <paramref name="prepare"/> the destination gets ready for the run while the source is discovered.
    /// </summary>
    private async Task<T> WithPlanAsync<T>(string syncName, SyncRunOptions options, bool prepare, Func<SyncConfig, ISource, IDestination, ReplicationPlan, Task<T>> work, CancellationToken cancellationToken)
    {
        var sync = project.GetSync(syncName);
        var sourceConfig = project.GetConnection(sync.Source);
        var destinationConfig = project.GetConnection(sync.Destination);
        var same = sync.Source == sync.Destination;
        var sourceConnection = registry.Create(project, sync.Source, time, options.LockWait);
        var destinationConnection = same ? sourceConnection : null;
        var preparing = Task.CompletedTask;
        try
        {
            destinationConnection ??= registry.Create(project, sync.Destination, time, options.LockWait);
            var source = sourceConnection as ISource
                ?? throw new NagareException($"Sync '{sync.Name}': connection '{sync.Source}' ({sourceConfig.Type}) cannot be read from.");
            var destination = destinationConnection as IDestination
                ?? throw new NagareException($"Sync '{sync.Name}': connection '{sync.Destination}' ({destinationConfig.Type}) cannot be written to.");
            preparing = prepare ? Prepare(sync, destination, cancellationToken) : preparing;
            var plan = await ReplicationPlanner.PlanAsync(sync, source, destination, new PlanOptions(options.Select, options.FullRefresh, options.Vars), cancellationToken).ConfigureAwait(false);
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

            // The plan's errors come first; the destination's (a warehouse held by another process) after them.
            await preparing.ConfigureAwait(false);
            return await work(sync, source, destination, plan).ConfigureAwait(false);
        }
        finally
        {
            // Nothing is closed under a preparation still running; its error, if the plan failed first, is the plan's to report.
            await preparing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await sourceConnection.DisposeAsync().ConfigureAwait(false);
            if (!same && destinationConnection is not null)
            {
                await destinationConnection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Opens the connections of a sync over several sources, plans it with one discovery per source (a source that
    /// cannot be discovered is reported in the plan, not thrown), runs <paramref name="work"/>, and closes them.
    /// </summary>
    private async Task<T> WithShardedPlanAsync<T>(SyncConfig sync, SyncRunOptions options, bool prepare, Func<IReadOnlyList<(string Connection, ISource Source)>, IDestination, ReplicationPlan, Task<T>> work, CancellationToken cancellationToken)
    {
        if (sync.Sources.Contains(sync.Destination, StringComparer.Ordinal))
        {
            throw new NagareException($"Sync '{sync.Name}': destination '{sync.Destination}' is also one of its sources; a sync over several sources writes into another connection.");
        }

        var destinationConfig = project.GetConnection(sync.Destination);
        var opened = new List<IConnection>();
        var preparing = Task.CompletedTask;
        try
        {
            var destination = Track(registry.Create(project, sync.Destination, time, options.LockWait)) as IDestination
                ?? throw new NagareException($"Sync '{sync.Name}': connection '{sync.Destination}' ({destinationConfig.Type}) cannot be written to.");
            preparing = prepare ? Prepare(sync, destination, cancellationToken) : preparing;
            var sources = new List<(string, ISource)>(sync.Sources.Length);
            foreach (var name in sync.Sources)
            {
                var config = project.GetConnection(name);
                sources.Add((name, Track(registry.Create(project, name, time, options.LockWait)) as ISource
                    ?? throw new NagareException($"Sync '{sync.Name}': connection '{name}' ({config.Type}) cannot be read from.")));
            }

            var plan = await ReplicationPlanner.PlanAsync(sync, sources, destination, new PlanOptions(options.Select, options.FullRefresh, options.Vars), cancellationToken).ConfigureAwait(false);
            if (plan.Tables.IsEmpty && plan.FailedSources.IsEmpty)
            {
                throw NothingSelected(sync, plan, options);
            }

            // Each stream names its connection (a table replaced whole reads from several).
            var readers = sources.ToDictionary(s => s.Item1, s => s.Item2, StringComparer.Ordinal);
            if (plan.Tables.SelectMany(t => t.Sources).FirstOrDefault(s => s.Filter is not null && !readers[s.Connection!].Capabilities.SupportsFilterPushdown) is { } filtered)
            {
                throw new NagareException($"Sync '{sync.Name}': connection '{filtered.Connection}' ({project.GetConnection(filtered.Connection!).Type}) cannot filter rows where it reads them, so the filter of {filtered.SourceName} cannot be applied.")
                {
                    Hint = "Remove 'filter:' from the stream, or filter in a model after the sync.",
                };
            }

            await preparing.ConfigureAwait(false);
            return await work(sources, destination, plan).ConfigureAwait(false);
        }
        finally
        {
            await preparing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var connection in opened)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }

        IConnection Track(IConnection connection)
        {
            opened.Add(connection);
            return connection;
        }
    }

    /// <summary>Starts getting <paramref name="destination"/> ready for a run of <paramref name="sync"/> on another thread (see <see cref="IPreparedDestination"/>).</summary>
    private static Task Prepare(SyncConfig sync, IDestination destination, CancellationToken cancellationToken) =>
        destination is IPreparedDestination prepared
            ? Task.Run(() => prepared.PrepareAsync(sync.Name, cancellationToken), cancellationToken)
            : Task.CompletedTask;

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
