namespace Nagare.Templating.Rendering;

/// <summary>A value templates can call: macros, built-in functions, bound methods and host functions.</summary>
internal interface ICallable
{
    object? Call(Renderer renderer, Arguments arguments);
}
