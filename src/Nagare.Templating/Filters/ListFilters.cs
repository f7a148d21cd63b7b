using System.Text;
using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Filters;

/// <summary>
/// Filters over sequences. Where Jinja returns a generator (map, select, batch...) these return a list,
/// which prints and iterates the same way once passed through <c>|list</c> or <c>|join</c>.
/// </summary>
internal static class ListFilters
{
    private static readonly Comparer<object?> PyOrder = Comparer<object?>.Create((a, b) => PyOps.Compare(a, b));

    private static object? IgnoreCase(object? v) => v is string s ? CaseMapping.Lower(s) : v;

    private static Func<object?, object?> AttrGetter(Renderer r, object? attribute, bool ignoreCase, object? dflt = null)
    {
        return item =>
        {
            var v = attribute is null ? item : r.GetAttributePath(item, attribute);
            if (v is Undefined && dflt is not null)
            {
                v = dflt;
            }

            return ignoreCase ? IgnoreCase(v) : v;
        };
    }

    private static Func<object?, object?> MultiAttrGetter(Renderer r, object? attribute, bool ignoreCase)
    {
        if (attribute is string s && s.Contains(',', StringComparison.Ordinal))
        {
            var getters = s.Split(',').Select(part => AttrGetter(r, part, ignoreCase)).ToArray();
            return item => new PyTuple([.. getters.Select(g => g(item))]);
        }

        return AttrGetter(r, attribute, ignoreCase);
    }

    public static object? Batch(Renderer r, object? value, Arguments args)
    {
        var size = Numbers.ToInt(args.Get(0, "linecount"));
        if (size <= 0)
        {
            throw PyException.Value("batch size must be positive");
        }

        var fill = args.Get(1, "fill_with");
        var result = new List<object?>();
        var current = new List<object?>();
        foreach (var item in PyOps.Iterate(value))
        {
            if (current.Count == size)
            {
                result.Add(current);
                current = [];
            }

            current.Add(item);
        }

        if (current.Count > 0)
        {
            if (fill is not null)
            {
                while (current.Count < size)
                {
                    current.Add(fill);
                }
            }

            result.Add(current);
        }

        return result;
    }

    public static object? First(Renderer r, object? value, Arguments args)
    {
        foreach (var item in PyOps.Iterate(value))
        {
            return item;
        }

        return new Undefined(null, "No first item, sequence was empty.");
    }

    public static object? Last(Renderer r, object? value, Arguments args)
    {
        var items = PyOps.ToList(value);
        return items.Count > 0 ? items[^1] : new Undefined(null, "No last item, sequence was empty.");
    }

    public static object? Join(Renderer r, object? value, Arguments args)
    {
        var separator = PyFormat.ToStr(args.Get(0, "d", string.Empty));
        var attribute = args.Get(1, "attribute");
        var getter = attribute is null ? null : AttrGetter(r, attribute, false);
        var sb = new StringBuilder();
        var first = true;
        foreach (var item in PyOps.Iterate(value))
        {
            if (!first)
            {
                sb.Append(separator);
            }

            first = false;
            var v = getter is null ? item : getter(item);
            sb.Append(v as string ?? PyFormat.ToStr(v));
            if (sb.Length > PyOps.MaxLength)
            {
                PyOps.CheckLength(sb.ToString());
            }
        }

        return sb.ToString();
    }

    public static object? Length(Renderer r, object? value, Arguments args) => (long)PyOps.Length(value);

    public static object? ToList(Renderer r, object? value, Arguments args) => PyOps.ToList(value);

    // Jinja's map, select, reject and their attr variants yield nothing for a falsy input instead of iterating it.
    private static IEnumerable<object?> ItemsOrNothing(object? value) => PyOps.Truthy(value) ? PyOps.Iterate(value) : [];

    public static object? Map(Renderer r, object? value, Arguments args)
    {
        var items = ItemsOrNothing(value);
        if (args.Count == 0 && args.Keyword is not null && args.Keyword.TryGetValue("attribute", out var attribute))
        {
            var dflt = args.Keyed("default");
            var getter = AttrGetter(r, attribute, false, dflt);
            return items.Select(getter).ToList();
        }

        if (args.Count == 0)
        {
            throw new PyException("FilterArgumentError", "map requires a filter argument");
        }

        var name = PyFormat.ToStr(args[0]);
        var rest = new Arguments([.. args.Positional.Skip(1)], args.Keyword);
        return items.Select(item => r.CallFilter(name, item, rest)).ToList();
    }

    public static object? Max(Renderer r, object? value, Arguments args) => MinMax(r, value, args, true);

    public static object? Min(Renderer r, object? value, Arguments args) => MinMax(r, value, args, false);

    private static object? MinMax(Renderer r, object? value, Arguments args, bool max)
    {
        var caseSensitive = PyOps.Truthy(args.Get(0, "case_sensitive", false));
        var key = AttrGetter(r, args.Get(1, "attribute"), !caseSensitive);
        object? best = null;
        object? bestKey = null;
        var any = false;
        foreach (var item in PyOps.Iterate(value))
        {
            var k = key(item);
            if (!any || (max ? PyOps.Compare(k, bestKey) > 0 : PyOps.Compare(k, bestKey) < 0))
            {
                best = item;
                bestKey = k;
                any = true;
            }
        }

        return any ? best : new Undefined(null, "No aggregated item, sequence was empty.");
    }

