using Nagare.Templating.Ast;
using Nagare.Templating.Values;

namespace Nagare.Templating.Rendering;

/// <summary>A macro value: its definition plus the scope it was defined in (null for shared macros).</summary>
internal sealed class Macro : ICallable, IAttributeSource
{
    public Macro(MacroDefinition definition, Scope? closure)
    {
        Definition = definition;
        Closure = closure;
    }

    public MacroDefinition Definition { get; }

    public Scope? Closure { get; }

    public object? Call(Renderer renderer, Arguments arguments) => renderer.InvokeMacro(this, arguments);

    public bool TryGetAttribute(string name, out object? value)
    {
        var d = Definition;
        value = name switch
        {
            "name" => d.Name.Length == 0 ? null : d.Name,
            "arguments" => new PyTuple([.. d.Parameters]),
            "catch_kwargs" => d.CatchKwargs,
            "catch_varargs" => d.CatchVarargs,
            "caller" => d.UsesCaller,
            _ => null,
        };
        return name is "name" or "arguments" or "catch_kwargs" or "catch_varargs" or "caller";
    }

    public override string ToString() => Definition.Name.Length == 0 ? "<Macro anonymous>" : $"<Macro '{Definition.Name}'>";
}
