using System.Text;
using Nagare.Core;

namespace Nagare.Runtime.Replication;

/// <summary>Substitutes <c>{{ name }}</c> in custom SQL with query variables.</summary>
public static class QueryVariables
{
    /// <summary>Renders <paramref name="sql"/>; an unknown variable is an error naming it and the known ones.</summary>
    /// <exception cref="NagareException">A variable is not defined.</exception>
    public static string Render(string sql, IReadOnlyDictionary<string, string> variables, string where)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(variables);
        var result = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var open = sql.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                result.Append(sql, i, sql.Length - i);
                break;
            }

            var close = sql.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new NagareException($"{where}: unclosed '{{{{' in sql.");
            }

            result.Append(sql, i, open - i);
            var name = sql[(open + 2)..close].Trim();
            if (!variables.TryGetValue(name, out var value))
            {
                throw new NagareException($"{where}: query variable '{name}' is not defined (known: {(variables.Count == 0 ? "none" : string.Join(", ", variables.Keys.Order(StringComparer.Ordinal)))}).")
                {
                    Hint = $"Add it under 'vars:' in the sync, or pass --var {name}=VALUE.",
                };
            }

            result.Append(value);
            i = close + 2;
        }

        return result.ToString();
    }
}
