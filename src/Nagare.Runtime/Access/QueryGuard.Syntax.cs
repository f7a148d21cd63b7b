using System.Collections.Frozen;
using System.Text.Json;

namespace Nagare.Runtime.Access;

public static partial class QueryGuard
{
    /// <summary>The kinds of table reference DuckDB's parser produces that this guard understands; any other is refused.</summary>
    private static readonly FrozenSet<string> KnownTableRefs = FrozenSet.Create(
        StringComparer.Ordinal, "BASE_TABLE", "JOIN", "SUBQUERY", "TABLE_FUNCTION", "EXPRESSION_LIST", "EMPTY", "PIVOT", "SHOW_REF");

    /// <summary>
    /// Checks one statement's syntax tree (from <c>json_serialize_sql</c>) before DuckDB binds it: binding a table
    /// function or a file name in FROM already opens the file, so these are refused here, unbound. Returns the reason
    /// of the first refusal, or null.
    /// </summary>
    private static string? CheckSyntax(JsonElement element, Scope scope)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (CheckSyntax(item, scope) is { } reason)
                    {
                        return reason;
                    }
                }

                return null;
            case JsonValueKind.Object:
                if (CheckSyntaxNode(element, scope) is { } refusal)
                {
                    return refusal;
                }

                foreach (var property in element.EnumerateObject())
                {
                    if (CheckSyntax(property.Value, scope) is { } reason)
                    {
                        return reason;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string? CheckSyntaxNode(JsonElement node, Scope scope)
    {
        if (Text(node, "function_name") is { } function)
        {
            if (IsRefusedFunction(function))
            {
                return $"Function {function}() is not allowed for role '{scope.Policy.Role}': it reaches settings, files or the catalog. {AdminHint}";
            }

            if (OtherCatalog(Text(node, "catalog"), scope) is { } catalog)
            {
                return $"Function {catalog}.{function}() is in another database; role '{scope.Policy.Role}' may only use the warehouse.";
            }

            if (Text(node, "schema") is { Length: > 0 } schema && CatalogSchemas.Contains(schema))
            {
                return CatalogSchemaReason(schema, scope);
            }
        }

        // Table references carry a sample clause and a location; query nodes (SELECT_NODE…) carry a sample clause
        // but no location, expressions carry a class.
        if (node.TryGetProperty("class", out _) || !node.TryGetProperty("sample", out _) || !node.TryGetProperty("query_location", out _)
            || Text(node, "type") is not { } type)
        {
            return null;
        }

        if (!KnownTableRefs.Contains(type))
        {
            return $"The SQL uses a kind of table reference ({type}) that cannot be checked; it needs the admin role.";
        }

        return type switch
        {
            "TABLE_FUNCTION" => CheckTableFunction(node, scope),
            "BASE_TABLE" => CheckBaseTable(node, scope),
            "SHOW_REF" => $"DESCRIBE, SUMMARIZE and SHOW are not available to role '{scope.Policy.Role}'; use the datasets API to list tables and columns.",
            _ => null,
        };
    }

    private static string? CheckTableFunction(JsonElement node, Scope scope)
    {
        if (!node.TryGetProperty("function", out var function) || Text(function, "function_name") is not { } name)
        {
            return $"The SQL calls a table function that cannot be checked; it needs the admin role.";
        }

        if (!AllowedTableFunctions.Contains(name) || Text(function, "schema") is { Length: > 0 } || Text(function, "catalog") is { Length: > 0 })
        {
            return $"Table function {name}() is not allowed for role '{scope.Policy.Role}': only {string.Join(", ", AllowedTableFunctions.Order(StringComparer.Ordinal))} may be used, as others read files, other databases or the catalog. {AdminHint}";
        }

        return null;
    }

    private static string? CheckBaseTable(JsonElement node, Scope scope)
    {
        var table = Text(node, "table_name") ?? "";
        var schema = Text(node, "schema_name") ?? "";
        var written = schema.Length == 0 ? table : schema + "." + table;
        if (OtherCatalog(Text(node, "catalog_name"), scope) is { } catalog)
        {
            return $"{catalog}.{written} is in another database; role '{scope.Policy.Role}' may only read the warehouse's datasets.";
        }

        if (CatalogSchemas.Contains(schema) || (schema.Length == 0 && CatalogSchemas.Contains(table)))
        {
            return CatalogSchemaReason(schema.Length == 0 ? table : schema, scope);
        }

        // DuckDB reads a file named in FROM ('data.csv', 's3://…') in place of a table while binding.
        if (table.AsSpan().IndexOfAny("/\\.:*?~") >= 0)
        {
            return $"'{written}' looks like a file or URL; role '{scope.Policy.Role}' may only read the warehouse's datasets. {AdminHint}";
        }

        // A schema written in the SQL is checked before binding too, so that DuckDB's errors about a table or column
        // of a dataset the role may not read (which name its columns) never reach the caller. A catalog written as
        // the schema (warehouse.table) is left to the plan.
        if (schema.Length > 0 && !string.Equals(schema, scope.Database, StringComparison.OrdinalIgnoreCase) && scope.Policy.On(schema) < Privilege.Read)
        {
            return ReadReason(schema + "." + table, schema, scope);
        }

        return null;
    }

    /// <summary>The catalog a reference names when it is not the warehouse, or null.</summary>
    private static string? OtherCatalog(string? catalog, Scope scope) =>
        string.IsNullOrEmpty(catalog) || string.Equals(catalog, scope.Database, StringComparison.OrdinalIgnoreCase) ? null : catalog;

    private static string CatalogSchemaReason(string schema, Scope scope) =>
        $"{schema} is not available to role '{scope.Policy.Role}'; use the datasets API to list datasets, tables and columns.";

    private static string ReadReason(string table, string schema, Scope scope) =>
        $"Role '{scope.Policy.Role}' may not read {table} (dataset {schema}).";

    private static string? Text(JsonElement node, string property) =>
        node.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
