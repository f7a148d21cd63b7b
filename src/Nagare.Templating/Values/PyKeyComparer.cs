namespace Nagare.Templating.Values;

/// <summary>Dictionary key equality with Python's rules: <c>1</c>, <c>1.0</c> and <c>True</c> are the same key.</summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();

    public new bool Equals(object? x, object? y) => PyOps.Equal(x, y);

    public int GetHashCode(object obj)
    {
        switch (obj)
        {
            case string s:
                return s.GetHashCode(StringComparison.Ordinal);
            case Undefined:
                // Jinja's undefined values all compare equal, so they must share a hash.
                return typeof(Undefined).GetHashCode();
            case PyTuple t:
                var h = new HashCode();
                foreach (var item in t.Items)
                {
                    h.Add(item is null ? 0 : GetHashCode(item));
                }

                return h.ToHashCode();
            default:
                if (Numbers.TryGetLong(obj, out var l))
                {
                    return l.GetHashCode();
                }

                if (Numbers.IsFloat(obj))
                {
                    var d = Numbers.ToDouble(obj);
                    return d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue ? ((long)d).GetHashCode() : d.GetHashCode();
                }

                if (obj is System.Numerics.BigInteger b)
                {
                    return b.GetHashCode();
                }

                return obj.GetHashCode();
        }
    }
}