    private static Func<object?, bool> TestFunc(Renderer r, Arguments args, int offset)
    {
        if (args.Count <= offset)
        {
            return PyOps.Truthy;
        }

        var name = PyFormat.ToStr(args[offset]);
        var rest = new Arguments([.. args.Positional.Skip(offset + 1)], args.Keyword);
        return item => r.CallTest(name, item, rest);
    }

    public static object? Select(Renderer r, object? value, Arguments args)
    {
        var test = TestFunc(r, args, 0);
        return ItemsOrNothing(value).Where(test).ToList();
    }

    public static object? Reject(Renderer r, object? value, Arguments args)
    {
        var test = TestFunc(r, args, 0);
        return ItemsOrNothing(value).Where(x => !test(x)).ToList();
    }

    public static object? SelectAttr(Renderer r, object? value, Arguments args)
    {
        var getter = AttrGetter(r, args.Get(0, "attribute"), false);
        var test = TestFunc(r, args, 1);
        return ItemsOrNothing(value).Where(x => test(getter(x))).ToList();
    }

    public static object? RejectAttr(Renderer r, object? value, Arguments args)
    {
        var getter = AttrGetter(r, args.Get(0, "attribute"), false);
        var test = TestFunc(r, args, 1);
        return ItemsOrNothing(value).Where(x => !test(getter(x))).ToList();
    }

    public static object? Reverse(Renderer r, object? value, Arguments args)
    {
        if (value is string s)
        {
            return CodePoints.Reverse(s);
        }

        var items = PyOps.ToList(value);
        items.Reverse();
        return items;
    }

    public static object? Slice(Renderer r, object? value, Arguments args)
    {
        var seq = PyOps.ToList(value);
        var slices = Numbers.ToInt(args.Get(0, "slices"));
        var fill = args.Get(1, "fill_with");
        var length = seq.Count;
        var perSlice = length / slices;
        var withExtra = length % slices;
        var offset = 0;
        var result = new List<object?>();
        for (var n = 0; n < slices; n++)
        {
            var start = offset + (n * perSlice);
            if (n < withExtra)
            {
                offset++;
            }

            var end = offset + ((n + 1) * perSlice);
            var part = seq.GetRange(start, Math.Max(0, end - start));
            if (fill is not null && n >= withExtra)
            {
                part.Add(fill);
            }

            result.Add(part);
        }

        return result;
    }

    public static object? Sort(Renderer r, object? value, Arguments args)
    {
        var reverse = PyOps.Truthy(args.Get(0, "reverse", false));
        var caseSensitive = PyOps.Truthy(args.Get(1, "case_sensitive", false));
        var key = MultiAttrGetter(r, args.Get(2, "attribute"), !caseSensitive);
        var items = PyOps.ToList(value);
        var keyed = items.Select(x => (Key: key(x), Item: x)).ToList();

        // Jinja sorts by a list of keys, and list comparison checks equality first, so equal keys
        // (even two undefined or two None values) are never ordered with '<'.
        var order = Comparer<object?>.Create((a, b) => PyOps.Equal(a, b) ? 0 : PyOps.Compare(a, b));
        var sorted = reverse ? keyed.OrderByDescending(k => k.Key, order) : keyed.OrderBy(k => k.Key, order);
        return sorted.Select(k => k.Item).ToList();
    }

    public static object? Sum(Renderer r, object? value, Arguments args)
    {
        var attribute = args.Get(0, "attribute");
        object? total = args.Get(1, "start", 0L);
        var getter = attribute is null ? null : AttrGetter(r, attribute, false);
        foreach (var item in PyOps.Iterate(value))
        {
            total = PyOps.Add(total, getter is null ? item : getter(item));
        }

        return total;
    }

    public static object? Unique(Renderer r, object? value, Arguments args)
    {
        var caseSensitive = PyOps.Truthy(args.Get(0, "case_sensitive", false));
        var key = AttrGetter(r, args.Get(1, "attribute"), !caseSensitive);
        var seen = new HashSet<object>(PyKeyComparer.Instance);
        var seenNone = false;
        var result = new List<object?>();
        foreach (var item in PyOps.Iterate(value))
        {
            var k = key(item);
            if (k is System.Collections.IList or PyDict or Namespace)
            {
                throw PyException.Type($"unhashable type: '{PyOps.TypeName(k)}'");
            }

            var added = k is null ? !seenNone && (seenNone = true) : seen.Add(k);
            if (added)
            {
                result.Add(item);
            }
        }

        return result;
    }

    public static object? GroupBy(Renderer r, object? value, Arguments args)
    {
        var attribute = args.Get(0, "attribute");
        var dflt = args.Get(1, "default");
        var caseSensitive = PyOps.Truthy(args.Get(2, "case_sensitive", false));
        var key = AttrGetter(r, attribute, !caseSensitive, dflt);
        var realKey = AttrGetter(r, attribute, false, dflt);
        var sorted = PyOps.ToList(value).Select(x => (Key: key(x), Item: x)).OrderBy(k => k.Key, PyOrder).ToList();
        var result = new List<object?>();
        var i = 0;
        while (i < sorted.Count)
        {
            var groupKey = sorted[i].Key;
            var members = new List<object?>();
            while (i < sorted.Count && PyOps.Equal(sorted[i].Key, groupKey))
            {
                members.Add(sorted[i].Item);
                i++;
            }

            var grouper = caseSensitive ? groupKey : realKey(members[0]);
            result.Add(new PyTuple([grouper, members], ["grouper", "list"]));
        }

        return result;
    }
}
