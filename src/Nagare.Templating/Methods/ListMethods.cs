using System.Collections;
using System.Collections.Frozen;
using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating.Methods;

/// <summary>Python <c>list</c> methods; mutating methods work on template lists and writable host lists.</summary>
internal static class ListMethods
{
    public static readonly FrozenSet<string> Names = new[]
    {
        "append", "extend", "pop", "index", "count", "insert", "remove", "reverse", "sort", "clear", "copy",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static object? Call(IList list, string name, Arguments args)
    {
        try
        {
            return Dispatch(list, name, args);
        }
        catch (NotSupportedException)
        {
            throw PyException.Type($"the list cannot be modified ({name})");
        }
    }

    private static object? Dispatch(IList list, string name, Arguments args)
    {
        switch (name)
        {
            case "append":
                list.Add(args.Get(0, "object"));
                return null;
            case "extend":
                foreach (var item in PyOps.ToList(args.Get(0, "iterable")))
                {
                    list.Add(item);
                }

                return null;
            case "insert":
                {
                    var i = Numbers.ToInt(args.Get(0, "index"));
                    if (i < 0)
                    {
                        i = Math.Max(0, i + list.Count);
                    }

                    list.Insert(Math.Min(i, list.Count), args.Get(1, "object"));
                    return null;
                }

            case "pop":
                {
                    if (list.Count == 0)
                    {
                        throw new PyException("IndexError", "pop from empty list");
                    }

                    var i = args.Count > 0 ? Numbers.ToInt(args[0]) : list.Count - 1;
                    if (i < 0)
                    {
                        i += list.Count;
                    }

                    if (i < 0 || i >= list.Count)
                    {
                        throw new PyException("IndexError", "pop index out of range");
                    }

                    var value = list[i];
                    list.RemoveAt(i);
                    return PyOps.Import(value);
                }

            case "index":
                {
                    var value = args.Get(0, "value");
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (PyOps.Equal(PyOps.Import(list[i]), value))
                        {
                            return (long)i;
                        }
                    }

                    throw PyException.Value($"{PyFormat.Repr(value)} is not in list");
                }

            case "count":
                {
                    var value = args.Get(0, "value");
                    long n = 0;
                    foreach (var item in list)
                    {
                        if (PyOps.Equal(PyOps.Import(item), value))
                        {
                            n++;
                        }
                    }

                    return n;
                }

            case "remove":
                {
                    var value = args.Get(0, "value");
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (PyOps.Equal(PyOps.Import(list[i]), value))
                        {
                            list.RemoveAt(i);
                            return null;
                        }
                    }

                    throw PyException.Value("list.remove(x): x not in list");
                }

            case "reverse":
                {
                    var copy = list.Cast<object?>().Reverse().ToList();
                    for (var i = 0; i < copy.Count; i++)
                    {
                        list[i] = copy[i];
                    }

                    return null;
                }

            case "sort":
                {
                    var copy = list.Cast<object?>().Select(PyOps.Import).ToList();
                    var sorted = copy.Order(Comparer<object?>.Create((a, b) => PyOps.Compare(a, b))).ToList();
                    if (PyOps.Truthy(args.Keyed("reverse", false)))
                    {
                        sorted = copy.OrderDescending(Comparer<object?>.Create((a, b) => PyOps.Compare(a, b))).ToList();
                    }

                    for (var i = 0; i < sorted.Count; i++)
                    {
                        list[i] = sorted[i];
                    }

                    return null;
                }

            case "clear":
                list.Clear();
                return null;
            case "copy":
                return list.Cast<object?>().Select(PyOps.Import).ToList();
            default:
                throw PyException.Type($"'list' object has no attribute '{name}'");
        }
    }
}
