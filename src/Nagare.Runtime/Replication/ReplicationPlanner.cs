using System.Collections.Immutable;
using Nagare.Core;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Replication;

/// <summary>
/// Turns a sync's configuration and one discovery of its source into a <see cref="ReplicationPlan"/>:
/// stream selection by globs, destination names (template and the destination's identifier rules),
/// column mapping, and fan-in groups with a union of their columns.
/// </summary>
public static class ReplicationPlanner
{
    /// <summary>Discovers the source once and plans the sync.</summary>
    public static async Task<ReplicationPlan> PlanAsync(SyncConfig sync, ISource source, ISqlDialect? destinationDialect, PlanOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        var streams = new List<StreamSchema>();
        await foreach (var stream in source.DiscoverAsync(DiscoverRequestFor(sync, options), cancellationToken).ConfigureAwait(false))
        {
            streams.Add(stream);
        }

        return Plan(sync, streams, destinationDialect, options, source.Capabilities.SupportsCastOnRead, source is IKeyRangeSource);
    }

    /// <summary>
    /// Discovers the source once and plans the sync for <paramref name="destination"/>, checking it can write every
    /// table's mode. Big tables are planned in chunks only into a destination that stages them
    /// (<see cref="IChunkedDestination"/>); into others a table is read with one statement, so at one moment.
    /// </summary>
    /// <exception cref="NagareException">A selection cannot be planned, or the destination cannot write a mode the plan needs.</exception>
    public static async Task<ReplicationPlan> PlanAsync(SyncConfig sync, ISource source, IDestination destination, PlanOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var plan = await PlanAsync(sync, source, destination.Dialect, options, cancellationToken).ConfigureAwait(false);
        if (destination is not IChunkedDestination && plan.Tables.Any(t => t.Chunking is not null))
        {
            plan = plan with { Tables = [.. plan.Tables.Select(t => t with { Chunking = null })] };
        }

        return CheckWritable(sync, destination, plan);
    }

    /// <summary>
    /// Discovers every source connection of a sync over several (at most <see cref="ParallelDiscoveries"/> at once)
    /// and plans it for <paramref name="destination"/>. A connection whose discovery fails is left out and listed in
    /// <see cref="ReplicationPlan.FailedSources"/>: its tables keep what they hold, the other connections go on.
    /// </summary>
    /// <exception cref="NagareException">No connection could be discovered, a selection cannot be planned, or the destination cannot write what the plan needs.</exception>
    public static async Task<ReplicationPlan> PlanAsync(SyncConfig sync, IReadOnlyList<(string Connection, ISource Source)> sources, IDestination destination, PlanOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        var request = DiscoverRequestFor(sync, options);
        var found = new List<DiscoveredStream>[sources.Count];
        var failures = new Exception?[sources.Count];
        using var gate = new SemaphoreSlim(ParallelDiscoveries);
        await Task.WhenAll(sources.Select(async (s, i) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var streams = new List<DiscoveredStream>();
                await foreach (var stream in s.Source.DiscoverAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    streams.Add(new DiscoveredStream(s.Connection, stream));
                }

                found[i] = streams;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures[i] = e;
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
        if (failures.All(f => f is not null))
        {
            if (failures.Length == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]!);
            }

            // Nothing to load: one error that names every connection and why, so none has to be found by trial.
            throw new NagareException(
                $"Sync '{sync.Name}': none of its {failures.Length} source connections could be discovered: " +
                string.Join("; ", sources.Select((s, i) => $"{s.Connection}: {failures[i]!.Message}")))
            {
                Hint = (failures[0] as NagareException)?.Hint,
            };
        }

        var all = found.Where(f => f is not null).SelectMany(f => f).ToList();
        var castOnRead = sources.All(s => s.Source.Capabilities.SupportsCastOnRead);
        // Every connection answered and none is left out: a shared table's full refresh may replace it whole.
        // Only a table of one connection alone may be chunked (below), and only into a destination that stages chunks.
        var keyRanges = destination is IChunkedDestination && sources.All(s => s.Source is IKeyRangeSource);
        var plan = Plan(sync, all, destination.Dialect, options, castOnRead, keyRanges, replaceWhole: failures.All(f => f is null) && options.Select is null);
        plan = plan with
        {
            FailedSources = [.. sources.Select((s, i) => (s.Connection, Failure: failures[i])).Where(f => f.Failure is not null).Select(f => new FailedSource(f.Connection, Describe(f.Failure!)))],
        };
        return CheckWritable(sync, destination, plan);
    }

