namespace Nagare.Templating.Rendering;

/// <summary>
/// One level of variables. Loops (per iteration), macros, <c>with</c>, <c>set</c> blocks and filter blocks
/// each open a scope; <c>if</c> does not, so a <c>set</c> inside an <c>if</c> is visible after it.
/// </summary>
internal sealed class Scope
{
    private Dictionary<string, object?>? _variables;

    public Scope(Scope? parent) => Parent = parent;

    public Scope? Parent { get; }

    public bool TryGet(string name, out object? value)
    {
        for (var s = this; s is not null; s = s.Parent)
        {
            if (s._variables is not null && s._variables.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    public void Set(string name, object? value) => (_variables ??= new Dictionary<string, object?>(StringComparer.Ordinal))[name] = value;

    public IEnumerable<KeyValuePair<string, object?>> Own => _variables ?? [];
}
