namespace Nagare.Runtime.Replication;

/// <summary>Glob matching for stream and column selection: <c>*</c> any run of characters, <c>?</c> one character, <c>[abc]</c> one of a set; ordinal.</summary>
public static class GlobPattern
{
    /// <summary>True when <paramref name="text"/> matches <paramref name="pattern"/> as a whole.</summary>
    public static bool IsMatch(string pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.Length && MatchOne(pattern, ref p, text[t]))
            {
                t++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>
    /// The glob that matches exactly <paramref name="text"/>. A glob has no escape character: a literal <c>*</c>,
    /// <c>?</c> or <c>[</c> is written as the one-character set <c>[*]</c>, <c>[?]</c>, <c>[[]</c>.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny(['*', '?', '[']) < 0)
        {
            return text;
        }

        var escaped = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[')
            {
                escaped.Append('[').Append(c).Append(']');
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>True when the pattern has no wildcard (it names exactly one thing).</summary>
    public static bool IsLiteral(string pattern) => pattern.IndexOfAny(['*', '?', '[']) < 0;

    private static bool MatchOne(string pattern, ref int p, char c)
    {
        if (pattern[p] == '?')
        {
            p++;
            return true;
        }

        if (pattern[p] == '[')
        {
            var end = pattern.IndexOf(']', p + 1);
            if (end > p + 1)
            {
                var set = pattern.AsSpan(p + 1, end - p - 1);
                var negate = set[0] == '!';
                if (negate)
                {
                    set = set[1..];
                }

                var found = false;
                for (var i = 0; i < set.Length; i++)
                {
                    if (i + 2 < set.Length && set[i + 1] == '-')
                    {
                        found |= c >= set[i] && c <= set[i + 2];
                        i += 2;
                    }
                    else
                    {
                        found |= c == set[i];
                    }
                }

                if (found != negate)
                {
                    p = end + 1;
                    return true;
                }

                return false;
            }
        }

        if (pattern[p] == c)
        {
            p++;
            return true;
        }

        return false;
    }
}
