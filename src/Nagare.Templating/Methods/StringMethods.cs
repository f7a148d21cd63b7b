using System.Collections.Frozen;
using System.Text;
using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Methods;

/// <summary>Python <c>str</c> methods with Python's semantics (whitespace splitting, negative counts, tuples of prefixes).</summary>
internal static class StringMethods
{
    public static readonly FrozenSet<string> Names = new[]
    {
        "upper", "lower", "split", "rsplit", "startswith", "endswith", "replace", "strip", "lstrip", "rstrip",
        "format", "join", "title", "capitalize", "find", "rfind", "index", "rindex", "count", "isdigit", "isalpha",
        "isalnum", "isspace", "islower", "isupper", "isnumeric", "isdecimal", "istitle", "zfill", "ljust", "rjust",
        "center", "splitlines", "partition", "rpartition", "swapcase", "casefold", "removeprefix", "removesuffix",
        "format_map",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static object? Call(Renderer renderer, string s, string name, Arguments args)
    {
        switch (name)
        {
            case "upper":
                return CaseMapping.Upper(s);
            case "lower" or "casefold":
                return CaseMapping.Lower(s);
            case "split":
                return Split(s, args.Get(0, "sep"), Numbers.ToInt(args.Get(1, "maxsplit", -1L)));
            case "rsplit":
                return RSplit(s, args.Get(0, "sep"), Numbers.ToInt(args.Get(1, "maxsplit", -1L)));
            case "startswith" or "endswith":
                return Affix(s, name == "startswith", args);
            case "replace":
                return Replace(s, Str(args.Get(0, "old")), Str(args.Get(1, "new")), Numbers.ToInt(args.Get(2, "count", -1L)));
            case "strip":
                return Strip(s, args.Get(0, "chars"), true, true);
            case "lstrip":
                return Strip(s, args.Get(0, "chars"), true, false);
            case "rstrip":
                return Strip(s, args.Get(0, "chars"), false, true);
            case "format":
                return PyFormat.StrFormat(s, args.Positional, (IReadOnlyDictionary<string, object?>?)args.Keyword ?? new Dictionary<string, object?>(), renderer.GetAttr);
            case "format_map":
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var kv in PyOps.MappingItems(args.Get(0, "mapping") ?? new PyDict()))
                {
                    map[PyFormat.ToStr(kv.Key)] = kv.Value;
                }

                return PyFormat.StrFormat(s, [], map, renderer.GetAttr);
            case "join":
                return Join(s, args.Get(0, "iterable"));
            case "title":
                return Title(s);
            case "capitalize":
                return Capitalize(s);
            case "find" or "index":
                {
                    var (start, end) = Bounds(s, args, 1);
                    var i = end < start ? -1 : s.IndexOf(Str(args.Get(0, "sub")), start, end - start, StringComparison.Ordinal);
                    if (i < 0 && name == "index")
                    {
                        throw PyException.Value("substring not found");
                    }

                    return (long)(i < 0 ? i : CodePoints.FromUtf16(s, i));
                }

            case "rfind" or "rindex":
                {
                    var (start, end) = Bounds(s, args, 1);
                    var sub = Str(args.Get(0, "sub"));
                    var i = end < start ? -1 : s[start..end].LastIndexOf(sub, StringComparison.Ordinal);
                    if (i >= 0)
                    {
                        i = CodePoints.FromUtf16(s, i + start);
                    }

                    if (i < 0 && name == "rindex")
                    {
                        throw PyException.Value("substring not found");
                    }

                    return (long)i;
                }

            case "count":
                {
                    var (start, end) = Bounds(s, args, 1);
                    return (long)Count(end < start ? string.Empty : s[start..end], Str(args.Get(0, "sub")));
                }

            // By rune, so letters and digits outside the BMP are classified as Python does.
            case "isdigit" or "isnumeric" or "isdecimal":
                return s.Length > 0 && All(s, Rune.IsDigit);
            case "isalpha":
                return s.Length > 0 && All(s, Rune.IsLetter);
            case "isalnum":
                return s.Length > 0 && All(s, Rune.IsLetterOrDigit);
            case "isspace":
                return s.Length > 0 && All(s, Rune.IsWhiteSpace);
            case "islower":
                return !All(s, r => !Rune.IsLetter(r)) && All(s, r => !Rune.IsUpper(r));
            case "isupper":
                return !All(s, r => !Rune.IsLetter(r)) && All(s, r => !Rune.IsLower(r));
            case "istitle":
                return s.Any(char.IsLetter) && Title(s) == s;
            case "zfill":
                {
                    var width = Numbers.ToInt(args.Get(0, "width"));
                    var length = CodePoints.Length(s);
                    if (length >= width)
                    {
                        return s;
                    }

                    var sign = s.Length > 0 && s[0] is '+' or '-' ? 1 : 0;
                    return s[..sign] + new string('0', width - length) + s[sign..];
                }

            case "ljust" or "rjust" or "center":
                {
                    var width = Numbers.ToInt(args.Get(0, "width"));
                    var fill = Str(args.Get(1, "fillchar", " "));
                    if (!CodePoints.IsOne(fill))
                    {
                        throw PyException.Type("The fill character must be exactly one character long");
                    }

                    var pad = width - CodePoints.Length(s);
                    return name switch
                    {
                        _ when pad <= 0 => s,
                        "ljust" => CodePoints.AppendRepeated(new StringBuilder(s), fill, pad).ToString(),
                        "rjust" => CodePoints.AppendRepeated(new StringBuilder(), fill, pad).Append(s).ToString(),
                        _ => Center(s, width, fill),
                    };
                }

            case "splitlines":
                return SplitLines(s, PyOps.Truthy(args.Get(0, "keepends", false)));
            case "partition" or "rpartition":
                {
                    var sep = Str(args.Get(0, "sep"));
                    if (sep.Length == 0)
                    {
                        throw PyException.Value("empty separator");
                    }

                    var i = name == "partition" ? s.IndexOf(sep, StringComparison.Ordinal) : s.LastIndexOf(sep, StringComparison.Ordinal);
                    if (i < 0)
                    {
                        return name == "partition" ? new PyTuple([s, string.Empty, string.Empty]) : new PyTuple([string.Empty, string.Empty, s]);
                    }

                    return new PyTuple([s[..i], sep, s[(i + sep.Length)..]]);
                }

            case "swapcase":
                {
                    var sb = new StringBuilder(s.Length);
                    foreach (var r in s.EnumerateRunes())
                    {
                        sb.Append((Rune.IsUpper(r) ? Rune.ToLowerInvariant(r) : Rune.ToUpperInvariant(r)).ToString());
                    }

                    return sb.ToString();
                }
            case "removeprefix":
                {
                    var p = Str(args.Get(0, "prefix"));
                    return s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s;
                }

            case "removesuffix":
                {
                    var p = Str(args.Get(0, "suffix"));
                    return p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s;
                }

            default:
                throw PyException.Type($"'str' object has no attribute '{name}'");
        }
    }

