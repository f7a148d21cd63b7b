namespace Nagare.Templating.Values;

/// <summary>A Python dict: insertion-ordered, keyed with Python equality. <c>None</c> is a valid key.</summary>
internal sealed class PyDict
{
    private static readonly object NoneKey = new();
    private readonly OrderedDictionary<object, object?> _items;

    public PyDict()
    {
        _items = new OrderedDictionary<object, object?>(PyKeyComparer.Instance);
    }

    public PyDict(int capacity)
    {
        _items = new OrderedDictionary<object, object?>(capacity, PyKeyComparer.Instance);
    }

    public int Count => _items.Count;

    private static object Wrap(object? key)
    {
        if (key is null)
        {
            return NoneKey;
        }

        if (key is List<object?> or PyDict or Namespace)
        {
            throw PyException.Type($"unhashable type: '{PyOps.TypeName(key)}'");
        }

        return key;
    }

    private static object? Unwrap(object key) => ReferenceEquals(key, NoneKey) ? null : key;

    public object? this[object? key]
    {
        set => _items[Wrap(key)] = value;
    }

    public bool TryGetValue(object? key, out object? value)
    {
        if (key is List<object?> or PyDict)
        {
            value = null;
            return false;
        }

        return _items.TryGetValue(Wrap(key), out value);
    }

    public bool ContainsKey(object? key) => key is not (List<object?> or PyDict) && _items.ContainsKey(Wrap(key));

    public bool Remove(object? key, out object? value) => _items.Remove(Wrap(key), out value);

    public void Clear() => _items.Clear();

    public IEnumerable<object?> Keys
    {
        get
        {
            foreach (var k in _items.Keys)
            {
                yield return Unwrap(k);
            }
        }
    }

    public IEnumerable<object?> Values => _items.Values;

    public IEnumerable<KeyValuePair<object?, object?>> Items
    {
        get
        {
            foreach (var kv in _items)
            {
                yield return new KeyValuePair<object?, object?>(Unwrap(kv.Key), kv.Value);
            }
        }
    }

    public KeyValuePair<object?, object?> PopLast()
    {
        if (_items.Count == 0)
        {
            throw new PyException("KeyError", "'popitem(): dictionary is empty'");
        }

        var last = _items.GetAt(_items.Count - 1);
        _items.RemoveAt(_items.Count - 1);
        return new KeyValuePair<object?, object?>(Unwrap(last.Key), last.Value);
    }

    public PyDict Copy()
    {
        var copy = new PyDict(Count);
        foreach (var kv in _items)
        {
            copy._items[kv.Key] = kv.Value;
        }

        return copy;
    }
}
