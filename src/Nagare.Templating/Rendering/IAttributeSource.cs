namespace Nagare.Templating.Rendering;

/// <summary>A runtime object with Jinja-visible attributes (loop, macro, cycler).</summary>
internal interface IAttributeSource
{
    bool TryGetAttribute(string name, out object? value);
}
