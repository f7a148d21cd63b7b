using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating;

/// <summary>
/// A value given to templates that can be called and also has attributes, such as dbt's <c>config</c>: both
/// <c>config(materialized='table')</c> and <c>config.get('schema', 'main')</c> work. Attributes that are
/// <see cref="TemplateFunction"/>s are callable as methods.
/// </summary>
public sealed class HostObject : ICallable, IAttributeSource
{
    private readonly TemplateFunction? _call;
    private readonly IReadOnlyDictionary<string, object?> _attributes;

    /// <param name="name">How the object prints and is named in errors.</param>
    /// <param name="call">What calling the object does; null when it cannot be called.</param>
    /// <param name="attributes">Its attributes by name.</param>
    public HostObject(string name, TemplateFunction? call, IReadOnlyDictionary<string, object?> attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(attributes);
        Name = name;
        _call = call;
        _attributes = attributes;
    }

    /// <summary>The object's name.</summary>
    public string Name { get; }

    object? ICallable.Call(Renderer renderer, Arguments arguments) =>
        _call is null ? throw PyException.Type($"'{Name}' object is not callable") : _call(new TemplateArguments(arguments, renderer));

    bool IAttributeSource.TryGetAttribute(string name, out object? value) => _attributes.TryGetValue(name, out value);

    public override string ToString() => $"<{Name}>";
}
