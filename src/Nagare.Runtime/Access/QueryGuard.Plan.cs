using System.Text;
using System.Text.Json;

namespace Nagare.Runtime.Access;

public static partial class QueryGuard
{
    /// <summary>
    /// Checks a physical plan from <c>EXPLAIN (FORMAT JSON)</c>: DuckDB has bound every name by then, expanded views
    /// and macros, and names each scanned table with its catalog and schema, so quoting, case and lookalike tricks
    /// are resolved. Adds the plan's tables and table functions to <paramref name="plan"/>'s sets even when it
    /// refuses, and returns the first refusal's reason, or null.
    /// </summary>
    private static string? CheckPlan(JsonElement node, Scope scope, PlanContents plan)
    {
        if (node.ValueKind == JsonValueKind.Array)
        {
            string? first = null;
            foreach (var child in node.EnumerateArray())
            {
                first ??= CheckPlan(child, scope, plan);
                if (first is null)
                {
                    continue;
                }

                // Keep collecting what an admin's statement reads; the refusal stays the first one.
                CheckPlan(child, scope, plan);
            }

            return first;
        }

        if (node.ValueKind != JsonValueKind.Object || Text(node, "name") is not { } name)
        {
            return "The query plan holds a part that cannot be checked; it needs the admin role.";
        }

        var reason = CheckOperator(node, name, scope, plan);
        if (node.TryGetProperty("children", out var children))
        {
            var childReason = CheckPlan(children, scope, plan);
            reason ??= childReason;
        }

        return reason;
    }

    private static string? CheckOperator(JsonElement node, string name, Scope scope, PlanContents plan)
    {
        var info = node.TryGetProperty("extra_info", out var extra) && extra.ValueKind == JsonValueKind.Object ? extra : default;
        var table = info.ValueKind == JsonValueKind.Object ? Text(info, "Table") : null;
        var function = info.ValueKind == JsonValueKind.Object ? Text(info, "Function") : null;
        if (table is not null)
        {
            if (!TableScanOperators.Contains(name) || function is not null)
            {
                return $"The query plan reads {table} through {name}, which cannot be checked; it needs the admin role.";
            }

            return CheckTable(table, scope, plan);
        }

        if (function is not null)
        {
            plan.Functions.Add(function.ToLowerInvariant());
            return AllowedTableFunctions.Contains(function)
                ? null
                : $"Table function {function.ToLowerInvariant()}() is not allowed for role '{scope.Policy.Role}': it reads files, other databases or the catalog. {AdminHint}";
        }

        if (TableScanOperators.Contains(name))
        {
            return $"The query plan scans a table ({name}) that cannot be identified; it needs the admin role.";
        }

        return AllowedOperators.Contains(name)
            ? null
            : $"The query plan uses operator {name}, which is not known to be safe; it needs the admin role.";
    }

    private static string? CheckTable(string qualified, Scope scope, PlanContents plan)
    {
        if (SplitName(qualified) is not [var catalog, var schema, var table])
        {
            return $"The query plan reads {qualified}, which cannot be identified; it needs the admin role.";
        }

        plan.Tables.Add(schema + "." + table);
        var key = (schema + "." + table).ToLowerInvariant();
        plan.Scans[key] = plan.Scans.GetValueOrDefault(key) + 1;
        if (!string.Equals(catalog, scope.Database, StringComparison.Ordinal))
        {
            return $"{catalog}.{schema}.{table} is in another database; role '{scope.Policy.Role}' may only read the warehouse's datasets.";
        }

        if (CatalogSchemas.Contains(schema))
        {
            return CatalogSchemaReason(schema, scope);
        }

        return scope.Policy.On(schema) < Privilege.Read ? ReadReason(schema + "." + table, schema, scope) : null;
    }

    /// <summary>Splits a name DuckDB printed (<c>w."x.y"."a ""b"""</c>) into its unquoted parts; null when it is malformed.</summary>
    private static List<string>? SplitName(string qualified)
    {
        var parts = new List<string>();
        var part = new StringBuilder();
        var i = 0;
        while (true)
        {
            if (i < qualified.Length && qualified[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= qualified.Length)
                    {
                        return null;
                    }

                    if (qualified[i] == '"')
                    {
                        if (i + 1 < qualified.Length && qualified[i + 1] == '"')
                        {
                            part.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    part.Append(qualified[i++]);
                }
            }
            else
            {
                while (i < qualified.Length && qualified[i] is not '.' and not '"')
                {
                    part.Append(qualified[i++]);
                }
            }

            if (part.Length == 0)
            {
                return null;
            }

            parts.Add(part.ToString());
            part.Clear();
            if (i == qualified.Length)
            {
                return parts;
            }

            if (qualified[i] != '.')
            {
                return null;
            }

            i++;
        }
    }

    /// <summary>What the plans of a piece of SQL read: tables as <c>schema.table</c>, table functions lower case.</summary>
    private sealed class PlanContents
    {
        public SortedSet<string> Tables { get; } = new(StringComparer.Ordinal);

        /// <summary>How many times the plan scans each table (lower-case <c>schema.table</c>).</summary>
        public Dictionary<string, int> Scans { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Functions { get; } = new(StringComparer.Ordinal);
    }
}