    private static string Str(object? v) => v as string ?? throw PyException.Type($"must be str, not {PyOps.TypeName(v)}");

    private static bool All(string s, Func<Rune, bool> test)
    {
        foreach (var r in s.EnumerateRunes())
        {
            if (!test(r))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Python's <c>start</c>/<c>end</c> arguments, given in code points, as UTF-16 indexes into <paramref name="s"/>.</summary>
    private static (int Start, int End) Bounds(string s, Arguments args, int first)
    {
        var length = CodePoints.Length(s);
        int Norm(object? v, int dflt)
        {
            if (v is null)
            {
                return dflt;
            }

            var i = Numbers.ToInt(v);
            if (i < 0)
            {
                i = Math.Max(0, i + length);
            }

            return Math.Min(i, length);
        }

        var start = Norm(args.Get(first, "start"), 0);
        var end = Norm(args.Get(first + 1, "end"), length);
        return end < start ? (start, end) : (CodePoints.ToUtf16(s, start), CodePoints.ToUtf16(s, end));
    }

    /// <summary>Python's <c>str.capitalize()</c>: the first character in title case, the rest lower-cased.</summary>
    public static string Capitalize(string s)
    {
        if (s.Length == 0)
        {
            return s;
        }

        var first = char.IsSurrogatePair(s, 0) ? 2 : 1;
        var head = first == 1 ? CaseMapping.Title(s[0]) : CaseMapping.Upper(s[..2]);
        return head + CaseMapping.Lower(s[first..]);
    }

    public static int Count(string s, string sub)
    {
        if (sub.Length == 0)
        {
            return CodePoints.Length(s) + 1;
        }

        var count = 0;
        var i = 0;
        while ((i = s.IndexOf(sub, i, StringComparison.Ordinal)) >= 0)
        {
            count++;
            i += sub.Length;
        }

        return count;
    }

    /// <summary>Python's <c>str.center()</c>; width and fill count in code points.</summary>
    public static string Center(string s, int width, string fill)
    {
        var length = CodePoints.Length(s);
        if (length >= width)
        {
            return s;
        }

        var marg = width - length;
        var left = (marg / 2) + (marg & width & 1);
        if (fill.Length == 1)
        {
            return new string(fill[0], left) + s + new string(fill[0], marg - left);
        }

        return CodePoints.AppendRepeated(CodePoints.AppendRepeated(new StringBuilder(), fill, left).Append(s), fill, marg - left).ToString();
    }

    public static List<object?> Split(string s, object? sep, int maxsplit)
    {
        var result = new List<object?>();
        if (sep is null or Undefined)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i]))
                {
                    i++;
                }