    /// <summary>Source connections discovered at once by a sync over several.</summary>
    public const int ParallelDiscoveries = 8;

    private static string Describe(Exception e) => e is NagareException { Hint: { Length: > 0 } hint } ? $"{e.Message} Hint: {hint}" : e.Message;

    /// <summary>
    /// Refuses what the destination cannot write, and drops per-connection fallbacks a destination without scoped
    /// writes could not run (its shared tables are then replaced from every connection or not at all).
    /// </summary>
    private static ReplicationPlan CheckWritable(SyncConfig sync, IDestination destination, ReplicationPlan plan)
    {
        var modes = destination.Capabilities.WriteModes;
        if (plan.Tables.FirstOrDefault(t => !modes.Contains(t.Mode)) is { } unwritable)
        {
            throw new NagareException(
                $"Sync '{sync.Name}': {unwritable.SourceLabel} would be written with mode {unwritable.Mode.Name()}, which destination '{sync.Destination}' ({destination.Capabilities.Type}) cannot write; it writes {string.Join(", ", modes.Select(WriteModeNames.Name).Order(StringComparer.Ordinal))}.")
            {
                Hint = "Choose one of those modes for the stream, or another destination.",
            };
        }

        if (!destination.Capabilities.SupportsScopedWrites &&
            plan.Tables.FirstOrDefault(t => t.Scope is not null && (t.Mode == WriteMode.FullRefresh || t.Config.DeleteDetection != DeleteDetection.None)) is { } scoped)
        {
            throw new NagareException(
                $"Sync '{sync.Name}': {scoped.SourceLabel} would replace only the rows of '{scoped.Connection}' in {scoped.Target} (mode {scoped.Mode.Name()}{(scoped.Config.DeleteDetection == DeleteDetection.None ? string.Empty : $", delete_detection {scoped.Config.DeleteDetection.ToString().ToLowerInvariant()}")}), which destination '{sync.Destination}' ({destination.Capabilities.Type}) cannot do.")
            {
                Hint = "Load a sync over several sources into the warehouse, PostgreSQL, MySQL or SQLite, or use mode append, incremental or merge without delete detection.",
            };
        }

        return destination.Capabilities.SupportsScopedWrites || plan.Tables.All(t => t.Fallback.IsEmpty)
            ? plan
            : plan with { Tables = [.. plan.Tables.Select(t => t with { Fallback = [] })] };
    }

    /// <summary>What to ask discovery for: the schemas named literally by every selection, and the one glob when there is only one.</summary>
    public static DiscoverRequest DiscoverRequestFor(SyncConfig sync, PlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(options);
        var patterns = sync.Streams.SelectMany(s => s.Select).Distinct(StringComparer.Ordinal).ToList();
        var namespaces = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            var dot = pattern.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || !GlobPattern.IsLiteral(pattern[..dot]))
            {
                namespaces = null;
                break;
            }

