using Nagare.Templating.Rendering;

namespace Nagare.Templating.Predicates;

/// <summary>A built-in test (<c>x is name(args)</c>).</summary>
internal delegate bool TestFunction(Renderer renderer, object? value, Arguments arguments);
