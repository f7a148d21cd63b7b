using Nagare.Templating.Rendering;
using Nagare.Templating.Values;

namespace Nagare.Templating;

/// <summary>The arguments of a call from a template to a <see cref="TemplateFunction"/>.</summary>
public sealed class TemplateArguments
{
    private readonly Arguments _arguments;
    private readonly Renderer _renderer;
    private IReadOnlyDictionary<string, object?>? _keyword;

    internal TemplateArguments(Arguments arguments, Renderer renderer)
    {
        _arguments = arguments;
        _renderer = renderer;
    }

    /// <summary>Positional arguments in call order. Template ints arrive as <see cref="long"/>, floats as <see cref="double"/>.</summary>
    public IReadOnlyList<object?> Positional => _arguments.Positional;

    /// <summary>Keyword arguments by name, in call order.</summary>
    public IReadOnlyDictionary<string, object?> Keyword =>
        _keyword ??= _arguments.Keyword ?? (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>();

    /// <summary>Name of the template (or macro file) the call was made from.</summary>
    public string TemplateName => _renderer.TemplateName;

    /// <summary>
    /// The argument at <paramref name="position"/> if given positionally, else the keyword argument
    /// <paramref name="name"/>, else <paramref name="defaultValue"/>.
    /// </summary>
    public object? Get(int position, string name, object? defaultValue = null) => _arguments.Get(position, name, defaultValue);

    /// <summary>Whether the argument was passed, positionally or by keyword.</summary>
    public bool Has(int position, string name) => _arguments.Has(position, name);

    /// <summary>
    /// Resolves a variable as the calling template sees it (local variables, render context, globals),
    /// or returns null when it is undefined. Lets functions such as <c>this</c>-aware helpers read the context.
    /// </summary>
    public object? Lookup(string name) => _renderer.Lookup(name) is var value and not Undefined ? value : null;

    /// <summary>Whether a value is Jinja's undefined (a missing variable or attribute).</summary>
    public static bool IsUndefined(object? value) => value is Undefined;

    /// <summary>Converts a template value to text exactly as <c>{{ value }}</c> would print it.</summary>
    public static string ToText(object? value) => PyFormat.ToStr(value);

    /// <summary>Calls a template value (a macro or function) with positional arguments.</summary>
    public object? Call(object? callable, params object?[] arguments) => _renderer.Invoke(callable, new Arguments([.. arguments], null));
}
