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

    /// <summary>Discovers the source once and plans the sync for <paramref name="destination"/>, checking it can write every table's mode.</summary>
    /// <exception cref="NagareException">A selection cannot be planned, or the destination cannot write a mode the plan needs.</exception>
    public static async Task<ReplicationPlan> PlanAsync(SyncConfig sync, ISource source, IDestination destination, PlanOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var plan = await PlanAsync(sync, source, destination.Dialect, options, cancellationToken).ConfigureAwait(false);
        var modes = destination.Capabilities.WriteModes;
        if (plan.Tables.FirstOrDefault(t => !modes.Contains(t.Mode)) is { } unwritable)
        {
            throw new NagareException(
                $"Sync '{sync.Name}': {unwritable.SourceLabel} would be written with mode {unwritable.Mode.Name()}, which destination '{sync.Destination}' ({destination.Capabilities.Type}) cannot write; it writes {string.Join(", ", modes.Select(WriteModeNames.Name).Order(StringComparer.Ordinal))}.")
            {
                Hint = "Choose one of those modes for the stream, or another destination.",
            };
        }

        return plan;
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
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(discovered);
        ArgumentNullException.ThrowIfNull(options);
        var renames = new List<NameChange>();
        var vars = sync.Vars.SetItems(options.Vars ?? ImmutableDictionary<string, string>.Empty);
        var sanitize = destinationDialect is null ? (Func<string, string>)(n => n) : destinationDialect.SanitizeIdentifier;
        var targetSchema = sync.TargetSchema is null ? null : sanitize(sync.TargetSchema);
        if (sync.TargetSchema is not null && targetSchema != sync.TargetSchema)
        {
            renames.Add(new NameChange("(target_schema)", null, sync.TargetSchema, targetSchema!));
        }

        // Each stream goes to the first selection that matches it; groups keyed by destination table.
        var groups = new Dictionary<string, (StreamId Target, StreamConfig Config, List<(StreamSchema Stream, MappedStream Mapped)> Members)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var stream in discovered.OrderBy(s => s.Id))
        {
            var id = stream.Id.ToString();
            var config = sync.Streams.FirstOrDefault(c => c.Select.Any(p => GlobPattern.IsMatch(p, id)) && !c.Exclude.Any(p => GlobPattern.IsMatch(p, id)));
            if (config is null)
            {
                continue;
            }

            var rawName = config.Into ?? RenderName(sync.Naming, stream.Id);
            var tableName = sanitize(rawName);
            if (tableName != rawName && config.Into is null)
            {
                renames.Add(new NameChange(id, null, rawName, tableName));
            }

            // --select names the source stream, or the destination table with or without its schema (as `nagare state` lists it).
            if (options.Select is { } only && !GlobPattern.IsMatch(only, id) && !GlobPattern.IsMatch(only, tableName) &&
                !GlobPattern.IsMatch(only, new StreamId(targetSchema, tableName).ToString()))
            {
                continue;
            }

            var mapped = MapColumns(sync, config, stream, sanitize, renames, castOnRead);
            var key = tableName;
            if (groups.TryGetValue(key, out var group))
            {
                if (config.Into is null || group.Config.Into is null)
                {
                    throw new NagareException($"Sync '{sync.Name}': streams {group.Members[0].Stream.Id} and {id} would both load into table '{tableName}'.")
                    {
                        Hint = "Use a naming template that keeps them apart, e.g. naming: \"{schema}_{table}\", or load them together with 'into:'.",
                    };
                }

                group.Members.Add((stream, mapped));
            }
            else
            {
                groups[key] = (new StreamId(targetSchema, tableName), config, [(stream, mapped)]);
                order.Add(key);
            }
        }

        // A selection naming one table exactly is a promise that the table exists: a typo must not pass silently.
        foreach (var pattern in sync.Streams.SelectMany(c => c.Select).Where(GlobPattern.IsLiteral).Distinct(StringComparer.Ordinal))
        {
            if (!discovered.Any(s => GlobPattern.IsMatch(pattern, s.Id.ToString())))
            {
                throw new NagareException($"Sync '{sync.Name}': stream selection '{pattern}' names no table of '{sync.Source}'{YamlSection.Suggest(pattern, discovered.Select(s => s.Id.ToString()))}.")
                {
                    Hint = $"List what is there with: nagare connection discover {sync.Source}",
                };
            }
        }

        var tables = ImmutableArray.CreateBuilder<TablePlan>(order.Count);
        foreach (var key in order)
        {
            var (target, config, members) = groups[key];
            var table = config.Into is null
                ? PlanSingle(sync, target, config, members[0].Stream, members[0].Mapped, vars, options)
                : PlanFanIn(sync, target, config, members, sanitize, vars, options);
            tables.Add(keyRanges ? table with { Chunking = ChunkingFor(table) } : table);
        }

        return new ReplicationPlan(sync, tables.MoveToImmutable(), [.. renames.Distinct()], discovered.Count);
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

    private static TablePlan PlanFanIn(SyncConfig sync, StreamId target, StreamConfig config, List<(StreamSchema Stream, MappedStream Mapped)> members, Func<string, string> sanitize, ImmutableDictionary<string, string> vars, PlanOptions options)
    {
        // Union of the members' columns in first-seen order, each widened to hold every member's values.
        var union = new List<ColumnSchema>();
        var firstSeen = new Dictionary<string, (int Index, StreamId From)>(StringComparer.Ordinal);
        foreach (var (stream, mapped) in members)
        {
            foreach (var column in mapped.Columns)
            {
                if (!firstSeen.TryGetValue(column.Target.Name, out var seen))
                {
                    firstSeen[column.Target.Name] = (union.Count, stream.Id);
                    union.Add(column.Target);
                    continue;
                }

                var existing = union[seen.Index];
                var widened = SchemaEvolution.Widen(existing.Type, column.Target.Type)
                    ?? throw new NagareException(
                        $"Sync '{sync.Name}': fan-in into '{target.Name}': column '{column.Target.Name}' is {existing.Type} in {seen.From} but {column.Target.Type} in {stream.Id}; the tables are not compatible.")
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

        foreach (var (_, mapped) in members)
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
        foreach (var (stream, mapped) in members)
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

    /// <summary>Applies the naming template; without a namespace, <c>{schema}</c> and the separator after it are dropped.</summary>
    public static string RenderName(string naming, StreamId stream)
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

        return template.Replace("{schema}", stream.Namespace ?? string.Empty, StringComparison.Ordinal).Replace("{table}", stream.Name, StringComparison.Ordinal);
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
}
