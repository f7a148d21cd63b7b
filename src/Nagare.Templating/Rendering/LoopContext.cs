using Nagare.Templating.Values;

namespace Nagare.Templating.Rendering;

/// <summary>The <c>loop</c> variable inside a <c>for</c>: position, neighbours, <c>cycle</c>, <c>changed</c>, and recursion.</summary>
internal sealed class LoopContext : IAttributeSource, ICallable
{
    private readonly List<object?> _items;
    private readonly Func<object?, string>? _recurse;
    private object? _lastChanged = Undefined.Anonymous;

    public LoopContext(List<object?> items, int depth0, Func<object?, string>? recurse)
    {
        _items = items;
        Depth0 = depth0;
        _recurse = recurse;
    }

    public int Index0 { get; set; }

    public int Depth0 { get; }

    public object? Call(Renderer renderer, Arguments arguments)
    {
        if (_recurse is null)
        {
            throw PyException.Type("The loop must have the 'recursive' marker to be called recursively.");
        }

        return _recurse(arguments.Get(0, "iterable"));
    }

    public bool TryGetAttribute(string name, out object? value)
    {
        var n = _items.Count;
        switch (name)
        {
            case "index":
                value = (long)Index0 + 1;
                return true;
            case "index0":
                value = (long)Index0;
                return true;
            case "revindex":
                value = (long)(n - Index0);
                return true;
            case "revindex0":
                value = (long)(n - Index0 - 1);
                return true;
            case "first":
                value = Index0 == 0;
                return true;
            case "last":
                value = Index0 == n - 1;
                return true;
            case "length":
                value = (long)n;
                return true;
            case "depth":
                value = (long)Depth0 + 1;
                return true;
            case "depth0":
                value = (long)Depth0;
                return true;
            case "previtem":
                value = Index0 > 0 ? _items[Index0 - 1] : new Undefined("previtem", "there is no previous item");
                return true;
            case "nextitem":
                value = Index0 < n - 1 ? _items[Index0 + 1] : new Undefined("nextitem", "there is no next item");
                return true;
            case "cycle":
                value = new BuiltinFunction("cycle", (_, args) =>
                {
                    if (args.Count == 0)
                    {
                        throw PyException.Type("no items for cycling given");
                    }

                    return args[Index0 % args.Count];
                });
                return true;
            case "changed":
                value = new BuiltinFunction("changed", (_, args) =>
                {
                    var current = new PyTuple([.. args.Positional]);
                    if (_lastChanged is PyTuple last && PyOps.Equal(last, current))
                    {
                        return false;
                    }

                    _lastChanged = current;
                    return true;
                });
                return true;
            default:
                value = null;
                return false;
        }
    }

    public override string ToString() => $"<LoopContext {Index0 + 1}/{_items.Count}>";
}
