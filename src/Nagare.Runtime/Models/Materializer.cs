using System.Globalization;
using Nagare.DuckDb;

namespace Nagare.Runtime.Models;

/// <summary>Builds one node on one DuckDB connection: views, tables (swapped in atomically), incremental models, seeds, tests.</summary>
internal sealed partial class Materializer
{
    private const string TempSuffix = "__nagare_tmp";
    private readonly Manifest _manifest;
    private readonly DuckDbConnection _connection;
    private readonly bool _fullRefresh;

    public Materializer(Manifest manifest, DuckDbConnection connection, bool fullRefresh)
    {
        _manifest = manifest;
        _connection = connection;
        _fullRefresh = fullRefresh;
    }

    /// <summary>Builds a model or seed; returns rows affected (null for views).</summary>
    public long? Build(ModelNode node)
    {
        RunHooks(node, node.Config.PreHooks, "pre_hook");
        var sql = node.CompiledSql;
        if ((node.Type is NodeType.Model or NodeType.Snapshot) && node.NeedsFinalRender)
        {
            sql = ModelCompiler.InjectCtes(_manifest.Renderer.Render(node, _manifest.Lookup, false, () => _connection).Text, node.EphemeralParents);
        }

        long? rows = node.Type == NodeType.Seed ? Seed(node) : node.Type == NodeType.Snapshot ? Snapshot(node, sql!) : node.Config.Materialized switch
        {
            "view" => View(node, sql!),
            "table" => Table(node, sql!),
            "incremental" => Incremental(node),
            var other when CustomMaterialization(_manifest.Renderer, other) is { } macro => Custom(node, sql!, macro),
            var other => throw new ModelProjectException($"{node.Path}: materialized='{other}' is not supported; use view, table, incremental or ephemeral, or define it with {{% materialization {other}, adapter='duckdb' %}} in macros/"),
        };
        RunHooks(node, node.Config.PostHooks, "post_hook");
        return rows;
    }

    private void RunHooks(ModelNode node, IReadOnlyList<string> hooks, string kind)
    {
        for (var i = 0; i < hooks.Count; i++)
        {
            var sql = _manifest.Renderer.RenderSnippet(hooks[i], node, _manifest.Lookup, $"{node.Path} ({kind} {i + 1})");
            if (!string.IsNullOrWhiteSpace(sql))
            {
                _connection.ExecuteNonQuery(sql);
            }
        }
    }

