using System.Globalization;

namespace Nagare.Runtime.Models;

/// <summary>dbt's <c>on_schema_change</c> for incremental models: what to do when the new rows' columns differ from the table's.</summary>
internal sealed partial class Materializer
{
    /// <summary>Alters the table for <c>append_new_columns</c> / <c>sync_all_columns</c>, or fails for <c>fail</c>; <c>ignore</c> (default) does nothing.</summary>
    private void ApplySchemaChange(ModelNode node, string incoming)
    {
        var mode = node.Config.Values.TryGetValue("on_schema_change", out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture)! : "ignore";
        if (mode == "ignore")
        {
            return;
        }

        if (mode is not ("append_new_columns" or "sync_all_columns" or "fail"))
        {
            throw new ModelProjectException($"{node.Path}: model {node.Name}: on_schema_change '{mode}' is not one of ignore, append_new_columns, sync_all_columns, fail");
        }

        var existing = ColumnTypes(node.RelationName);
        var arriving = ColumnTypes(incoming);
        var existingByName = existing.ToDictionary(c => c.Name, c => c.Type, StringComparer.OrdinalIgnoreCase);
        var arrivingNames = arriving.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var added = arriving.Where(c => !existingByName.ContainsKey(c.Name)).ToList();
        var removed = existing.Where(c => !arrivingNames.Contains(c.Name)).ToList();
        var retyped = arriving.Where(c => existingByName.TryGetValue(c.Name, out var type) && !string.Equals(type, c.Type, StringComparison.OrdinalIgnoreCase)).ToList();
        if (added.Count == 0 && removed.Count == 0 && retyped.Count == 0)
        {
            return;
        }

        if (mode == "fail")
        {
            var parts = new List<string>();
            if (added.Count > 0)
            {
                parts.Add("new columns " + string.Join(", ", added.Select(c => $"{c.Name} ({c.Type})")));
            }

            if (removed.Count > 0)
            {
                parts.Add("missing columns " + string.Join(", ", removed.Select(c => c.Name)));
            }

            if (retyped.Count > 0)
            {
                parts.Add("changed types " + string.Join(", ", retyped.Select(c => $"{c.Name} ({existingByName[c.Name]} → {c.Type})")));
            }

            throw new ModelProjectException($"{node.Path}: model {node.Name}: the new rows do not match {node.RelationName}: {string.Join("; ", parts)}. on_schema_change is 'fail'; set it to append_new_columns or sync_all_columns, or rebuild with --full-refresh");
        }

        foreach (var (name, type) in added)
        {
            _connection.ExecuteNonQuery($"alter table {node.RelationName} add column {ProjectScanner.Quote(name)} {type}");
        }

        if (mode == "sync_all_columns")
        {
            foreach (var (name, _) in removed)
            {
                _connection.ExecuteNonQuery($"alter table {node.RelationName} drop column {ProjectScanner.Quote(name)}");
            }

            foreach (var (name, type) in retyped)
            {
                _connection.ExecuteNonQuery($"alter table {node.RelationName} alter column {ProjectScanner.Quote(name)} type {type}");
            }
        }
    }
}
