using System.Text;
using Nagare.Templating.Methods;
using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Filters;

/// <summary>Text filters. Every one converts its input with Python's <c>str()</c> first, as Jinja's <c>soft_str</c> does.</summary>
internal static class StringFilters
{
    private static string S(object? v) => v as string ?? PyFormat.ToStr(v);

    // indent and wordwrap use string operations directly in Jinja, so other types raise.
    private static string RequireString(object? v, string operation) => v switch
    {
        string s => s,
        Undefined u => throw PyException.Undefined(u),
        _ when operation == "+=" => throw PyException.Type($"unsupported operand type(s) for +=: '{PyOps.TypeName(v)}' and 'str'"),
        _ => throw new PyException("AttributeError", $"'{PyOps.TypeName(v)}' object has no attribute '{operation}'"),
    };

    public static object? String(Renderer r, object? value, Arguments args) => S(value);

    public static object? Lower(Renderer r, object? value, Arguments args) => CaseMapping.Lower(S(value));

    public static object? Upper(Renderer r, object? value, Arguments args) => CaseMapping.Upper(S(value));

    public static object? Capitalize(Renderer r, object? value, Arguments args) => StringMethods.Capitalize(S(value));

    public static object? Center(Renderer r, object? value, Arguments args) =>
        StringMethods.Center(S(value), Numbers.ToInt(args.Get(0, "width", 80L)), " ");

    public static object? Format(Renderer r, object? value, Arguments args)
    {
        if (args.Count > 0 && args.Keyword is { Count: > 0 })
        {
            throw new PyException("FilterArgumentError", "can't handle positional and keyword arguments at the same time");
        }

        if (args.Keyword is { Count: > 0 })
        {
            var d = new PyDict();
            foreach (var kv in args.Keyword)
            {
                d[kv.Key] = kv.Value;
            }

            return PyFormat.Printf(S(value), d);
        }

        return PyFormat.Printf(S(value), new PyTuple([.. args.Positional]));
    }

    public static object? Indent(Renderer r, object? value, Arguments args)
    {
        var width = args.Get(0, "width", 4L);
        var first = PyOps.Truthy(args.Get(1, "first", false));
        var blank = PyOps.Truthy(args.Get(2, "blank", false));
        var indention = width as string ?? new string(' ', Math.Max(0, Numbers.ToInt(width)));
        var s = RequireString(value, "+=") + "\n";
        var lines = SplitLines(s);
        string rv;
        if (blank)
        {
            rv = string.Join("\n" + indention, lines);
        }
        else
        {
            var sb = new StringBuilder(lines.Count > 0 ? lines[0] : string.Empty);
            if (lines.Count > 1)
            {
                sb.Append('\n');
                for (var i = 1; i < lines.Count; i++)
                {
                    if (i > 1)
                    {
                        sb.Append('\n');
                    }

                    if (lines[i].Length > 0)
                    {
                        sb.Append(indention);
                    }

                    sb.Append(lines[i]);
                }
            }

            rv = sb.ToString();
        }

        return PyOps.CheckLength(first ? indention + rv : rv);
    }

    private static List<string> SplitLines(string s)
    {
        var result = new List<string>();
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                result.Add(s[start..i]);
                if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        if (start < s.Length)
        {
            result.Add(s[start..]);
        }

        return result;
    }

    public static object? Replace(Renderer r, object? value, Arguments args)
    {
        var count = args.Get(2, "count");
        return StringMethods.Replace(S(value), S(args.Get(0, "old")), S(args.Get(1, "new")), count is null ? -1 : Numbers.ToInt(count));
    }

    /// <summary>Jinja's title: upper-cases the first character after spaces, dashes and opening brackets, lower-cases the rest.</summary>
    public static object? Title(Renderer r, object? value, Arguments args)
    {
        var s = S(value);
        var sb = new StringBuilder(s.Length);
        var start = true;
        foreach (var c in s)
        {
            if (c is '-' or '(' or '{' or '[' or '<' || char.IsWhiteSpace(c))
            {
                sb.Append(c);
                start = true;
            }
            else
            {
                sb.Append(start ? CaseMapping.Upper(c.ToString()) : CaseMapping.Lower(c.ToString()));
                start = false;
            }
        }

