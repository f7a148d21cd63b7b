using Nagare.Templating.Methods;

namespace Nagare.Templating.Rendering;

/// <summary>A method of a string, list or dict taken as a value, e.g. <c>x.append</c>.</summary>
internal sealed class BoundMethod : ICallable
{
    public BoundMethod(object target, string name)
    {
        Target = target;
        Name = name;
    }

    public object Target { get; }

    public string Name { get; }

    public object? Call(Renderer renderer, Arguments arguments)
    {
        if (BuiltinMethods.TryCall(renderer, Target, Name, arguments, out var result))
        {
            return result;
        }

        throw Values.PyException.Type($"'{Values.PyOps.TypeName(Target)}' object has no method '{Name}'");
    }

    public override string ToString() => $"<built-in method {Name} of {Values.PyOps.TypeName(Target)} object>";
}
