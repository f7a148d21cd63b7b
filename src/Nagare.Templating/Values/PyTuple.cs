using System.Collections;

namespace Nagare.Templating.Values;

/// <summary>An immutable Python tuple. Optional field names give named-tuple attribute access (groupby's grouper/list).</summary>
internal sealed class PyTuple : IReadOnlyList<object?>
{
    public static readonly PyTuple Empty = new([]);

    public PyTuple(object?[] items, string[]? fieldNames = null)
    {
        Items = items;
        FieldNames = fieldNames;
    }

    public object?[] Items { get; }

    public string[]? FieldNames { get; }

    public int Count => Items.Length;

    public object? this[int index] => Items[index];

    public bool TryGetField(string name, out object? value)
    {
        if (FieldNames is not null)
        {
            var i = Array.IndexOf(FieldNames, name);
            if (i >= 0)
            {
                value = Items[i];
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Items.GetEnumerator();
}
