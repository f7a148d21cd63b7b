using System.Text;
using System.Text.RegularExpressions;

namespace Nagare.Connectors.Files;

/// <summary>
/// A glob over paths relative to the connection's root, with <c>/</c> separators: <c>*</c> (any characters but
/// <c>/</c>), <c>?</c> (one character but <c>/</c>), <c>**</c> (any number of folders), <c>[abc]</c>, <c>{a,b}</c>.
/// </summary>
internal sealed class FileGlob
{
    private readonly Regex _regex;

    public FileGlob(string pattern)
    {
        Pattern = pattern.Replace('\\', '/').TrimStart('/');
        _regex = new Regex("^" + Translate(Pattern) + "$", RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    /// <summary>The folder part before the first wildcard (where listing can start), or empty.</summary>
    public string FixedPrefix
    {
        get
        {
            var wildcard = Pattern.IndexOfAny(['*', '?', '[', '{']);
            var fixedPart = wildcard < 0 ? Pattern : Pattern[..wildcard];
            var slash = fixedPart.LastIndexOf('/');
            return slash < 0 ? "" : fixedPart[..slash];
        }
    }

    public bool IsMatch(string relativePath) => _regex.IsMatch(relativePath);

    private static string Translate(string pattern)
    {
        var regex = new StringBuilder();
        var braces = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*' when i + 1 < pattern.Length && pattern[i + 1] == '*':
                    i++;
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    {
                        i++;
                        regex.Append("(?:.*/)?");
                    }
                    else
                    {
                        regex.Append(".*");
                    }

                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        regex.Append(@"\[");
                    }
                    else
                    {
                        var set = pattern[(i + 1)..close];
                        regex.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                        i = close;
                    }

                    break;
                case '{':
                    braces++;
                    regex.Append("(?:");
                    break;
                case '}' when braces > 0:
                    braces--;
                    regex.Append(')');
                    break;
                case ',' when braces > 0:
                    regex.Append('|');
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return regex.ToString();
    }
}
