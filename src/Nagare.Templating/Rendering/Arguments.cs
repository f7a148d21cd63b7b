namespace Nagare.Templating.Rendering;

/// <summary>Evaluated call arguments: positional values in order and keyword values by name.</summary>
internal sealed class Arguments
{
    public Arguments(List<object?> positional, Dictionary<string, object?>? keyword)
    {
        Positional = positional;
        Keyword = keyword;
    }

    public static Arguments Empty => new([], null);

    public List<object?> Positional { get; }

    public Dictionary<string, object?>? Keyword { get; }

    public int Count => Positional.Count;

    public object? this[int index] => Positional[index];

    public bool Has(int position, string name) =>
        position < Positional.Count || (Keyword is not null && Keyword.ContainsKey(name));

    /// <summary>The argument at <paramref name="position"/>, else the keyword <paramref name="name"/>, else the default.</summary>
    public object? Get(int position, string name, object? defaultValue = null)
    {
        if (position >= 0 && position < Positional.Count)
        {
            return Positional[position];
        }

        return Keyword is not null && Keyword.TryGetValue(name, out var v) ? v : defaultValue;
    }

    public object? Keyed(string name, object? defaultValue = null) =>
        Keyword is not null && Keyword.TryGetValue(name, out var v) ? v : defaultValue;
}
