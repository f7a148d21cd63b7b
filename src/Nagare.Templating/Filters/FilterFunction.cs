using Nagare.Templating.Rendering;

namespace Nagare.Templating.Filters;

/// <summary>A built-in filter: receives the filtered value and the filter's own arguments.</summary>
internal delegate object? FilterFunction(Renderer renderer, object? value, Arguments arguments);
