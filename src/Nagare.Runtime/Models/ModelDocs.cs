using System.Text.Json;
using Nagare.Core.Json;
using Nagare.DuckDb;

namespace Nagare.Runtime.Models;

/// <summary>
/// Writes target/catalog.json (each built relation with its warehouse columns and types) and target/lineage.json
/// (nodes with columns, descriptions and materialization, and the edges between them) for the web UI.
/// </summary>
public static class ModelDocs
{
    public const string CatalogFile = "catalog.json";
    public const string LineageFile = "lineage.json";

    /// <summary>Writes both files; columns come from the warehouse when <paramref name="connection"/> is given.</summary>
    /// <returns>The paths written.</returns>
    public static IReadOnlyList<string> Write(Manifest manifest, DuckDbConnection? connection)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var warehouse = connection is null ? [] : ReadColumns(connection);
        var target = manifest.Project.TargetPath;
        Directory.CreateDirectory(target);
        var catalogPath = Path.Combine(target, CatalogFile);
        using (var stream = File.Create(catalogPath))
        using (var w = new Utf8JsonWriter(stream, JsonFormat.IndentedWriter))
        {
            w.WriteStartObject();
            w.WriteStartObject("metadata");
            w.WriteString("generator", "nagare");
            w.WriteString("target_name", manifest.Project.Target.Name);
            w.WriteEndObject();
            foreach (var (section, sources) in new[] { ("nodes", false), ("sources", true) })
            {
                w.WriteStartObject(section);
                foreach (var node in Relations(manifest).Where(n => (n.Type == NodeType.Source) == sources))
                {
                    if (!warehouse.TryGetValue((node.Schema, node.Identifier), out var table))
                    {
                        continue;
                    }

                    w.WriteStartObject(node.UniqueId);
                    w.WriteString("unique_id", node.UniqueId);
                    w.WriteStartObject("metadata");
                    w.WriteString("schema", node.Schema);
                    w.WriteString("name", node.Identifier);
                    w.WriteString("type", table.Type);
                    w.WriteEndObject();
                    w.WriteStartObject("columns");
                    for (var i = 0; i < table.Columns.Count; i++)
                    {
                        w.WriteStartObject(table.Columns[i].Name);
                        w.WriteString("name", table.Columns[i].Name);
                        w.WriteString("type", table.Columns[i].Type);
                        w.WriteNumber("index", i + 1);
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        var lineagePath = Path.Combine(target, LineageFile);
        using (var stream = File.Create(lineagePath))
        using (var w = new Utf8JsonWriter(stream, JsonFormat.IndentedWriter))
        {
            w.WriteStartObject();
            w.WriteString("project", manifest.Project.Name);
            w.WriteString("target", manifest.Project.Target.Name);
            w.WriteStartArray("nodes");
            foreach (var node in manifest.Nodes.Values.OrderBy(n => n.UniqueId, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("id", node.UniqueId);
                w.WriteString("name", node.Name);
                w.WriteString("resource_type", node.Type.ToString().ToLowerInvariant());
                w.WriteString("path", node.Path);
                w.WriteString("materialization", node.Type switch
                {
                    NodeType.Model => node.Config.Materialized,
                    NodeType.Seed => "seed",
                    NodeType.Test => "test",
                    _ => "source",
                });
                if (node.Type != NodeType.Test)
                {
                    w.WriteString("schema", node.Schema);
                    w.WriteString("relation", node.RelationName);
                }

                w.WriteString("description", node.Description ?? string.Empty);
                w.WriteStartArray("tags");
                foreach (var tag in node.Config.Tags)
                {
                    w.WriteStringValue(tag);
                }

                w.WriteEndArray();
                w.WriteStartArray("columns");
                var documented = node.Columns.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
                var names = warehouse.TryGetValue((node.Schema, node.Identifier), out var table) && node.Type != NodeType.Test
                    ? table.Columns.Select(c => (c.Name, (string?)c.Type)).ToList()
                    : node.Columns.Select(c => (c.Name, c.DataType)).ToList();
                foreach (var extra in node.Columns.Where(c => !names.Any(n => string.Equals(n.Name, c.Name, StringComparison.OrdinalIgnoreCase))))
                {
                    names.Add((extra.Name, extra.DataType));
                }

                foreach (var (name, type) in names)
                {
                    w.WriteStartObject();
                    w.WriteString("name", name);
                    w.WriteString("type", type);
                    w.WriteString("description", documented.TryGetValue(name, out var doc) ? doc.Description ?? string.Empty : string.Empty);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("edges");
            foreach (var node in manifest.Nodes.Values.OrderBy(n => n.UniqueId, StringComparer.Ordinal))
            {
                foreach (var parent in node.DependsOn)
                {
                    w.WriteStartObject();
                    w.WriteString("from", parent);
                    w.WriteString("to", node.UniqueId);
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return [catalogPath, lineagePath];
    }

    private static IEnumerable<ModelNode> Relations(Manifest manifest) =>
        manifest.Nodes.Values.Where(n => n.Type is NodeType.Model or NodeType.Seed or NodeType.Source && !n.IsEphemeral).OrderBy(n => n.UniqueId, StringComparer.Ordinal);

    private static Dictionary<(string Schema, string Name), (string Type, List<(string Name, string Type)> Columns)> ReadColumns(DuckDbConnection connection)
    {
        var result = new Dictionary<(string, string), (string, List<(string, string)>)>();
        using var command = connection.CreateCommand();
        command.CommandText = """
            select c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type
            from information_schema.columns c
            join information_schema.tables t using (table_catalog, table_schema, table_name)
            where c.table_catalog = current_database()
            order by c.table_schema, c.table_name, c.ordinal_position
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = (reader.GetString(0), reader.GetString(1));
            if (!result.TryGetValue(key, out var table))
            {
                table = (reader.GetString(2) == "VIEW" ? "view" : "table", []);
                result[key] = table;
            }

            table.Item2.Add((reader.GetString(3), reader.GetString(4)));
        }

        return result;
    }
}
