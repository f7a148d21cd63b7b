using System.Collections;
using System.Collections.Frozen;

namespace Nagare.Runtime.Generation;

/// <summary>A fixed set of ordinal strings usable where a read-only collection is expected.</summary>
internal sealed class FrozenStrings : IReadOnlyCollection<string>
{
    private readonly FrozenSet<string> _set;

    public FrozenStrings(params string[] values) => _set = values.ToFrozenSet(StringComparer.Ordinal);

    public int Count => _set.Count;

    public bool Contains(string value) => _set.Contains(value);

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_set).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
