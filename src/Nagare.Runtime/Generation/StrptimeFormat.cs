using System.Text;

namespace Nagare.Runtime.Generation;

/// <summary>
/// Date formats as analysts write them in sheets (<c>yyyymmdd</c>, <c>yyyy/mm/dd hh24:mi:ss</c>) turned into
/// DuckDB <c>strptime</c> formats. A format that already has a <c>%</c> is used as it is.
/// </summary>
public static class StrptimeFormat
{
    private static readonly (string Token, string Format)[] Tokens =
    [
        ("yyyy", "%Y"), ("yy", "%y"), ("mm", "%m"), ("dd", "%d"), ("hh24", "%H"), ("hh", "%H"), ("mi", "%M"), ("ss", "%S"), ("ff", "%f"),
    ];

    /// <summary>The strptime form of <paramref name="format"/>; <c>mm</c> is the month and <c>mi</c> the minute.</summary>
    public static string Translate(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.Contains('%', StringComparison.Ordinal))
        {
            return format;
        }

        var result = new StringBuilder(format.Length * 2);
        var i = 0;
        while (i < format.Length)
        {
            var matched = false;
            foreach (var (token, replacement) in Tokens)
            {
                if (string.Compare(format, i, token, 0, token.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    result.Append(replacement);
                    i += token.Length;
                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                result.Append(format[i++]);
            }
        }

        return result.ToString();
    }
}