    private string? ExistingType(ModelNode node)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"select table_type from information_schema.tables where table_catalog = current_database() and table_schema = {Literal(node.Schema)} and table_name = {Literal(node.Identifier)}";
        return command.ExecuteScalar() as string;
    }

    private long? View(ModelNode node, string sql)
    {
        var existing = ExistingType(node);
        using var tx = _connection.BeginTransaction();
        if (existing == "BASE TABLE")
        {
            _connection.ExecuteNonQuery($"drop table {node.RelationName}");
        }

        _connection.ExecuteNonQuery($"create or replace view {node.RelationName} as (\n{StripSemicolon(sql)}\n)");
        tx.Commit();
        return null;
    }

    /// <summary>Builds into a temporary name and swaps it in within one transaction, so a failed build leaves the old table.</summary>
    private long Table(ModelNode node, string select)
    {
        var temp = ProjectScanner.Quote(node.Schema) + "." + ProjectScanner.Quote(node.Identifier + TempSuffix);
        var existing = ExistingType(node);
        using var tx = _connection.BeginTransaction();
        _connection.ExecuteNonQuery($"drop table if exists {temp}");
        _connection.ExecuteNonQuery($"create table {temp} as (\n{StripSemicolon(select)}\n)");
        var rows = _connection.ExecuteScalar<long>($"select count(*) from {temp}");
        if (existing == "VIEW")
        {
            _connection.ExecuteNonQuery($"drop view {node.RelationName}");
        }
        else if (existing is not null)
        {
            _connection.ExecuteNonQuery($"drop table {node.RelationName}");
        }

        _connection.ExecuteNonQuery($"alter table {temp} rename to {ProjectScanner.Quote(node.Identifier)}");
        tx.Commit();
        return rows;
    }

    private long Incremental(ModelNode node)
    {
        var existing = ExistingType(node);
        var fullRefresh = _fullRefresh && node.Config.FullRefresh != false;
        if (existing != "BASE TABLE" || fullRefresh)
        {
            return Table(node, node.CompiledSql!);
        }

        var sql = node.CompiledSql!;
        if (node.UsesIsIncremental || node.NeedsFinalRender)
        {
            var rendered = _manifest.Renderer.Render(node, _manifest.Lookup, true, () => _connection).Text;
            sql = ModelCompiler.InjectCtes(rendered, node.EphemeralParents);
        }

        var temp = ProjectScanner.Quote(node.Identifier + "__nagare_new");
        _connection.ExecuteNonQuery($"create or replace temp table {temp} as (\n{StripSemicolon(sql)}\n)");
        try
        {
            using var tx = _connection.BeginTransaction();
            ApplySchemaChange(node, temp);
            var targetColumns = Columns(node.RelationName);
            var newColumns = Columns(temp).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var common = targetColumns.Where(newColumns.Contains).Select(ProjectScanner.Quote).ToList();
            if (common.Count == 0)
            {
                throw new ModelProjectException($"{node.Path}: the new rows share no column with {node.RelationName}; rebuild it with --full-refresh");
            }

            var columnList = string.Join(", ", common);
            var strategy = node.Config.IncrementalStrategy;
            var keys = node.Config.UniqueKey;
            switch (strategy)
            {
                case "append":
                    break;
                case "merge" or "delete+insert" or "delete_insert":
                    if (keys.Count == 0)
                    {
                        throw new ModelProjectException($"{node.Path}: incremental_strategy='{strategy}' needs unique_key");
                    }

                    var match = string.Join(" and ", keys.Select(k => $"{node.RelationName}.{ProjectScanner.Quote(k)} is not distinct from dbt_new.{ProjectScanner.Quote(k)}"));
                    _connection.ExecuteNonQuery($"delete from {node.RelationName} where exists (select 1 from {temp} as dbt_new where {match})");
                    break;
                default:
                    throw new ModelProjectException($"{node.Path}: incremental_strategy '{strategy}' is not supported; use append, merge or delete+insert");
            }

            var inserted = _connection.ExecuteNonQuery($"insert into {node.RelationName} ({columnList}) select {columnList} from {temp}");
            tx.Commit();
            return inserted;
        }
        finally
        {
            _connection.ExecuteNonQuery($"drop table if exists {temp}");
        }
    }

    private long Seed(ModelNode node)
    {
        var options = new List<string> { "header = true", "auto_detect = true" };
        if (node.Config.Values.TryGetValue("column_types", out var types) && types is IEnumerable<KeyValuePair<string, object?>> map && map.Any())
        {
            options.Add("types = {" + string.Join(", ", map.Select(kv => $"{Literal(kv.Key)}: {Literal(Convert.ToString(kv.Value, CultureInfo.InvariantCulture)!)}")) + "}");
        }

        if (node.Config.Values.TryGetValue("delimiter", out var delimiter) && delimiter is string d)
        {
            options.Add($"delim = {Literal(d)}");
        }

        return Table(node, $"select * from read_csv({Literal(node.FilePath!)}, {string.Join(", ", options)})");
    }

    private List<string> Columns(string relation)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"select * from {relation} limit 0";
        using var reader = command.ExecuteReader();
        return [.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)];
    }

    internal static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    internal static string StripSemicolon(string sql)
    {
        var trimmed = sql.TrimEnd();
        while (trimmed.EndsWith(';'))
        {
            trimmed = trimmed[..^1].TrimEnd();
        }

        return trimmed;
    }
}
