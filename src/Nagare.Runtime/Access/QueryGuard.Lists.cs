using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Nagare.Runtime.Access;

public static partial class QueryGuard
{
    /// <summary>
    /// Table functions a non-admin may use: they compute rows from their arguments alone, touching no file, network,
    /// setting, catalog or other database. Every other table function (read_*, parquet_scan, glob, query,
    /// query_table, duckdb_*, pragma_*, sniff_csv, the scanners of extensions, table macros…) is refused.
    /// </summary>
    internal static readonly FrozenSet<string> AllowedTableFunctions = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "range", "generate_series", "unnest", "repeat", "json_each", "json_tree");

    /// <summary>
    /// Scalar functions refused anywhere in a non-admin's SQL, because they read settings, the environment,
    /// variables, files or the catalog, or change state of the connection or of sequences (see also
    /// <see cref="RefusedFunctionPrefixes"/>).
    /// </summary>
    internal static readonly FrozenSet<string> RefusedScalarFunctions = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        // Settings, environment and session state.
        "current_setting", "getenv", "getvariable", "setseed", "write_log", "current_query", "current_schemas",
        "in_search_path", "current_connection_id", "current_transaction_id", "current_query_id", "txid_current",
        // Sequences: nextval changes them, currval reads them wherever they are.
        "nextval", "currval",
        // Catalog text (comments and definitions of objects in any schema).
        "col_description", "obj_description", "shobj_description", "format_pg_type", "map_to_pg_oid",
        // SQL that runs more SQL.
        "json_execute_serialized_sql", "sql_auto_complete",
        // Files, when built as scalars by an extension.
        "read_text", "read_blob", "glob");

    /// <summary>Name prefixes of function families refused anywhere: catalog, pragma, file, test and switch functions.</summary>
    internal static readonly ImmutableArray<string> RefusedFunctionPrefixes = [
        "duckdb_", "pragma_", "pg_", "has_", "read_", "write_", "enable_", "disable_", "sqlsmith", "sqlancer", "test_", "parquet_", "iceberg_", "delta_", "sqlite_", "postgres_", "mysql_"];

    /// <summary>
    /// Plan operators a non-admin's plan may hold besides table scans and allowed table functions: they compute
    /// only from their children. Anything else is refused by name (fail closed).
    /// </summary>
    internal static readonly FrozenSet<string> AllowedOperators = FrozenSet.Create(
        StringComparer.Ordinal,
        "PROJECTION", "FILTER", "ORDER_BY", "TOP_N", "LIMIT", "STREAMING_LIMIT", "LIMIT_PERCENT",
        "HASH_GROUP_BY", "PERFECT_HASH_GROUP_BY", "UNGROUPED_AGGREGATE", "PARTITIONED_AGGREGATE", "WINDOW", "STREAMING_WINDOW",
        "HASH_JOIN", "NESTED_LOOP_JOIN", "BLOCKWISE_NL_JOIN", "PIECEWISE_MERGE_JOIN", "IE_JOIN", "ASOF_JOIN", "CROSS_PRODUCT",
        "LEFT_DELIM_JOIN", "RIGHT_DELIM_JOIN", "DELIM_JOIN", "DELIM_SCAN", "POSITIONAL_JOIN", "POSITIONAL_SCAN",
        "UNION", "CTE", "CTE_SCAN", "REC_CTE", "REC_CTE_SCAN", "REC_KEY_CTE", "UNNEST",
        "COLUMN_DATA_SCAN", "DUMMY_SCAN", "EMPTY_RESULT", "RESERVOIR_SAMPLE", "STREAMING_SAMPLE");

    /// <summary>Plan operators that scan a table named in their <c>Table</c>.</summary>
    internal static readonly FrozenSet<string> TableScanOperators = FrozenSet.Create(StringComparer.Ordinal, "SEQ_SCAN", "TABLE_SCAN", "INDEX_SCAN");

    /// <summary>Schemas and catalogs that describe the database rather than hold datasets; refused in a non-admin's SQL.</summary>
    internal static readonly FrozenSet<string> CatalogSchemas = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "information_schema", "pg_catalog");

    private static bool IsRefusedFunction(string name) =>
        RefusedScalarFunctions.Contains(name) || RefusedFunctionPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
}
