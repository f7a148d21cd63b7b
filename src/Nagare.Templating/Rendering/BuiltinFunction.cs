namespace Nagare.Templating.Rendering;

/// <summary>A callable implemented in C#.</summary>
internal sealed class BuiltinFunction : ICallable
{
    private readonly Func<Renderer, Arguments, object?> _body;

    public BuiltinFunction(string name, Func<Renderer, Arguments, object?> body)
    {
        Name = name;
        _body = body;
    }

    public string Name { get; }

    public object? Call(Renderer renderer, Arguments arguments) => _body(renderer, arguments);

    public override string ToString() => $"<built-in function {Name}>";
}