        return sb.ToString();
    }

    public static object? Trim(Renderer r, object? value, Arguments args) =>
        StringMethods.Strip(S(value), args.Get(0, "chars"), true, true);

    public static object? Truncate(Renderer r, object? value, Arguments args)
    {
        var length = Numbers.ToInt(args.Get(0, "length", 255L));
        var killWords = PyOps.Truthy(args.Get(1, "killwords", false));
        var end = S(args.Get(2, "end", "..."));
        var leeway = args.Get(3, "leeway") is { } lw and not Undefined ? Numbers.ToInt(lw) : 5;
        var endLength = CodePoints.Length(end);
        if (length < endLength)
        {
            throw new PyException("AssertionError", $"expected length >= {endLength}, got {length}");
        }

        if (PyOps.Length(value) <= length + leeway)
        {
            return value;
        }

        var s = value as string ?? throw PyException.Type($"'{PyOps.TypeName(value)}' cannot be truncated");

        var head = CodePoints.Substring(s, 0, length - endLength);
        if (killWords)
        {
            return head + end;
        }

        var space = head.LastIndexOf(' ');
        return (space >= 0 ? head[..space] : head) + end;
    }

    public static object? WordCount(Renderer r, object? value, Arguments args)
    {
        long count = 0;
        var inWord = false;
        foreach (var c in S(value).EnumerateRunes())
        {
            // By rune, so a letter outside the BMP is a word character as in Python's \w.
            var word = Rune.IsLetterOrDigit(c) || c.Value == '_';
            if (word && !inWord)
            {
                count++;
            }

            inWord = word;
        }

        return count;
    }

    public static object? WordWrap(Renderer r, object? value, Arguments args)
    {
        var width = Numbers.ToInt(args.Get(0, "width", 79L));
        var breakLong = PyOps.Truthy(args.Get(1, "break_long_words", true));
        var wrapString = args.Get(2, "wrapstring") is string ws ? ws : "\n";
        var breakOnHyphens = PyOps.Truthy(args.Get(3, "break_on_hyphens", true));
        if (width <= 0)
        {
            throw PyException.Value($"invalid width {width} (must be > 0)");
        }

        var lines = SplitLines(RequireString(value, "splitlines"));
        return string.Join(wrapString, lines.Select(line => string.Join(wrapString, TextWrap.Wrap(line, width, breakLong, breakOnHyphens))));
    }

    public static object? StripTags(Renderer r, object? value, Arguments args)
    {
        var s = S(value);
        var sb = new StringBuilder();
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] == '<')
            {
                var close = s.IndexOf('>', i);
                if (close > i)
                {
                    i = close + 1;
                    sb.Append(' ');
                    continue;
                }
            }

            sb.Append(s[i++]);
        }

        var words = sb.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return System.Net.WebUtility.HtmlDecode(string.Join(' ', words));
    }

    public static object? Escape(Renderer r, object? value, Arguments args)
    {
        var s = S(value);
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&#34;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }

    public static object? Safe(Renderer r, object? value, Arguments args) => value is Undefined ? string.Empty : S(value);

    public static object? UrlEncode(Renderer r, object? value, Arguments args)
    {
        static string Quote(string s, string safe)
        {
            var sb = new StringBuilder();
            foreach (var b in Encoding.UTF8.GetBytes(s))
            {
                var c = (char)b;
                if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '~' || safe.Contains(c, StringComparison.Ordinal))
                {
                    sb.Append(c);
                }
                else
                {
                    sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            return sb.ToString();
        }

        if (value is string s)
        {
            return Quote(s, "/");
        }

        IEnumerable<KeyValuePair<object?, object?>> items = PyOps.IsMapping(value)
            ? PyOps.MappingItems(value!)
            : PyOps.Iterate(value).Select(i => { var p = PyOps.ToList(i); return new KeyValuePair<object?, object?>(p[0], p[1]); });
        string QueryQuote(object? v) => Quote(S(v), string.Empty).Replace("%20", "+", StringComparison.Ordinal);
        return string.Join('&', items.Select(kv => QueryQuote(kv.Key) + "=" + QueryQuote(kv.Value)));
    }
}
