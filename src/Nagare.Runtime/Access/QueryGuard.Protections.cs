using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nagare.DuckDb;

namespace Nagare.Runtime.Access;

/// <summary>
/// Column masks and row filters: each table a role reads masked or filtered is replaced, in the syntax tree of its
/// SQL, by a subquery that reads it through the masks and the filter (<c>SELECT * REPLACE (sha256(email) AS email)
/// FROM dwh.customers WHERE company_id = 42</c>), under the name the query gave it. The plan of the rewritten SQL
/// must then scan each such table exactly as often as the rewrite put it there: a scan more means it is also read
/// some other way (a view, a macro) that the rewrite cannot see into, and the query is refused.
/// </summary>
public static partial class QueryGuard
{
    /// <summary>
    /// Replaces every reference to a protected table in <paramref name="statement"/> (a statement of
    /// <c>json_serialize_sql</c>) and counts them by lower-case <c>schema.table</c> into <paramref name="rewritten"/>;
    /// a refusal reason when a mask or filter cannot be applied, else null.
    /// </summary>
    private static async Task<string?> ProtectAsync(DuckDbConnection connection, JsonNode statement, Scope scope, Dictionary<string, int> rewritten, CancellationToken cancellationToken)
    {
        var references = new List<(JsonObject Parent, string Key, JsonObject Table, string Qualified)>();
        Collect(statement, scope, references);
        foreach (var (parent, key, table, qualified) in references)
        {
            var sql = ProtectedSelect(qualified, scope.Policy);
            var serialized = await ScalarAsync(connection, "SELECT json_serialize_sql($1::VARCHAR)", sql, cancellationToken).ConfigureAwait(false) ?? string.Empty;
            var tree = JsonNode.Parse(serialized);
            if (tree?["error"]?.GetValue<bool>() != false || tree["statements"]?[0]?["node"] is not JsonObject node)
            {
                return $"The masks or row filters of role '{scope.Policy.Role}' on {qualified} cannot be applied ({tree?["error_message"]?.GetValue<string>() ?? "DuckDB could not read them"}); ask an admin to fix the role.";
            }

            node.Parent?.AsObject().Remove("node");
            var alias = table["alias"]?.GetValue<string>() is { Length: > 0 } given ? given : table["table_name"]!.GetValue<string>();
            parent[key] = new JsonObject
            {
                ["type"] = "SUBQUERY",
                ["alias"] = alias,
                ["sample"] = table["sample"]?.DeepClone(),
                ["query_location"] = table["query_location"]?.DeepClone(),
                ["subquery"] = new JsonObject { ["node"] = node, ["named_param_map"] = new JsonArray() },
                ["column_name_alias"] = table["column_name_alias"]?.DeepClone() ?? new JsonArray(),
            };
            var counted = qualified.ToLowerInvariant();
            rewritten[counted] = rewritten.GetValueOrDefault(counted) + 1;
        }

        return null;
    }

    /// <summary>Refuses a plan that scans a protected table more often than the rewrite put it in (it is also read through a view or macro).</summary>
    private static string? CheckProtectedScans(PlanContents plan, Dictionary<string, int> rewritten, Scope scope)
    {
        foreach (var table in ProtectedTables(scope.Policy))
        {
            var scans = plan.Scans.GetValueOrDefault(table);
            if (scans != rewritten.GetValueOrDefault(table))
            {
                return $"The query reads {table}, which role '{scope.Policy.Role}' reads masked or filtered, through a view or macro; read it directly (FROM {table}) so the masks and filters apply.";
            }
        }

        return null;
    }

    private static IEnumerable<string> ProtectedTables(AccessPolicy policy) =>
        policy.Masks.Select(m => m.Table.ToLowerInvariant()).Concat(policy.RowFilters.Select(f => f.Table.ToLowerInvariant())).Distinct(StringComparer.Ordinal);

    /// <summary>Finds base-table references to protected tables (not descending into what replaces them).</summary>
    private static void Collect(JsonNode? node, Scope scope, List<(JsonObject Parent, string Key, JsonObject Table, string Qualified)> found)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, scope, found);
                }

                break;
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is JsonObject child && child["type"]?.GetValueKind() == JsonValueKind.String && child["type"]!.GetValue<string>() == "BASE_TABLE" && child["table_name"] is not null)
                    {
                        var schema = child["schema_name"]?.GetValue<string>() is { Length: > 0 } s ? s : "main";
                        var qualified = schema + "." + child["table_name"]!.GetValue<string>();
                        if (ProtectedTables(scope.Policy).Contains(qualified.ToLowerInvariant(), StringComparer.Ordinal))
                        {
                            found.Add((obj, key, child, Canonical(qualified, scope.Policy)));
                        }

                        continue;
                    }

                    Collect(value, scope, found);
                }

                break;
        }
    }

    /// <summary>The table's name as the role's masks or filters write it.</summary>
    private static string Canonical(string qualified, AccessPolicy policy) =>
        policy.Masks.Select(m => m.Table).Concat(policy.RowFilters.Select(f => f.Table)).First(t => string.Equals(t, qualified, StringComparison.OrdinalIgnoreCase));

    /// <summary><c>SELECT * REPLACE (masks) FROM "schema"."table" WHERE (filter) AND (filter)</c> for the role.</summary>
    private static string ProtectedSelect(string qualified, AccessPolicy policy)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        var sql = new StringBuilder("SELECT *");
        var masks = policy.Masks.Where(m => string.Equals(m.Table, qualified, StringComparison.OrdinalIgnoreCase)).ToList();
        if (masks.Count > 0)
        {
            sql.Append(" REPLACE (").AppendJoin(", ", masks.Select(m => $"{Masked(m)} AS {Quote(m.Column)}")).Append(')');
        }

        sql.Append(CultureInfo.InvariantCulture, $" FROM {Quote(qualified[..dot])}.{Quote(qualified[(dot + 1)..])}");
        var filters = policy.RowFilters.Where(f => string.Equals(f.Table, qualified, StringComparison.OrdinalIgnoreCase)).Select(f => $"({f.Where})").ToList();
        if (filters.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", filters);
        }

        return sql.ToString();
    }

    private static string Masked(ColumnMask mask) => mask.With switch
    {
        MaskKind.Hash => $"sha256(CAST({Quote(mask.Column)} AS VARCHAR))",
        MaskKind.Null => "CAST(NULL AS VARCHAR)",
        _ => "'***'",
    };

    private static string Quote(string identifier) => Models.ProjectScanner.Quote(identifier);
}
