using System.Collections;

namespace Nagare.Templating.Values;

/// <summary>
/// A Python dict: insertion-ordered, keyed with Python equality. <c>None</c> is a valid key.
/// Hosts receive it as a non-generic <see cref="IDictionary"/>.
/// </summary>
internal sealed class PyDict : IDictionary
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
        get => TryGetValue(key, out var value) ? value : null;
        set => _items[Wrap(key)] = value;
    }

    bool IDictionary.IsFixedSize => false;

    bool IDictionary.IsReadOnly => false;

    ICollection IDictionary.Keys => Keys.ToList();

    ICollection IDictionary.Values => Values.ToList();

    bool ICollection.IsSynchronized => false;

    object ICollection.SyncRoot => this;

    void IDictionary.Add(object key, object? value)
    {
        if (ContainsKey(key))
        {
            throw new ArgumentException("An item with the same key has already been added.", nameof(key));
        }

        this[key] = value;
    }

    bool IDictionary.Contains(object key) => ContainsKey(key);

    void IDictionary.Remove(object key) => Remove(key, out _);

    // Through IDictionary so the enumerator yields DictionaryEntry, as non-generic callers expect;
    // Dictionary's public enumerator would yield KeyValuePair even when boxed.
    IDictionaryEnumerator IDictionary.GetEnumerator() =>
        ((IDictionary)Items.ToDictionary(kv => kv.Key ?? NoneKey, kv => kv.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IDictionary)this).GetEnumerator();

    void ICollection.CopyTo(Array array, int index)
    {
        foreach (var kv in Items)
        {
            array.SetValue(new DictionaryEntry(kv.Key ?? NoneKey, kv.Value), index++);
        }
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
