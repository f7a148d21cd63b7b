using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Filters;

/// <summary>Filters about values and mappings: default, attr, dictsort, items.</summary>
internal static class ValueFilters
{
    public static object? Default(Renderer r, object? value, Arguments args)
    {
        var dflt = args.Get(0, "default_value", string.Empty);
        var boolean = PyOps.Truthy(args.Get(1, "boolean", false));
        return value is Undefined || (boolean && !PyOps.Truthy(value)) ? dflt : value;
    }

    /// <summary>Attribute only, never an item: <c>{'a': 1}|attr('a')</c> is undefined, as in Jinja.</summary>
    public static object? Attr(Renderer r, object? value, Arguments args)
    {
        var name = PyFormat.ToStr(args.Get(0, "name"));
        if (PyOps.IsMapping(value) && value is not (IAttributeSource or Namespace))
        {
            var method = r.GetAttr(value, name);
            return method is BoundMethod ? method : new Undefined(name, $"'dict object' has no attribute '{name}'");
        }

        return r.GetAttr(value, name);
    }

    public static object? DictSort(Renderer r, object? value, Arguments args)
    {
        var caseSensitive = PyOps.Truthy(args.Get(0, "case_sensitive", false));
        var by = PyFormat.ToStr(args.Get(1, "by", "key"));
        var reverse = PyOps.Truthy(args.Get(2, "reverse", false));
        var position = by switch
        {
            "key" => 0,
            "value" => 1,
            _ => throw new PyException("FilterArgumentError", "You can only sort by either \"key\" or \"value\""),
        };
        if (!PyOps.IsMapping(value))
        {
            throw new PyException("AttributeError", $"'{PyOps.TypeName(value)}' object has no attribute 'items'");
        }

        var items = PyOps.MappingItems(value!).Select(kv => new PyTuple([kv.Key, PyOps.Import(kv.Value)])).ToList();
        var comparer = Comparer<object?>.Create((a, b) => PyOps.Compare(a, b));
        object? Key(PyTuple t) => t[position] is string s && !caseSensitive ? CaseMapping.Lower(s) : t[position];
        var sorted = reverse ? items.OrderByDescending(Key, comparer) : items.OrderBy(Key, comparer);
        return sorted.Cast<object?>().ToList();
    }

    public static object? Items(Renderer r, object? value, Arguments args)
    {
        if (value is Undefined)
        {
            return new List<object?>();
        }

        if (!PyOps.IsMapping(value))
        {
            throw PyException.Type($"Can only get item pairs from a mapping, not {PyOps.TypeName(value)}");
        }

        return PyOps.MappingItems(value!).Select(kv => (object?)new PyTuple([kv.Key, PyOps.Import(kv.Value)])).ToList();
    }
}
