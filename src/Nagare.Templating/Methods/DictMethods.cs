using System.Collections;
using System.Collections.Frozen;
using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Methods;

/// <summary>Python <c>dict</c> methods; reading methods work on any mapping, mutating ones on template dicts and writable host dictionaries.</summary>
internal static class DictMethods
{
    public static readonly FrozenSet<string> Names = new[]
    {
        "items", "keys", "values", "get", "update", "pop", "popitem", "setdefault", "copy", "clear",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static object? Call(object mapping, string name, Arguments args)
    {
        switch (name)
        {
            case "items":
                return new DictView("items", [.. PyOps.MappingItems(mapping).Select(kv => (object?)new PyTuple([kv.Key, PyOps.Import(kv.Value)]))]);
            case "keys":
                return new DictView("keys", [.. PyOps.MappingItems(mapping).Select(kv => kv.Key)]);
            case "values":
                return new DictView("values", [.. PyOps.MappingItems(mapping).Select(kv => PyOps.Import(kv.Value))]);
            case "get":
                return PyOps.TryMappingGet(mapping, args.Get(0, "key"), out var v) ? PyOps.Import(v) : args.Get(1, "default");
            case "copy":
                var copy = new PyDict();
                foreach (var kv in PyOps.MappingItems(mapping))
                {
                    copy[kv.Key] = kv.Value;
                }

                return copy;
            default:
                break;
        }

        switch (mapping)
        {
            case PyDict d:
                return Mutate(d, name, args);
            case IDictionary host when !host.IsReadOnly:
                var shadow = new PyDict();
                foreach (var kv in PyOps.MappingItems(host))
                {
                    shadow[kv.Key] = kv.Value;
                }

                var result = Mutate(shadow, name, args);
                host.Clear();
                foreach (var kv in shadow.Items)
                {
                    host[kv.Key!] = kv.Value;
                }

                return result;
            default:
                throw PyException.Type($"the dictionary cannot be modified ({name})");
        }
    }

    private static object? Mutate(PyDict d, string name, Arguments args)
    {
        switch (name)
        {
            case "update":
                if (args.Count > 0)
                {
                    BuiltinGlobals.Fill(d, args[0]);
                }

                if (args.Keyword is not null)
                {
                    foreach (var kv in args.Keyword)
                    {
                        d[kv.Key] = kv.Value;
                    }
                }

                return null;
            case "pop":
                {
                    var key = args.Get(0, "key");
                    if (d.Remove(key, out var value))
                    {
                        return value;
                    }

                    if (args.Count > 1)
                    {
                        return args[1];
                    }

                    throw new PyException("KeyError", PyFormat.Repr(key));
                }

            case "popitem":
                var last = d.PopLast();
                return new PyTuple([last.Key, last.Value]);
            case "setdefault":
                {
                    var key = args.Get(0, "key");
                    if (d.TryGetValue(key, out var existing))
                    {
                        return existing;
                    }

                    var dflt = args.Get(1, "default");
                    d[key] = dflt;
                    return dflt;
                }

            case "clear":
                d.Clear();
                return null;
            default:
                throw PyException.Type($"'dict' object has no attribute '{name}'");
        }
    }
}
