using System.Collections;
using System.Globalization;
using System.Text;
using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Filters;

/// <summary><c>tojson</c> (Python's json.dumps with sorted keys, HTML-safe) and <c>pprint</c> (Python's pprint.pformat).</summary>
internal static class SerializationFilters
{
    public static object? ToJson(Renderer r, object? value, Arguments args)
    {
        var indentArg = args.Get(0, "indent");
        var indent = indentArg switch
        {
            null => null,
            string s => s,
            _ => new string(' ', Math.Max(0, Numbers.ToInt(indentArg))),
        };
        var sb = new StringBuilder();
        WriteJson(sb, value, indent, 0);
        return PyOps.CheckLength(sb.ToString());
    }

    private static void WriteJson(StringBuilder sb, object? value, string? indent, int level)
    {
        if (level > 200)
        {
            throw PyException.Value("Circular reference detected");
        }

        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case string s:
                WriteJsonString(sb, s);
                return;
            case char c:
                WriteJsonString(sb, c.ToString());
                return;
            case Undefined:
                throw PyException.Type("Object of type Undefined is not JSON serializable");
            default:
                break;
        }

        if (Numbers.IsInt(value))
        {
            sb.Append(Numbers.ToBig(value).ToString(CultureInfo.InvariantCulture));
            return;
        }

