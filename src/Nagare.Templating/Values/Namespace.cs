namespace Nagare.Templating.Values;

/// <summary>Jinja's <c>namespace()</c>: a bag of attributes that <c>set ns.x = ...</c> may change from inner scopes.</summary>
internal sealed class Namespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
