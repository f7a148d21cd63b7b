using System.Collections;

namespace Nagare.Templating.Values;

/// <summary>Result of <c>dict.keys()</c>, <c>values()</c> or <c>items()</c>; prints like Python (<c>dict_keys(['a'])</c>).</summary>
internal sealed class DictView : IReadOnlyList<object?>
{
    public DictView(string kind, List<object?> items)
    {
        Kind = kind;
        Items = items;
    }

    public string Kind { get; }

    public List<object?> Items { get; }

    public int Count => Items.Count;

    public object? this[int index] => Items[index];

    public IEnumerator<object?> GetEnumerator() => Items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Items.GetEnumerator();
}
