using Nagare.Templating.Values;

namespace Nagare.Templating.Rendering;

/// <summary>Jinja's <c>cycler(a, b, ...)</c>: <c>next()</c> returns items round-robin, <c>current</c> peeks.</summary>
internal sealed class Cycler : IAttributeSource
{
    private readonly object?[] _items;
    private int _position;

    public Cycler(object?[] items)
    {
        if (items.Length == 0)
        {
            throw PyException.Type("at least one item has to be provided");
        }

        _items = items;
    }

    public bool TryGetAttribute(string name, out object? value)
    {
        switch (name)
        {
            case "current":
                value = _items[_position];
                return true;
            case "next":
                value = new BuiltinFunction("next", (_, _) =>
                {
                    var item = _items[_position];
                    _position = (_position + 1) % _items.Length;
                    return item;
                });
                return true;
            case "reset":
                value = new BuiltinFunction("reset", (_, _) =>
                {
                    _position = 0;
                    return null;
                });
                return true;
            default:
                value = null;
                return false;
        }
    }
}