        if (Numbers.IsFloat(value))
        {
            var d = Numbers.ToDouble(value);
            sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyFormat.FloatRepr(d));
            return;
        }

        if (PyOps.IsMapping(value))
        {
            var items = PyOps.MappingItems(value!).ToList();
            items.Sort((a, b) => PyOps.Compare(a.Key, b.Key));
            if (items.Count == 0)
            {
                sb.Append("{}");
                return;
            }

            sb.Append('{');
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(indent is null ? ", " : ",");
                }

                NewLine(sb, indent, level + 1);
                var key = items[i].Key switch
                {
                    string s => s,
                    null => "null",
                    bool b => b ? "true" : "false",
                    double d => PyFormat.FloatRepr(d),
                    var k when Numbers.IsInt(k) => PyFormat.ToStr(k),
                    var k => throw PyException.Type($"keys must be str, int, float, bool or None, not {PyOps.TypeName(k)}"),
                };
                WriteJsonString(sb, key);
                sb.Append(": ");
                WriteJson(sb, PyOps.Import(items[i].Value), indent, level + 1);
            }

            NewLine(sb, indent, level);
            sb.Append('}');
            return;
        }

        if (value is PyTuple or IList or DictView)
        {
            var items = PyOps.ToList(value);
            if (items.Count == 0)
            {
                sb.Append("[]");
                return;
            }

            sb.Append('[');
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(indent is null ? ", " : ",");
                }

                NewLine(sb, indent, level + 1);
                WriteJson(sb, items[i], indent, level + 1);
            }

            NewLine(sb, indent, level);
            sb.Append(']');
            return;
        }

        throw PyException.Type($"Object of type {PyOps.TypeName(value)} is not JSON serializable");
    }

    private static void NewLine(StringBuilder sb, string? indent, int level)
    {
        if (indent is null)
        {
            return;
        }

        sb.Append('\n');
        for (var i = 0; i < level; i++)
        {
            sb.Append(indent);
        }
    }

    private static void WriteJsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '<' or '>' or '&' or '\'':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (c < ' ' || c > '~')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private const int Width = 80;

    public static object? PrettyPrint(Renderer r, object? value, Arguments args)
    {
        var sb = new StringBuilder();
        Format(sb, value, 0, 0, 0);
        return PyOps.CheckLength(sb.ToString());
    }

    private static List<KeyValuePair<object?, object?>> SortedItems(object mapping)
    {
        var items = PyOps.MappingItems(mapping).ToList();
        items.Sort((a, b) =>
        {
            try
            {
                return PyOps.Compare(a.Key, b.Key);
            }
            catch (PyException)
            {
                return string.CompareOrdinal(PyOps.TypeName(a.Key), PyOps.TypeName(b.Key));
            }
        });
        return items;
    }

    // pprint splits a long string into adjacent literals at word boundaries, in parentheses at the top level.
    private static void FormatString(StringBuilder sb, string text, int indent, int allowance, bool topLevel)
    {
        if (topLevel)
        {
            indent++;
            allowance++;
        }

        var chunks = new List<string>();
        var lines = SplitLinesKeepEnds(text);
        var maxWidth = Width - indent;
        var maxWidth1 = maxWidth;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var lineRep = PyFormat.StringRepr(line);
            if (i == lines.Count - 1)
            {
                maxWidth1 -= allowance;
            }

            if (lineRep.Length <= maxWidth1)
            {
                chunks.Add(lineRep);
                continue;
            }

            var parts = WordParts(line);
            var maxWidth2 = maxWidth;
            var current = string.Empty;
            for (var j = 0; j < parts.Count; j++)
            {
                var candidate = current + parts[j];
                if (j == parts.Count - 1 && i == lines.Count - 1)
                {
                    maxWidth2 -= allowance;
                }

                if (PyFormat.StringRepr(candidate).Length > maxWidth2)
                {
                    if (current.Length > 0)
                    {
                        chunks.Add(PyFormat.StringRepr(current));
                    }

                    current = parts[j];
                }
                else
                {
                    current = candidate;
                }
            }

            if (current.Length > 0)
            {
                chunks.Add(PyFormat.StringRepr(current));
            }
        }

        if (chunks.Count == 1)
        {
            sb.Append(PyFormat.StringRepr(text));
            return;
        }

        if (topLevel)
        {
            sb.Append('(');
        }

        for (var i = 0; i < chunks.Count; i++)
        {
            if (i > 0)
            {
                sb.Append('\n').Append(' ', indent);
            }

            sb.Append(chunks[i]);
        }

        if (topLevel)
        {
            sb.Append(')');
        }
    }

    private static List<string> SplitLinesKeepEnds(string s)
    {
        var result = new List<string>();
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
                {
                    i++;
                }

                result.Add(s[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < s.Length)
        {
            result.Add(s[start..]);
        }

        return result;
    }

    // re.findall(r'\S*\s*', line) without the final empty match.
    private static List<string> WordParts(string line)
    {
        var parts = new List<string>();
        var i = 0;
        while (i < line.Length)
        {
            var start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            while (i < line.Length && char.IsWhiteSpace(line[i]))
            {
                i++;
            }

            parts.Add(line[start..i]);
        }

        return parts;
    }

    private static string SafeRepr(object? value, int depth = 0)
    {
        if (depth > 64)
        {
            return "...";
        }

        if (PyOps.IsMapping(value))
        {
            return "{" + string.Join(", ", SortedItems(value!).Select(kv => SafeRepr(kv.Key, depth + 1) + ": " + SafeRepr(PyOps.Import(kv.Value), depth + 1))) + "}";
        }

        switch (value)
        {
            case PyTuple t:
                return t.Count == 1 ? "(" + SafeRepr(t[0], depth + 1) + ",)" : "(" + string.Join(", ", t.Items.Select(x => SafeRepr(x, depth + 1))) + ")";
            case IList l:
                return "[" + string.Join(", ", l.Cast<object?>().Select(x => SafeRepr(PyOps.Import(x), depth + 1))) + "]";
            default:
                return PyFormat.Repr(value);
        }
    }

    private static void Format(StringBuilder sb, object? value, int indent, int allowance, int depth)
    {
        var rep = SafeRepr(value, depth);
        if (rep.Length <= Width - indent - allowance || depth > 64)
        {
            sb.Append(rep);
            return;
        }

        if (value is string text)
        {
            FormatString(sb, text, indent, allowance, depth == 0);
            return;
        }

        if (PyOps.IsMapping(value))
        {
            sb.Append('{');
            var items = SortedItems(value!);
            var inner = indent + 1;
            for (var i = 0; i < items.Count; i++)
            {
                var last = i == items.Count - 1;
                var key = SafeRepr(items[i].Key);
                sb.Append(key).Append(": ");
                Format(sb, PyOps.Import(items[i].Value), inner + key.Length + 2, last ? allowance + 1 : 1, depth + 1);
                if (!last)
                {
                    sb.Append(",\n").Append(' ', inner);
                }
            }

            sb.Append('}');
            return;
        }

        if (value is PyTuple or IList)
        {
            var items = PyOps.ToList(value);
            var (open, close) = value is PyTuple ? ("(", items.Count == 1 ? ",)" : ")") : ("[", "]");
            sb.Append(open);
            var inner = indent + 1;
            var itemAllowance = allowance + close.Length;
            for (var i = 0; i < items.Count; i++)
            {
                var last = i == items.Count - 1;
                if (i > 0)
                {
                    sb.Append(",\n").Append(' ', inner);
                }

                Format(sb, items[i], inner, last ? itemAllowance : 1, depth + 1);
            }

            sb.Append(close);
            return;
        }

        sb.Append(rep);
    }
}
