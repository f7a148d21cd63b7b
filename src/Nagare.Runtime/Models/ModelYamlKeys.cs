using System.Collections.Frozen;

namespace Nagare.Runtime.Models;

/// <summary>
/// The keys dbt allows in property files (models/**/*.yml), so a misspelt key is an error instead of silently
/// dropping what is under it. The lists follow dbt's property reference and JSON schema and err on the side of
/// accepting: a real dbt project must never be refused for a key dbt knows.
/// </summary>
internal static class ModelYamlKeys
{
    /// <summary>Top level of a property file.</summary>
    public static FrozenSet<string> File { get; } = Set(
        "version", "models", "seeds", "sources", "snapshots", "analyses", "macros", "exposures", "metrics",
        "semantic_models", "saved_queries", "groups", "unit_tests", "data_tests", "tests", "functions", "anchors");

    /// <summary>An entry of <c>models:</c>.</summary>
    public static FrozenSet<string> Model { get; } = Set(
        "name", "description", "columns", "config", "constraints", "data_tests", "tests", "versions", "latest_version",
        "deprecation_date", "access", "group", "contract", "time_spine", "docs", "meta", "tags", "freshness");

    /// <summary>An entry of <c>seeds:</c>.</summary>
    public static FrozenSet<string> Seed { get; } = Set(
        "name", "description", "columns", "config", "data_tests", "tests", "docs", "meta", "tags", "group", "access");

    /// <summary>An entry of <c>sources:</c>.</summary>
    public static FrozenSet<string> Source { get; } = Set(
        "name", "description", "database", "schema", "loader", "loaded_at_field", "loaded_at_query", "meta", "tags",
        "config", "overrides", "freshness", "quoting", "tables", "docs", "external", "external_location", "identifier");

    /// <summary>An entry of a source's <c>tables:</c>.</summary>
    public static FrozenSet<string> SourceTable { get; } = Set(
        "name", "description", "identifier", "schema", "database", "loader", "loaded_at_field", "loaded_at_query",
        "meta", "tags", "config", "freshness", "quoting", "external", "external_location", "columns", "data_tests",
        "tests", "docs");

    /// <summary>An entry of <c>columns:</c> (of a model, seed or source table).</summary>
    public static FrozenSet<string> Column { get; } = Set(
        "name", "description", "data_type", "constraints", "data_tests", "tests", "meta", "tags", "quote", "config",
        "docs", "policy_tags", "granularity", "include", "exclude");

    private static FrozenSet<string> Set(params string[] keys) => keys.ToFrozenSet(StringComparer.Ordinal);
}
