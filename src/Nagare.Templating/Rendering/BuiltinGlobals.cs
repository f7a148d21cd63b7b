using System.Collections.Frozen;
using Nagare.Templating.Values;

namespace Nagare.Templating.Rendering;

/// <summary>Jinja's global functions: <c>range</c>, <c>dict</c>, <c>namespace</c>, <c>cycler</c>, <c>joiner</c>, and dbt's <c>return</c>.</summary>
internal static class BuiltinGlobals
{
    public static readonly BuiltinFunction Return = new("return", (renderer, args) => renderer.InMacro
        ? throw MacroReturn.WithValue(args.Get(0, "value"))
        : throw new PyException("TemplateRuntimeError", "return() was called outside of a macro."));

    private static readonly FrozenDictionary<string, object?> Functions = new Dictionary<string, object?>
    {
        ["range"] = new BuiltinFunction("range", Range),
        ["dict"] = new BuiltinFunction("dict", Dict),
        ["namespace"] = new BuiltinFunction("namespace", MakeNamespace),
        ["cycler"] = new BuiltinFunction("cycler", (_, args) => new Cycler([.. args.Positional])),
        ["joiner"] = new BuiltinFunction("joiner", (_, args) => new Joiner(PyFormat.ToStr(args.Get(0, "sep", ", ")))),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool TryGet(string name, out object? value) => Functions.TryGetValue(name, out value);

    private static object? Range(Renderer renderer, Arguments args)
    {
        long start = 0;
        long step = 1;
        long stop;
        switch (args.Count)
        {
            case 1:
                stop = ToLong(args[0]);
                break;
            case 2:
                start = ToLong(args[0]);
                stop = ToLong(args[1]);
                break;
            case 3:
                start = ToLong(args[0]);
                stop = ToLong(args[1]);
                step = ToLong(args[2]);
                break;
            default:
                throw PyException.Type($"range expected at most 3 arguments, got {args.Count}");
        }

        var range = new PyRange(start, stop, step);
        if (range.LongCount > renderer.Options.MaxRange)
        {
            throw new PyException("LimitError", $"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({renderer.Options.MaxRange}).");
        }

        return range;
    }

    private static long ToLong(object? v)
    {
        if (Numbers.TryGetLong(v, out var l) && !Numbers.IsFloat(v))
        {
            return l;
        }

        if (v is System.Numerics.BigInteger)
        {
            throw new PyException("LimitError", "Range too big.");
        }

        throw PyException.Type($"'{PyOps.TypeName(v)}' object cannot be interpreted as an integer");
    }

    private static object? Dict(Renderer renderer, Arguments args)
    {
        var dict = new PyDict();
        if (args.Count > 0)
        {
            Fill(dict, args[0]);
        }

        if (args.Keyword is not null)
        {
            foreach (var kv in args.Keyword)
            {
                dict[kv.Key] = kv.Value;
            }
        }

        return dict;
    }

    /// <summary>Fills a dict from a mapping or from an iterable of key/value pairs, as <c>dict(x)</c> does.</summary>
    public static void Fill(PyDict dict, object? source)
    {
        if (PyOps.IsMapping(source))
        {
            foreach (var kv in PyOps.MappingItems(source!))
            {
                dict[kv.Key] = kv.Value;
            }

            return;
        }

        foreach (var item in PyOps.Iterate(source))
        {
            var pair = PyOps.ToList(item);
            if (pair.Count != 2)
            {
                throw PyException.Value($"dictionary update sequence element has length {pair.Count}; 2 is required");
            }

            dict[pair[0]] = pair[1];
        }
    }

    private static object? MakeNamespace(Renderer renderer, Arguments args)
    {
        var ns = new Namespace();
        if (args.Count > 0)
        {
            var d = new PyDict();
            Fill(d, args[0]);
            foreach (var kv in d.Items)
            {
                ns.Attributes[PyFormat.ToStr(kv.Key)] = kv.Value;
            }
        }

        if (args.Keyword is not null)
        {
            foreach (var kv in args.Keyword)
            {
                ns.Attributes[kv.Key] = kv.Value;
            }
        }

        return ns;
    }
}
