using System.Collections;
using System.Globalization;

namespace Nagare.Runtime.Models;

/// <summary>
/// dbt snapshots: a table keeping every version of the rows of a query, each with its validity
/// (<c>dbt_valid_from</c>, <c>dbt_valid_to</c>, null while current), <c>dbt_scd_id</c> and <c>dbt_updated_at</c>.
/// </summary>
internal sealed partial class Materializer
{
    /// <summary>The time of the run: validity bounds of the <c>check</c> strategy and of hard deletes.</summary>
    public DateTimeOffset SnapshotTime { get; init; }

    private long Snapshot(ModelNode node, string sql)
    {
        var plan = SnapshotPlan.From(node, SnapshotTime);
        var target = node.RelationName;
        var source = ProjectScanner.Quote(node.Identifier + "__nagare_snapshot_source");
        var exists = ExistingType(node) == "BASE TABLE";
        using var tx = _connection.BeginTransaction();
        _connection.ExecuteNonQuery($"create or replace temp table {source} as (\n{StripSemicolon(sql)}\n)");
        var sourceColumns = ColumnTypes(source);
        plan.Check(node, sourceColumns.Select(c => c.Name).ToList());
        long rows;
        if (!exists)
        {
            _connection.ExecuteNonQuery($"drop view if exists {target}");
            var deleted = plan.HardDeletes == "new_record" ? $",\n    'False' as {plan.IsDeleted}" : string.Empty;
            _connection.ExecuteNonQuery($"""
                create table {target} as
                select
                    src.*,
                    {plan.ScdId("src")} as {plan.ScdIdColumn},
                    {plan.UpdatedAt("src")} as {plan.UpdatedAtColumn},
                    {plan.UpdatedAt("src")} as {plan.ValidFrom},
                    {plan.OpenEnd(plan.UpdatedAt("src"))} as {plan.ValidTo}{deleted}
                from {source} as src
                """);
            rows = _connection.ExecuteScalar<long>($"select count(*) from {target}");
        }
        else
        {
            rows = MergeSnapshot(plan, target, source, sourceColumns);
        }

        _connection.ExecuteNonQuery($"drop table if exists {source}");
        tx.Commit();
        return rows;
    }