                if (i >= s.Length)
                {
                    break;
                }

                if (maxsplit >= 0 && result.Count == maxsplit)
                {
                    result.Add(s[i..].TrimEnd());
                    break;
                }

                var j = i;
                while (j < s.Length && !char.IsWhiteSpace(s[j]))
                {
                    j++;
                }

                result.Add(s[i..j]);
                i = j;
            }

            return result;
        }

        var separator = Str(sep);
        if (separator.Length == 0)
        {
            throw PyException.Value("empty separator");
        }

        var start = 0;
        while (maxsplit < 0 || result.Count < maxsplit)
        {
            var k = s.IndexOf(separator, start, StringComparison.Ordinal);
            if (k < 0)
            {
                break;
            }

            result.Add(s[start..k]);
            start = k + separator.Length;
        }

        result.Add(s[start..]);
        return result;
    }

    private static List<object?> RSplit(string s, object? sep, int maxsplit)
    {
        if (maxsplit < 0)
        {
            return Split(s, sep, maxsplit);
        }

        var result = new List<object?>();
        if (sep is null or Undefined)
        {
            var i = s.Length;
            while (true)
            {
                while (i > 0 && char.IsWhiteSpace(s[i - 1]))
                {
                    i--;
                }

                if (i <= 0)
                {
                    break;
                }

                if (result.Count == maxsplit)
                {
                    result.Add(s[..i].TrimStart());
                    break;
                }

                var j = i;
                while (j > 0 && !char.IsWhiteSpace(s[j - 1]))
                {
                    j--;
                }

                result.Add(s[j..i]);
                i = j;
            }

            result.Reverse();
            return result;
        }

        var separator = Str(sep);
        if (separator.Length == 0)
        {
            throw PyException.Value("empty separator");
        }

        var end = s.Length;
        while (result.Count < maxsplit)
        {
            var k = end - separator.Length < 0 ? -1 : s.LastIndexOf(separator, end - 1, end, StringComparison.Ordinal);
            if (k < 0)
            {
                break;
            }

            result.Add(s[(k + separator.Length)..end]);
            end = k;
        }

        result.Add(s[..end]);
        result.Reverse();
        return result;
    }

    private static bool Affix(string s, bool start, Arguments args)
    {
        var (from, to) = Bounds(s, args, 1);
        var target = to < from ? string.Empty : s[from..to];
        var affix = args.Get(0, start ? "prefix" : "suffix");
        var options = affix is PyTuple t ? t.Items : [affix];
        foreach (var o in options)
        {
            var a = o as string ?? throw PyException.Type($"{(start ? "startswith" : "endswith")} first arg must be str or a tuple of str, not {PyOps.TypeName(o)}");
            if (start ? target.StartsWith(a, StringComparison.Ordinal) : target.EndsWith(a, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static string Replace(string s, string old, string replacement, int count)
    {
        if (count == 0)
        {
            return s;
        }

        if (old.Length == 0)
        {
            // Python inserts between characters, so never inside a surrogate pair.
            var sb = new StringBuilder();
            var n = 0;
            for (var i = 0; i <= s.Length; i++)
            {
                if (count < 0 || n < count)
                {
                    sb.Append(replacement);
                    n++;
                }

                if (i < s.Length)
                {
                    sb.Append(s[i]);
                    if (char.IsSurrogatePair(s, i))
                    {
                        sb.Append(s[++i]);
                    }
                }
            }

            return PyOps.CheckLength(sb.ToString());
        }

        if (count < 0)
        {
            return PyOps.CheckLength(s.Replace(old, replacement, StringComparison.Ordinal));
        }

        var result = new StringBuilder();
        var pos = 0;
        var done = 0;
        while (done < count)
        {
            var k = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (k < 0)
            {
                break;
            }

            result.Append(s, pos, k - pos).Append(replacement);
            pos = k + old.Length;
            done++;
        }

        result.Append(s, pos, s.Length - pos);
        return PyOps.CheckLength(result.ToString());
    }

    public static string Strip(string s, object? chars, bool left, bool right)
    {
        if (chars is null or Undefined)
        {
            return left && right ? s.Trim() : left ? s.TrimStart() : s.TrimEnd();
        }

        var text = Str(chars);
        if (!CodePoints.HasSurrogates(text) && !CodePoints.HasSurrogates(s))
        {
            var set = text.ToCharArray();
            return left && right ? s.Trim(set) : left ? s.TrimStart(set) : s.TrimEnd(set);
        }

        // Strip whole characters: trimming UTF-16 units could cut a surrogate pair in half.
        var strip = CodePoints.Enumerate(text).ToHashSet(StringComparer.Ordinal);
        var items = CodePoints.Enumerate(s).ToList();
        var from = 0;
        var to = items.Count;
        while (left && from < to && strip.Contains(items[from]))
        {
            from++;
        }

        while (right && to > from && strip.Contains(items[to - 1]))
        {
            to--;
        }

        return string.Concat(items.GetRange(from, to - from));
    }

    private static string Join(string separator, object? iterable)
    {
        var sb = new StringBuilder();
        var i = 0;
        foreach (var item in PyOps.Iterate(iterable))
        {
            if (item is not string text)
            {
                throw PyException.Type($"sequence item {i}: expected str instance, {PyOps.TypeName(item)} found");
            }

            if (i > 0)
            {
                sb.Append(separator);
            }

            sb.Append(text);
            i++;
        }

        return PyOps.CheckLength(sb.ToString());
    }

    /// <summary>Python's <c>str.title()</c>: a letter after a non-letter is upper-cased, other letters lower-cased.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousCased = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsSurrogatePair(s, i))
            {
                var pair = s.Substring(i++, 2);
                var letter = Rune.IsLetter(Rune.GetRuneAt(pair, 0));
                sb.Append(!letter ? pair : previousCased ? CaseMapping.Lower(pair) : CaseMapping.Upper(pair));
                previousCased = letter;
            }
            else if (char.IsLetter(c))
            {
                sb.Append(previousCased ? CaseMapping.Lower(c.ToString()) : CaseMapping.Title(c));
                previousCased = true;
            }
            else
            {
                sb.Append(c);
                previousCased = false;
            }
        }

        return sb.ToString();
    }

    private static List<object?> SplitLines(string s, bool keepEnds)
    {
        var result = new List<object?>();
        var start = 0;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                var eol = i + 1;
                if (c == '\r' && eol < s.Length && s[eol] == '\n')
                {
                    eol++;
                }

                result.Add(keepEnds ? s[start..eol] : s[start..i]);
                start = i = eol;
                continue;
            }

            i++;
        }

        if (start < s.Length)
        {
            result.Add(s[start..]);
        }

        return result;
    }
}
