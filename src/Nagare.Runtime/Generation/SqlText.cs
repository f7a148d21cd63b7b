using System.Collections.Frozen;

namespace Nagare.Runtime.Generation;

/// <summary>DuckDB spelling of identifiers and literals in generated SQL: quoted only when they must be.</summary>
public static class SqlText
{
    // DuckDB's reserved keywords (duckdb_keywords() with category 'reserved'); a test keeps the list in step.
    private static readonly FrozenSet<string> Reserved = new[]
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast", "check",
        "collate", "column", "constraint", "create", "default", "deferrable", "desc", "describe", "distinct", "do", "else",
        "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially",
        "intersect", "into", "lambda", "lateral", "leading", "limit", "not", "null", "offset", "on", "only", "or", "order",
        "pivot", "pivot_longer", "pivot_wider", "placing", "primary", "qualify", "references", "returning", "select",
        "show", "some", "summarize", "symmetric", "table", "then", "to", "trailing", "true", "union", "unique", "unpivot",
        "using", "variadic", "when", "where", "window", "with",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The identifier as written in SQL: bare when lower-case, simple and not reserved; else double-quoted.</summary>
    public static string Identifier(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return IsBare(name) ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A single-quoted string literal.</summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>True when DuckDB reserves <paramref name="word"/> (lower-case).</summary>
    public static bool IsReserved(string word) => Reserved.Contains(word);

    private static bool IsBare(string name)
    {
        if (name.Length == 0 || !(name[0] is (>= 'a' and <= 'z') or '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return !Reserved.Contains(name);
    }
}
