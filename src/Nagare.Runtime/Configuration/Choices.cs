namespace Nagare.Runtime.Configuration;

/// <summary>
/// The names a YAML key may take and the value each stands for. Two plain arrays searched in order: an
/// <c>ImmutableSortedDictionary</c> per enum type had its tree code compiled at start-up in every process (about
/// 10 ms each, a dozen of them), for lists of two to six names.
/// </summary>
/// <typeparam name="T">The value type (an enum).</typeparam>
internal sealed class Choices<T>
    where T : struct
{
    private readonly string[] _names;
    private readonly T[] _values;

    /// <summary>The choices, matched by name with ordinal comparison.</summary>
    public Choices(params ReadOnlySpan<(string Name, T Value)> choices)
    {
        _names = new string[choices.Length];
        _values = new T[choices.Length];
        for (var i = 0; i < choices.Length; i++)
        {
            (_names[i], _values[i]) = choices[i];
        }

        var sorted = (string[])_names.Clone();
        Array.Sort(sorted, StringComparer.Ordinal);
        Names = sorted;
    }

    /// <summary>Every name, sorted ordinally (as error messages list them).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The value named <paramref name="name"/> (exactly, case included).</summary>
    public bool TryGetValue(string name, out T value)
    {
        var index = Array.IndexOf(_names, name);
        value = index >= 0 ? _values[index] : default;
        return index >= 0;
    }
}
