namespace Nagare.Runtime.Access;

/// <summary>
/// The first keyword of each statement of a piece of SQL, to name the kind of a statement in a refusal. Only for
/// messages: what may run is decided by DuckDB's parser, never by this scan.
/// </summary>
internal static class StatementKeywords
{
    private static readonly HashSet<string> QueryKeywords = new(StringComparer.OrdinalIgnoreCase) { "SELECT", "WITH", "FROM", "VALUES", "TABLE" };

    /// <summary>The upper-case first keyword of the first statement that does not start like a query, or null.</summary>
    public static string? FirstNotQuery(string sql)
    {
        var atStart = true;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c) || (atStart && c == '('))
            {
                i++;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                i = sql.IndexOf('\n', i) is var end and >= 0 ? end + 1 : sql.Length;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                i = sql.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : sql.Length;
            }
            else if (c is '\'' or '"')
            {
                i = SkipQuoted(sql, i);
                atStart = false;
            }
            else if (c == ';')
            {
                atStart = true;
                i++;
            }
            else if (atStart && char.IsAsciiLetter(c))
            {
                var start = i;
                while (i < sql.Length && (char.IsAsciiLetter(sql[i]) || sql[i] == '_'))
                {
                    i++;
                }

                var word = sql[start..i].ToUpperInvariant();
                if (!QueryKeywords.Contains(word))
                {
                    return word;
                }

                atStart = false;
            }
            else
            {
                atStart = false;
                i++;
            }
        }

        return null;
    }

    private static int SkipQuoted(string sql, int i)
    {
        var quote = sql[i++];
        while (i < sql.Length)
        {
            if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return i;
    }
}
