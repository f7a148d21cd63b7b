using Nagare.Templating.Ast;
using Nagare.Templating.Rendering;

namespace Nagare.Templating;

/// <summary>
/// The macros of one package, reachable as attributes (<c>dbt_utils.star(...)</c>). Inside its macros, a name that
/// is not a local variable resolves first to another macro of the same namespace, then to the render context and
/// the environment's globals, so a package's macros can call each other without their prefix.
/// </summary>
public sealed class MacroNamespace : IAttributeSource
{
    private readonly Scope _members = new(null);
    private readonly Dictionary<string, object?> _macros = new(StringComparer.Ordinal);

    /// <param name="name">The namespace's name (a package name such as <c>dbt_utils</c>).</param>
    public MacroNamespace(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The namespace's name.</summary>
    public string Name { get; }

    /// <summary>Names of the macros it holds.</summary>
    public IEnumerable<string> Names => _macros.Keys;

    /// <summary>Adds the top-level macros of <paramref name="template"/>; a later definition replaces an earlier one.</summary>
    /// <returns>The names of the macros added.</returns>
    public IReadOnlyList<string> Add(Template template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var names = new List<string>();
        foreach (var stmt in template.Body)
        {
            if (stmt is MacroStmt m)
            {
                var macro = new Macro(m.Definition, _members);
                _members.Set(m.Definition.Name, macro);
                _macros[m.Definition.Name] = macro;
                names.Add(m.Definition.Name);
            }
        }

        return names;
    }

    /// <summary>The macro named <paramref name="name"/>, a value templates can call.</summary>
    public bool TryGet(string name, out object? macro) => _macros.TryGetValue(name, out macro);

    /// <summary>Whether the namespace holds a macro named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _macros.ContainsKey(name);

    bool IAttributeSource.TryGetAttribute(string name, out object? value) => _macros.TryGetValue(name, out value);

    public override string ToString() => $"<namespace {Name}>";
}
