using System.Collections;
using System.Globalization;
using Nagare.DuckDb;
using Nagare.Templating;

namespace Nagare.Runtime.Models;

/// <summary>
/// Custom materializations: a model with <c>materialized='name'</c> built by the project's
/// <c>{% materialization name, adapter='duckdb' %}</c> (or <c>default</c>) block. The block runs its SQL through
/// <c>{% call statement('main') %}</c> and ends with <c>return({'relations': [...]})</c>; all of it in one transaction.
/// </summary>
internal sealed partial class Materializer
{
    /// <summary>The macro implementing a materialization for DuckDB, or null when the project defines none.</summary>
    public static string? CustomMaterialization(ModelRenderer renderer, string name) =>
        new[] { $"materialization_{name}_duckdb", $"materialization_{name}_default" }.FirstOrDefault(renderer.HasMacro);

    private long? Custom(ModelNode node, string sql, string macro)
    {
        var statements = new Dictionary<string, (QueryResult Table, long Rows)>(StringComparer.Ordinal);
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["execute"] = true,
            ["sql"] = sql,
            ["compiled_code"] = sql,
            ["this"] = _manifest.Lookup.Relation(node, null),
            ["model"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = node.Name,
                ["unique_id"] = node.UniqueId,
                ["path"] = node.Path,
                ["resource_type"] = "model",
                ["compiled_code"] = sql,
                ["config"] = node.Config.Values.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
            },
            ["config"] = new HostObject("config", _ => string.Empty, new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["get"] = (TemplateFunction)(a => node.Config.Values.TryGetValue(NodeConfig.NormalizeKey(TemplateArguments.ToText(a.Get(0, "name"))), out var v) ? v : a.Get(1, "default")),
                ["require"] = (TemplateFunction)(a => node.Config.Values.TryGetValue(NodeConfig.NormalizeKey(TemplateArguments.ToText(a.Get(0, "name"))), out var v)
                    ? v
                    : throw new ModelProjectException($"{node.Path}: config.require('{TemplateArguments.ToText(a.Get(0, "name"))}'): the model has no such config.")),
            }),

            // The node's hooks run around the materialization already (as for every model), so the block's own
            // run_hooks calls have nothing left to run.
            ["pre_hooks"] = new List<object?>(),
            ["post_hooks"] = new List<object?>(),
            ["run_hooks"] = (TemplateFunction)(_ => string.Empty),
            ["statement"] = (TemplateFunction)(a => Statement(a, statements)),
            ["load_result"] = (TemplateFunction)(a => statements.TryGetValue(TemplateArguments.ToText(a.Get(0, "name")), out var r)
                ? new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["table"] = r.Table,
                    ["data"] = r.Table.Rows,
                    ["response"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["rows_affected"] = r.Rows },
                }
                : null),
        };
        using var tx = _connection.BeginTransaction();
        var returned = _manifest.Renderer.CallMaterialization(macro, context);
        if (returned is not IDictionary result || !result.Contains("relations"))
        {
            throw new ModelProjectException($"{node.Path}: materialization '{node.Config.Materialized}' ({macro}) must end with return({{'relations': [this]}})");
        }

        tx.Commit();
        return statements.TryGetValue("main", out var main) ? main.Rows : null;
    }

    /// <summary><c>{% call statement(name, fetch_result=False) %}SQL{% endcall %}</c>: runs the block's SQL, keeps its result for <c>load_result(name)</c>.</summary>
    private string Statement(TemplateArguments a, Dictionary<string, (QueryResult, long)> statements)
    {
        var name = TemplateArguments.ToText(a.Get(0, "name", "statement"));
        var caller = a.Keyword.TryGetValue("caller", out var c) ? c : throw new ModelProjectException($"{a.TemplateName}: statement() is used as {{% call statement('{name}') %}}SQL{{% endcall %}}");
        var sql = TemplateArguments.ToText(a.Call(caller));
        if (string.IsNullOrWhiteSpace(sql))
        {
            return string.Empty;
        }

        if (a.Get(1, "fetch_result") is true)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i))]);
            }

            statements[name] = (new QueryResult(names, rows), rows.Count);
        }
        else
        {
            var affected = _connection.ExecuteNonQuery(sql);
            statements[name] = (QueryResult.Empty, Convert.ToInt64(affected, CultureInfo.InvariantCulture));
        }

        return string.Empty;
    }
}
