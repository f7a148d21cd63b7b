namespace Nagare.Templating.Rendering;

/// <summary>A host-provided <see cref="TemplateFunction"/>, given positional and keyword arguments.</summary>
internal sealed class HostFunction : ICallable
{
    private readonly TemplateFunction _function;

    public HostFunction(string name, TemplateFunction function)
    {
        Name = name;
        _function = function;
    }

    public string Name { get; }

    public object? Call(Renderer renderer, Arguments arguments) =>
        _function(new TemplateArguments(arguments, renderer));

    public override string ToString() => $"<function {Name}>";
}