            namespaces.Add(pattern[..dot]);
        }

        return new DiscoverRequest(namespaces?.ToImmutableArray(), patterns.Count == 1 ? patterns[0] : null);
    }

    /// <summary>Plans the sync over already discovered streams.</summary>
    /// <param name="sync">The sync.</param>
    /// <param name="discovered">The source's streams.</param>
    /// <param name="destinationDialect">The destination's identifier rules; null keeps names as they are.</param>
    /// <param name="options">Run-time choices.</param>
    /// <param name="castOnRead">
    /// The source converts columns to the types it is asked for where it reads them
    /// (<see cref="ConnectorCapabilities.SupportsCastOnRead"/>): a column rule's <c>cast:</c> then goes into the read
    /// instead of converting after it, so values the discovered type cannot hold still arrive.
    /// </param>
    /// <exception cref="NagareException">A selection cannot be planned (missing cursor or key, incompatible fan-in, name clash).</exception>
    /// <param name="keyRanges">The source can split a table into key ranges (<see cref="IKeyRangeSource"/>), so big tables are planned in chunks.</param>
    public static ReplicationPlan Plan(SyncConfig sync, IReadOnlyList<StreamSchema> discovered, ISqlDialect? destinationDialect, PlanOptions options, bool castOnRead = false, bool keyRanges = false)
    {
        ArgumentNullException.ThrowIfNull(discovered);
        return Plan(sync, [.. discovered.Select(s => new DiscoveredStream(null, s))], destinationDialect, options, castOnRead, keyRanges);
    }

    /// <summary>
    /// Plans a sync over the streams of one or several source connections. With several, tables of the same
    /// destination name from different connections load into one table (a fan-in with the source column holding
    /// <c>connection:schema.table</c>), planned once per connection so each loads, fails and keeps its state alone.
    /// </summary>
    /// <exception cref="NagareException">A selection cannot be planned (missing cursor or key, incompatible fan-in, name clash).</exception>
    /// <param name="sync">The sync.</param>
    /// <param name="discovered">The streams of every source connection.</param>
    /// <param name="destinationDialect">The destination's identifier rules; null keeps names as they are.</param>
    /// <param name="options">Run-time choices.</param>
    /// <param name="castOnRead">The sources convert columns to the types they are asked for where they read them.</param>
    /// <param name="keyRanges">
    /// The sources can split a table into key ranges: big tables are planned in chunks (in a sync over several sources,
    /// only a table that is one connection's alone).
    /// </param>
    /// <param name="replaceWhole">
    /// Every source connection of the sync is in <paramref name="discovered"/> (none failed or was left out): a full
    /// refresh (without delete detection) of a shared table then replaces it in one load from all of them, as a
    /// fan-in does, with the per-connection loads as its <see cref="TablePlan.Fallback"/> when that fails.
    /// </param>
    public static ReplicationPlan Plan(SyncConfig sync, IReadOnlyList<DiscoveredStream> discovered, ISqlDialect? destinationDialect, PlanOptions options, bool castOnRead, bool keyRanges, bool replaceWhole = false)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(discovered);
        ArgumentNullException.ThrowIfNull(options);
        var sharded = discovered.Any(d => d.Connection is not null);
        var renames = new List<NameChange>();
        var vars = sync.Vars.SetItems(options.Vars ?? ImmutableDictionary<string, string>.Empty);
        var sanitize = destinationDialect is null ? (Func<string, string>)(n => n) : destinationDialect.SanitizeIdentifier;
        var targetSchema = sync.TargetSchema is null ? null : sanitize(sync.TargetSchema);
        if (sync.TargetSchema is not null && targetSchema != sync.TargetSchema)
        {
            renames.Add(new NameChange("(target_schema)", null, sync.TargetSchema, targetSchema!));
        }

        // Each stream goes to the first selection that matches it; groups keyed by destination table.
        var groups = new Dictionary<string, (StreamId Target, StreamConfig Config, List<Member> Members)>(StringComparer.Ordinal);
        var order = new List<string>();
        var connections = sync.Sources;
        foreach (var (connection, stream) in discovered.OrderBy(s => s.Stream.Id).ThenBy(s => s.Connection is null ? 0 : connections.IndexOf(s.Connection)))
        {
            var id = stream.Id.ToString();
            var sourceName = connection is null ? null : $"{connection}:{id}";
            var config = sync.Streams.FirstOrDefault(c => c.Select.Any(p => GlobPattern.IsMatch(p, id)) && !c.Exclude.Any(p => GlobPattern.IsMatch(p, id)));
            if (config is null)
            {
                continue;
            }

            var rawName = config.Into ?? RenderName(sync.Naming, stream.Id, connection);
            var tableName = sanitize(rawName);
            if (tableName != rawName && config.Into is null)
            {
                renames.Add(new NameChange(id, null, rawName, tableName));
            }

            // --select names the source stream, or the destination table with or without its schema (as `nagare state` lists it).
            if (options.Select is { } only && !GlobPattern.IsMatch(only, id) && !GlobPattern.IsMatch(only, tableName) &&
                !GlobPattern.IsMatch(only, new StreamId(targetSchema, tableName).ToString()) && (sourceName is null || !GlobPattern.IsMatch(only, sourceName)))
            {
                continue;
            }

            var mapped = MapColumns(sync, config, stream, sanitize, renames, castOnRead);
            var key = tableName;
            if (groups.TryGetValue(key, out var group))
            {
                // Several connections fill one table with their tables of that name; within one connection two
                // tables meet only through 'into:'.
                if ((config.Into is null || group.Config.Into is null) && group.Members.FirstOrDefault(m => m.Connection == connection) is { } clash)
                {
                    var first = clash.SourceName ?? clash.Stream.Id.ToString();
                    throw new NagareException($"Sync '{sync.Name}': streams {first} and {sourceName ?? id} would both load into table '{tableName}'.")
                    {
                        Hint = "Use a naming template that keeps them apart, e.g. naming: \"{schema}_{table}\", or load them together with 'into:'.",
                    };
                }

                group.Members.Add(new Member(connection, sourceName, stream, mapped));
            }
            else
            {
                groups[key] = (new StreamId(targetSchema, tableName), config, [new Member(connection, sourceName, stream, mapped)]);
                order.Add(key);
            }
        }

        // A selection naming one table exactly is a promise that the table exists: a typo must not pass silently.
        foreach (var pattern in sync.Streams.SelectMany(c => c.Select).Where(GlobPattern.IsLiteral).Distinct(StringComparer.Ordinal))
        {
            if (!discovered.Any(s => GlobPattern.IsMatch(pattern, s.Stream.Id.ToString())))
            {
                var where = sharded ? $"any of {string.Join(", ", connections.Select(c => $"'{c}'"))}" : $"'{sync.Source}'";
                throw new NagareException($"Sync '{sync.Name}': stream selection '{pattern}' names no table of {where}{YamlSection.Suggest(pattern, discovered.Select(s => s.Stream.Id.ToString()))}.")
                {
                    Hint = $"List what is there with: nagare connection discover {sync.Source}",
                };
            }
        }

        var tables = ImmutableArray.CreateBuilder<TablePlan>(order.Count);
        foreach (var key in order)
        {
            var (target, config, members) = groups[key];
            if (sharded)
            {
                // Columns are the union over every connection's tables, so each connection's load writes the same
                // columns; each connection then loads its own rows. A shared table is not copied in key-range chunks
                // (a chunked load publishes the whole table); a table that is one connection's alone may be.
                var table = PlanFanIn(sync, target, config, members, sanitize, vars, options);
                // A table named after its connection ({source}) is that connection's alone.
                var shared = config.Into is not null || !sync.Naming.Contains("{source}", StringComparison.Ordinal);
                var units = connections
                    .Select(c => table with { Sources = [.. table.Sources.Where(s => s.Connection == c)], Connection = c, IsShared = shared })
                    .Where(u => !u.Sources.IsEmpty)
                    .Select(u => keyRanges && !shared ? u with { Chunking = ChunkingFor(u) } : u)
                    .ToImmutableArray();
                if (shared && replaceWhole && units.Length > 1 && table.Mode == WriteMode.FullRefresh && config.DeleteDetection == DeleteDetection.None)
                {
                    // Loads of one table by each connection in turn cost a transaction, a delete and new storage
                    // segments each: replacing it once from all of them is what a nightly full refresh needs.
                    tables.Add(table with { Fallback = units });
                }
                else
                {
                    tables.AddRange(units);
                }

                continue;
            }

            var plan = config.Into is null
                ? PlanSingle(sync, target, config, members[0].Stream, members[0].Mapped, vars, options)
                : PlanFanIn(sync, target, config, members, sanitize, vars, options);
            tables.Add(keyRanges ? plan with { Chunking = ChunkingFor(plan) } : plan);
        }

        return new ReplicationPlan(sync, tables.ToImmutable(), [.. renames.Distinct()], discovered.Count);
    }

    private static TablePlan PlanSingle(SyncConfig sync, StreamId target, StreamConfig config, StreamSchema stream, MappedStream mapped, ImmutableDictionary<string, string> vars, PlanOptions options)
    {
        var columns = mapped.Columns.Select(c => c.Target).ToImmutableArray();
        var plans = mapped.Columns.Select((c, i) => c.Plan(i)).ToImmutableArray();
        var identity = mapped.Columns.All(c => c.Mask is null && c.Target.Name == c.Source.Name && c.Target.Type.Equals(c.Source.Type));
        var source = new SourcePlan(stream, [.. mapped.Columns.Select(c => c.Source)], plans, RenderSql(sync, config, stream, vars), CursorIndex(sync, config, stream, mapped))
        {
            IsIdentity = identity,
            Filter = RenderFilter(sync, config, stream, vars),
        };
        var mode = options.FullRefresh ? WriteMode.FullRefresh : config.Mode;
        return new TablePlan(target, [source], columns, mode, config.Cursor, PrimaryKey(sync, config, stream, mapped, null), config, false);
    }

    private static TablePlan PlanFanIn(SyncConfig sync, StreamId target, StreamConfig config, List<Member> members, Func<string, string> sanitize, ImmutableDictionary<string, string> vars, PlanOptions options)
    {
        // Union of the members' columns in first-seen order, each widened to hold every member's values.
        var union = new List<ColumnSchema>();
        var firstSeen = new Dictionary<string, (int Index, string From)>(StringComparer.Ordinal);
        foreach (var (_, sourceName, stream, mapped) in members)
        {
            var from = sourceName ?? stream.Id.ToString();
            foreach (var column in mapped.Columns)
            {
                if (!firstSeen.TryGetValue(column.Target.Name, out var seen))
                {
                    firstSeen[column.Target.Name] = (union.Count, from);
                    union.Add(column.Target);
                    continue;
                }

                var existing = union[seen.Index];
                var widened = SchemaEvolution.Widen(existing.Type, column.Target.Type)
                    ?? throw new NagareException(
                        $"Sync '{sync.Name}': fan-in into '{target.Name}': column '{column.Target.Name}' is {existing.Type} in {seen.From} but {column.Target.Type} in {from}; the tables are not compatible.")
                    {
                        Hint = $"Exclude {stream.Id} from the selection, or cast the column to one type: columns: {{ {column.Target.Name}: {{ cast: string }} }}.",
                    };
                union[seen.Index] = existing with { Type = widened, Nullable = existing.Nullable || column.Target.Nullable };
            }
        }

        var sourceColumn = sanitize(config.SourceColumn);
        if (firstSeen.ContainsKey(sourceColumn))
        {
            throw new NagareException($"Sync '{sync.Name}': fan-in into '{target.Name}': the source tables already have a column '{sourceColumn}'.")
            {
                Hint = "Choose another name with source_column:.",
            };
        }

        foreach (var (_, _, _, mapped) in members)
        {
            for (var i = 0; i < union.Count; i++)
            {
                if (!mapped.Columns.Any(c => c.Target.Name == union[i].Name))
                {
                    union[i] = union[i] with { Nullable = true };
                }
            }
        }

        var columns = union.Append(new ColumnSchema(sourceColumn, ColumnType.String, false)).ToImmutableArray();
        var sources = ImmutableArray.CreateBuilder<SourcePlan>(members.Count);
        foreach (var (connection, sourceName, stream, mapped) in members)
        {
            var plans = ImmutableArray.CreateBuilder<TargetColumnPlan>(columns.Length);
            foreach (var column in union)
            {
                var index = mapped.Columns.FindIndex(c => c.Target.Name == column.Name);
                if (index < 0)
                {
                    plans.Add(new TargetColumnPlan(ColumnOperation.Null, -1));
                    continue;
                }

                var plan = mapped.Columns[index].Plan(index);
                plans.Add(plan.Operation != ColumnOperation.Mask && !mapped.Columns[index].Source.Type.Equals(column.Type)
                    ? new TargetColumnPlan(ColumnOperation.Cast, index)
                    : plan);
            }

            plans.Add(new TargetColumnPlan(ColumnOperation.SourceName, -1));
            sources.Add(new SourcePlan(stream, [.. mapped.Columns.Select(c => c.Source)], plans.MoveToImmutable(), RenderSql(sync, config, stream, vars), CursorIndex(sync, config, stream, mapped))
            {
                Filter = RenderFilter(sync, config, stream, vars),
                SourceName = sourceName,
                Connection = connection,
            });
        }

        var mode = options.FullRefresh ? WriteMode.FullRefresh : config.Mode;
        var first = members[0];
        return new TablePlan(target, sources.MoveToImmutable(), columns, mode, config.Cursor, PrimaryKey(sync, config, first.Stream, first.Mapped, sourceColumn), config, true);
    }

    /// <summary>Most chunks one table is split into.</summary>
    private const int MaxChunks = 10_000;

    /// <summary>
    /// Chunks for <paramref name="table"/> when it is copied in key ranges: one source stream read as a table (no custom
    /// SQL), a single key column, a mode whose rows do not depend on chunk order (full refresh or merge; a merge with a
    /// stored cursor reads only rows past it in every chunk), and a table estimated bigger than a chunk (or a
    /// configured chunk count).
    /// </summary>
    private static ChunkPlan? ChunkingFor(TablePlan table)
    {
        if (table.Sources.Length != 1 || table.Sources[0].CustomSql is not null || table.Mode is not (WriteMode.FullRefresh or WriteMode.Merge))
        {
            return null;
        }

        var stream = table.Sources[0].Stream;
        var key = table.Config.Chunking.Key ?? (stream.PrimaryKey.Length == 1 ? stream.PrimaryKey[0] : null);
        if (key is null || stream.Find(key) is null)
        {
            return null;
        }

        if (table.Config.Chunking.Chunks is { } chunks)
        {
            return chunks > 1 ? new ChunkPlan(key, Math.Min(chunks, MaxChunks)) : null;
        }

        var rows = stream.EstimatedRows ?? 0;
        var chunkRows = Math.Max(1, table.Config.Chunking.ChunkRows);
        return rows > chunkRows ? new ChunkPlan(key, (int)Math.Min(MaxChunks, (rows + chunkRows - 1) / chunkRows)) : null;
    }

    /// <summary>
    /// Applies the naming template; without a namespace, <c>{schema}</c> and the separator after it are dropped.
    /// <c>{source}</c> is the source connection (<paramref name="connection"/>, in a sync over several; else the
    /// empty text) with characters other than letters, digits, <c>_</c> and <c>-</c> as <c>_</c>.
    /// </summary>
    public static string RenderName(string naming, StreamId stream, string? connection = null)
    {
        ArgumentNullException.ThrowIfNull(naming);
        ArgumentNullException.ThrowIfNull(stream);
        var template = naming;
        if (stream.Namespace is null)
        {
            var at = template.IndexOf("{schema}", StringComparison.Ordinal);
            if (at >= 0)
            {
                var end = at + "{schema}".Length;
                if (end < template.Length && template[end] != '{')
                {
                    end++;
                }

                template = template.Remove(at, end - at);
            }
        }

        var source = connection is null ? string.Empty : ConnectionConfig.Slug(connection);
        return template.Replace("{schema}", stream.Namespace ?? string.Empty, StringComparison.Ordinal)
            .Replace("{source}", source, StringComparison.Ordinal)
            .Replace("{table}", stream.Name, StringComparison.Ordinal);
    }

    private static int CursorIndex(SyncConfig sync, StreamConfig config, StreamSchema stream, MappedStream mapped)
    {
        if (config.Cursor is null)
        {
            return -1;
        }

        var index = mapped.Columns.FindIndex(c => c.Source.Name == config.Cursor);
        if (index >= 0)
        {
            return index;
        }

        throw new NagareException(stream.Find(config.Cursor) is null
            ? $"Sync '{sync.Name}': cursor column '{config.Cursor}' does not exist in {stream.Id} (columns: {string.Join(", ", stream.Columns.Select(c => c.Name))})."
            : $"Sync '{sync.Name}': cursor column '{config.Cursor}' of {stream.Id} is excluded; the cursor must be copied.");
    }

    private static ImmutableArray<string> PrimaryKey(SyncConfig sync, StreamConfig config, StreamSchema stream, MappedStream mapped, string? sourceColumn)
    {
        var sourceKey = config.PrimaryKey.IsDefaultOrEmpty ? stream.PrimaryKey : config.PrimaryKey;
        var key = ImmutableArray.CreateBuilder<string>();
        foreach (var name in sourceKey)
        {
            var column = mapped.Columns.FirstOrDefault(c => c.Source.Name == name);
            if (column is null)
            {
                throw new NagareException(stream.Find(name) is null
                    ? $"Sync '{sync.Name}': primary key column '{name}' does not exist in {stream.Id}."
                    : $"Sync '{sync.Name}': primary key column '{name}' of {stream.Id} is excluded; key columns must be copied.");
            }

            key.Add(column.Target.Name);
        }

        if (key.Count > 0 && sourceColumn is not null)
        {
            key.Add(sourceColumn);
        }

        if (key.Count == 0 && (config.Mode == WriteMode.Merge || config.DeleteDetection != DeleteDetection.None))
        {
            throw new NagareException($"Sync '{sync.Name}': {stream.Id} has no primary key, which mode {config.Mode} with delete detection {config.DeleteDetection} needs.")
            {
                Hint = "Name the key columns with primary_key: [col, ...].",
            };
        }

        return key.ToImmutable();
    }

    private static string? RenderSql(SyncConfig sync, StreamConfig config, StreamSchema stream, ImmutableDictionary<string, string> vars) =>
        config.Sql is null ? null : RenderQueryText(sync, config, stream, vars, config.Sql);

    private static string? RenderFilter(SyncConfig sync, StreamConfig config, StreamSchema stream, ImmutableDictionary<string, string> vars) =>
        config.Filter is null ? null : RenderQueryText(sync, config, stream, vars, config.Filter);

    private static string RenderQueryText(SyncConfig sync, StreamConfig config, StreamSchema stream, ImmutableDictionary<string, string> vars, string text)
    {
        var scope = vars.SetItem("table", stream.Id.Name);
        if (!vars.ContainsKey("schema"))
        {
            scope = scope.SetItem("schema", stream.Id.Namespace ?? string.Empty);
        }

        if (vars.ContainsKey("table"))
        {
            scope = scope.SetItem("table", vars["table"]);
        }

        return QueryVariables.Render(text, scope, $"{config.Location}: sync '{sync.Name}', stream {stream.Id}");
    }

    private static MappedStream MapColumns(SyncConfig sync, StreamConfig config, StreamSchema stream, Func<string, string> sanitize, List<NameChange> renames, bool castOnRead)
    {
        var id = stream.Id.ToString();
        var result = new List<MappedColumn>(stream.Columns.Length);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in stream.Columns)
        {
            ColumnMapping? mapping = null;
            foreach (var rule in sync.Columns.Concat(config.Columns))
            {
                if (RuleMatches(rule.Pattern, stream.Id, column.Name))
                {
                    mapping = mapping is null ? rule.Mapping : mapping.Then(rule.Mapping);
                }
            }

            if (mapping is { Exclude: true })
            {
                continue;
            }

            var wanted = mapping?.Rename ?? column.Name;
            var name = sanitize(wanted);
            var unique = name;
            for (var n = 2; !used.Add(unique); n++)
            {
                unique = $"{name}_{n}";
            }

            if (unique != wanted)
            {
                renames.Add(new NameChange(id, column.Name, wanted, unique));
            }

            var type = mapping?.Mask is not null ? ColumnType.String : mapping?.Cast ?? column.Type;

            // A cast read as its type: the source converts the value itself, so one the discovered type cannot hold
            // (a numeric of 50 digits, NaN) is never decoded as that type first, and a files source reads a CSV
            // column as the cast type instead of guessing one. A masked column is read as it is: the mask works on
            // the source value.
            var read = castOnRead && mapping is { Mask: null, Cast: { } cast } ? column with { Type = cast } : column;
            result.Add(new MappedColumn(read, new ColumnSchema(unique, type, column.Nullable, column.NativeType), mapping?.Mask, mapping?.MaskSecret));
        }

        return new MappedStream(result);
    }

    private static bool RuleMatches(string pattern, StreamId stream, string column)
    {
        var dots = pattern.Count(c => c == '.');
        var text = dots switch
        {
            0 => column,
            1 => $"{stream.Name}.{column}",
            _ => $"{stream.Namespace}.{stream.Name}.{column}",
        };
        return GlobPattern.IsMatch(pattern, text);
    }

    private sealed record MappedColumn(ColumnSchema Source, ColumnSchema Target, MaskKind? Mask, Secret? MaskSecret)
    {
        public TargetColumnPlan Plan(int index) =>
            Mask is not null ? new TargetColumnPlan(ColumnOperation.Mask, index, Mask, MaskSecret)
            : Target.Type.Equals(Source.Type) ? new TargetColumnPlan(ColumnOperation.Copy, index)
            : new TargetColumnPlan(ColumnOperation.Cast, index);
    }

    private sealed record MappedStream(List<MappedColumn> Columns);

    private sealed record Member(string? Connection, string? SourceName, StreamSchema Stream, MappedStream Mapped);
}

/// <summary>A stream as discovered, and the source connection it came from in a sync over several (else null).</summary>
/// <param name="Connection">The source connection, or null in a sync over one.</param>
/// <param name="Stream">The stream.</param>
public sealed record DiscoveredStream(string? Connection, StreamSchema Stream);

/// <summary>A source connection of a sync over several that could not be discovered: its tables were not loaded.</summary>
/// <param name="Connection">The connection.</param>
/// <param name="Message">Why.</param>
public sealed record FailedSource(string Connection, string Message);