    /// <summary>Closes changed and (optionally) deleted rows and inserts their new versions; returns the rows written.</summary>
    private long MergeSnapshot(SnapshotPlan plan, string target, string source, List<(string Name, string Type)> sourceColumns)
    {
        // Columns the query gained since the last run are added, as dbt does; columns it lost stay (null from now on).
        var existing = ColumnTypes(target).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, type) in sourceColumns.Where(c => !existing.Contains(c.Name)))
        {
            _connection.ExecuteNonQuery($"alter table {target} add column {ProjectScanner.Quote(name)} {type}");
        }

        var changes = ProjectScanner.Quote("dbt_snapshot_changes");
        var deletes = ProjectScanner.Quote("dbt_snapshot_deletes");
        var current = $"(select * from {target} where {plan.IsCurrent(target)})";
        var match = string.Join(" and ", plan.Keys.Select(k => $"cur.{ProjectScanner.Quote(k)} = src.{ProjectScanner.Quote(k)}"));
        var revived = plan.HardDeletes == "new_record" ? $" or cur.{plan.IsDeleted} = 'True'" : string.Empty;
        _connection.ExecuteNonQuery($"""
            create or replace temp table {changes} as
            select src.*, cur.{plan.ScdIdColumn} as dbt_close_scd_id
            from {source} as src
            left join {current} as cur on {match}
            where cur.{plan.ScdIdColumn} is null or ({plan.Changed(sourceColumns.Select(c => c.Name))}){revived}
            """);
        var columns = string.Join(", ", sourceColumns.Select(c => ProjectScanner.Quote(c.Name)));
        var closed = _connection.ExecuteNonQuery($"""
            update {target} set {plan.ValidTo} = {plan.UpdatedAt("ch")}
            from {changes} as ch
            where {target}.{plan.ScdIdColumn} = ch.dbt_close_scd_id and {plan.IsCurrent(target)}
            """);
        var deletedFlag = plan.HardDeletes == "new_record" ? $", {plan.IsDeleted}" : string.Empty;
        var notDeleted = plan.HardDeletes == "new_record" ? ", 'False'" : string.Empty;
        var inserted = _connection.ExecuteNonQuery($"""
            insert into {target} ({columns}, {plan.ScdIdColumn}, {plan.UpdatedAtColumn}, {plan.ValidFrom}, {plan.ValidTo}{deletedFlag})
            select {columns}, {plan.ScdId("ch")}, {plan.UpdatedAt("ch")}, {plan.UpdatedAt("ch")}, {plan.OpenEnd(plan.UpdatedAt("ch"))}{notDeleted}
            from {changes} as ch
            """);
        _connection.ExecuteNonQuery($"drop table {changes}");
        if (plan.HardDeletes == "ignore")
        {
            return closed + inserted;
        }

        var alreadyDeleted = plan.HardDeletes == "new_record" ? $" and cur.{plan.IsDeleted} is distinct from 'True'" : string.Empty;
        _connection.ExecuteNonQuery($"""
            create or replace temp table {deletes} as
            select cur.* from {current} as cur
            where not exists (select 1 from {source} as src where {match}){alreadyDeleted}
            """);
        var now = plan.Now;
        closed += _connection.ExecuteNonQuery($"""
            update {target} set {plan.ValidTo} = {now}
            where {plan.ScdIdColumn} in (select {plan.ScdIdColumn} from {deletes}) and {plan.IsCurrent(target)}
            """);
        if (plan.HardDeletes == "new_record")
        {
            // The deletion itself becomes a version: the last values, flagged, valid from now on.
            var kept = string.Join(", ", ColumnTypes(target).Select(c => c.Name)
                .Where(c => !plan.MetaColumns.Contains(c, StringComparer.OrdinalIgnoreCase))
                .Select(ProjectScanner.Quote));
            inserted += _connection.ExecuteNonQuery($"""
                insert into {target} ({kept}, {plan.ScdIdColumn}, {plan.UpdatedAtColumn}, {plan.ValidFrom}, {plan.ValidTo}, {plan.IsDeleted})
                select {kept}, {plan.Hash(plan.Keys.Select(k => "del." + ProjectScanner.Quote(k)).Append(now))}, {now}, {now}, {plan.OpenEnd(now)}, 'True'
                from {deletes} as del
                """);
        }

        _connection.ExecuteNonQuery($"drop table {deletes}");
        return closed + inserted;
    }

    private List<(string Name, string Type)> ColumnTypes(string relation)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"select column_name, column_type from (describe select * from {relation})";
        using var reader = command.ExecuteReader();
        var columns = new List<(string, string)>();
        while (reader.Read())
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns;
    }

    /// <summary>What a snapshot's configuration asks for, checked before anything is written.</summary>
    private sealed class SnapshotPlan
    {
        public string Strategy { get; private init; } = string.Empty;

        public IReadOnlyList<string> Keys { get; private init; } = [];

        public string? UpdatedAtSource { get; private init; }

        /// <summary>Null for <c>all</c>.</summary>
        public IReadOnlyList<string>? CheckCols { get; private init; }

        public string HardDeletes { get; private init; } = "ignore";

        public string Now { get; private init; } = string.Empty;

        /// <summary>dbt 1.9's <c>dbt_valid_to_current</c>: the SQL value current versions carry instead of null.</summary>
        public string? CurrentTo { get; private init; }

        public string ScdIdColumn { get; private init; } = string.Empty;

        public string UpdatedAtColumn { get; private init; } = string.Empty;

        public string ValidFrom { get; private init; } = string.Empty;

        public string ValidTo { get; private init; } = string.Empty;

        public string IsDeleted { get; private init; } = string.Empty;

        /// <summary>The unquoted names of the columns the snapshot adds.</summary>
        public IReadOnlyList<string> MetaColumns { get; private init; } = [];

        public static SnapshotPlan From(ModelNode node, DateTimeOffset time)
        {
            var config = node.Config;
            string? Text(string key) => config.Values.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;
            var strategy = Text("strategy") ?? throw new ModelProjectException($"{node.Path}: snapshot {node.Name}: 'strategy' is missing; use timestamp (with updated_at) or check (with check_cols)");
            if (strategy is not ("timestamp" or "check"))
            {
                throw new ModelProjectException($"{node.Path}: snapshot {node.Name}: strategy '{strategy}' is not supported; use timestamp or check");
            }

            var keys = config.UniqueKey;
            if (keys.Count == 0)
            {
                throw new ModelProjectException($"{node.Path}: snapshot {node.Name}: 'unique_key' is missing (a column or a list of columns)");
            }

            var updatedAt = Text("updated_at");
            if (strategy == "timestamp" && updatedAt is null)
            {
                throw new ModelProjectException($"{node.Path}: snapshot {node.Name}: the timestamp strategy needs 'updated_at' (the column that changes with each row)");
            }

            IReadOnlyList<string>? checkCols = null;
            if (strategy == "check")
            {
                checkCols = config.Values.TryGetValue("check_cols", out var cc) ? cc switch
                {
                    "all" => null,
                    string one => [one],
                    IEnumerable list => [.. list.Cast<object?>().Select(x => Convert.ToString(x, CultureInfo.InvariantCulture)!)],
                    _ => throw new ModelProjectException($"{node.Path}: snapshot {node.Name}: check_cols must be 'all' or a list of columns"),
                } : throw new ModelProjectException($"{node.Path}: snapshot {node.Name}: the check strategy needs 'check_cols' ('all' or a list of columns)");
            }

            var hardDeletes = Text("hard_deletes")?.ToLowerInvariant()
                ?? (config.Values.TryGetValue("invalidate_hard_deletes", out var inv) && inv is true or "true" or "True" ? "invalidate" : "ignore");
            if (hardDeletes is not ("ignore" or "invalidate" or "new_record"))
            {
                throw new ModelProjectException($"{node.Path}: snapshot {node.Name}: hard_deletes '{hardDeletes}' is not one of ignore, invalidate, new_record");
            }

            // dbt 1.9 lets a project rename the columns a snapshot adds.
            var names = config.Values.TryGetValue("snapshot_meta_column_names", out var n) && n is IEnumerable<KeyValuePair<string, object?>> map
                ? map.ToDictionary(kv => kv.Key, kv => Convert.ToString(kv.Value, CultureInfo.InvariantCulture)!, StringComparer.Ordinal)
                : [];
            string Name(string key) => names.TryGetValue(key, out var renamed) ? renamed : key;
            var meta = new[] { Name("dbt_scd_id"), Name("dbt_updated_at"), Name("dbt_valid_from"), Name("dbt_valid_to"), Name("dbt_is_deleted") };
            return new SnapshotPlan
            {
                Strategy = strategy,
                Keys = keys,
                UpdatedAtSource = updatedAt,
                CheckCols = checkCols,
                HardDeletes = hardDeletes,
                CurrentTo = Text("dbt_valid_to_current") is { Length: > 0 } currentTo ? currentTo : null,
                Now = $"'{time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}'::timestamp",
                ScdIdColumn = ProjectScanner.Quote(meta[0]),
                UpdatedAtColumn = ProjectScanner.Quote(meta[1]),
                ValidFrom = ProjectScanner.Quote(meta[2]),
                ValidTo = ProjectScanner.Quote(meta[3]),
                IsDeleted = ProjectScanner.Quote(meta[4]),
                MetaColumns = meta,
            };
        }

        /// <summary>Fails naming the snapshot when a configured column is not in the query.</summary>
        public void Check(ModelNode node, IReadOnlyList<string> columns)
        {
            var known = columns.ToHashSet(StringComparer.OrdinalIgnoreCase);
            var wanted = Keys.Concat(UpdatedAtSource is null ? [] : [UpdatedAtSource]).Concat(CheckCols ?? []);
            var missing = wanted.Where(c => !known.Contains(c)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                throw new ModelProjectException($"{node.Path}: snapshot {node.Name}: the query has no column {string.Join(", ", missing.Select(m => $"'{m}'"))} (it has {string.Join(", ", columns)})");
            }

            var clash = columns.Where(c => MetaColumns.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
            if (clash.Count > 0)
            {
                throw new ModelProjectException($"{node.Path}: snapshot {node.Name}: the query returns {string.Join(", ", clash)}, a column the snapshot adds itself; rename it in the query");
            }
        }

        /// <summary>The <c>dbt_valid_to</c> of a current version starting at <paramref name="from"/>: null (typed like it), or <c>dbt_valid_to_current</c>.</summary>
        public string OpenEnd(string from) => CurrentTo is null ? $"nullif({from}, {from})" : $"coalesce(nullif({from}, {from}), {CurrentTo})";

        /// <summary>Whether a version of <paramref name="relation"/> is current (rows written before <c>dbt_valid_to_current</c> was set have null).</summary>
        public string IsCurrent(string relation) => CurrentTo is null
            ? $"{relation}.{ValidTo} is null"
            : $"({relation}.{ValidTo} is null or {relation}.{ValidTo} = {CurrentTo})";

        /// <summary>When a version starts (and the previous one ends): the row's updated_at, or the run's time for check.</summary>
        public string UpdatedAt(string alias) => Strategy == "timestamp" ? $"{alias}.{ProjectScanner.Quote(UpdatedAtSource!)}" : Now;

        public string ScdId(string alias) => Hash(Keys.Select(k => $"{alias}.{ProjectScanner.Quote(k)}").Append(UpdatedAt(alias)));

        public string Hash(IEnumerable<string> parts) =>
            "md5(" + string.Join(" || '|' || ", parts.Select(p => $"coalesce(cast({p} as varchar), '')")) + ")";

        /// <summary>Whether a source row (<c>src</c>) differs from its current version (<c>cur</c>).</summary>
        public string Changed(IEnumerable<string> sourceColumns)
        {
            if (Strategy == "timestamp")
            {
                return $"cur.{ValidFrom} < src.{ProjectScanner.Quote(UpdatedAtSource!)}";
            }

            var cols = (CheckCols ?? sourceColumns).Select(ProjectScanner.Quote).ToList();
            return string.Join(" or ", cols.Select(c => $"cur.{c} is distinct from src.{c}"));
        }
    }
}
