namespace Nagare.Templating.Values;

/// <summary>
/// A name or attribute that does not exist. As Jinja's default undefined (the one dbt renders with) it prints
/// as empty text, is falsy and iterates as empty; attribute or item access on it raises, naming it.
/// </summary>
internal sealed class Undefined
{
    public static readonly Undefined Anonymous = new(null);

    public Undefined(string? name, string? hint = null)
    {
        Name = name;
        Hint = hint;
    }

    public string? Name { get; }

    public string? Hint { get; }

    public string Describe() => Hint ?? (Name is null ? "value is undefined" : $"'{Name}' is undefined");

    public override string ToString() => string.Empty;
}
