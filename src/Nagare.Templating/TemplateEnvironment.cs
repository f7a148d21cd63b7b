using Nagare.Templating.Ast;
using Nagare.Templating.Rendering;
using Nagare.Templating.Syntax;
using Nagare.Templating.Values;

namespace Nagare.Templating;

/// <summary>
/// Configuration shared by templates: options, global values and functions, custom filters and tests,
/// and macros shared by every template (dbt's <c>macros/*.sql</c>). Configure it before rendering;
/// afterwards it is only read, so renders may run concurrently.
/// </summary>
public sealed class TemplateEnvironment
{
    private readonly Dictionary<string, object?> _globals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ICallable> _filters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ICallable> _tests = new(StringComparer.Ordinal);

    /// <summary>Creates an environment; <paramref name="options"/> defaults to dbt-like settings.</summary>
    public TemplateEnvironment(TemplateOptions? options = null)
    {
        Options = options ?? new TemplateOptions();
        if (Options.MaxLoopIterations < 1 || Options.MaxOutputLength < 1 || Options.MaxRecursionDepth < 1 || Options.MaxNestingDepth < 1 || Options.MaxRange < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Template limits must be positive.");
        }
    }

    /// <summary>The options templates of this environment are parsed and rendered with.</summary>
    public TemplateOptions Options { get; }

    /// <summary>
    /// Global variables visible to every template, below the render context. Values may be .NET primitives,
    /// strings, lists, dictionaries, plain objects, <see cref="TemplateFunction"/>s or other delegates.
    /// </summary>
    public IDictionary<string, object?> Globals => _globals;

    /// <summary>Adds or replaces a global variable or function.</summary>
    public void AddGlobal(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _globals[name] = value;
    }

    /// <summary>Makes <paramref name="function"/> callable from templates as <paramref name="name"/>(...).</summary>
    public void RegisterFunction(string name, TemplateFunction function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        _globals[name] = new HostFunction(name, function);
    }

    /// <summary>Adds a filter; the filtered value arrives as the first positional argument. Replaces a built-in of the same name.</summary>
    public void RegisterFilter(string name, TemplateFunction filter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(filter);
        _filters[name] = new HostFunction(name, filter);
    }

    /// <summary>Adds a test (<c>x is name</c>); the tested value arrives as the first positional argument and the result is taken as truthy or falsy.</summary>
    public void RegisterTest(string name, TemplateFunction test)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(test);
        _tests[name] = new HostFunction(name, test);
    }

    /// <summary>Parses a template.</summary>
    /// <param name="source">Template text.</param>
    /// <param name="name">Name shown in error messages, e.g. <c>models/orders.sql</c>.</param>
    /// <exception cref="TemplateSyntaxException">The source is malformed; the message names template, line and column.</exception>
    public Template Parse(string source, string name = "<template>")
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(name);
        return new Template(this, name, Parser.Parse(source, name, Options));
    }

    /// <summary>
    /// Makes the top-level macros of <paramref name="template"/> globals, callable from every template of this
    /// environment (and from each other). Later definitions replace earlier ones of the same name.
    /// </summary>
    /// <returns>The names of the macros added.</returns>
    public IReadOnlyList<string> AddMacros(Template template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var names = new List<string>();
        foreach (var stmt in template.Body)
        {
            if (stmt is MacroStmt m)
            {
                _globals[m.Definition.Name] = new Macro(m.Definition, null);
                names.Add(m.Definition.Name);
            }
        }

        return names;
    }

    /// <summary>
    /// Calls a global macro or function directly, for hosts that run macros themselves
    /// (e.g. dbt's <c>generate_schema_name</c>). Returns the macro's text or its <c>return()</c> value.
    /// </summary>
    public object? Call(string name, IReadOnlyList<object?>? positional = null, IReadOnlyDictionary<string, object?>? keyword = null, IReadOnlyDictionary<string, object?>? context = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var renderer = new Renderer(this, context, name);
        var callable = renderer.Lookup(name);
        if (callable is Undefined)
        {
            throw new TemplateRuntimeException($"'{name}' is undefined", name, 0, 0);
        }

        var arguments = new Arguments([.. positional ?? []], keyword is null ? null : new Dictionary<string, object?>(keyword, StringComparer.Ordinal));
        var target = callable switch
        {
            ICallable c => c,
            TemplateFunction f => new HostFunction(name, f),
            Delegate d => DelegateFunction.Create(d),
            _ => throw new TemplateRuntimeException($"'{name}' is not callable", name, 0, 0),
        };
        return renderer.CallTopLevel(target, arguments);
    }

    internal bool TryGetGlobal(string name, out object? value)
    {
        if (_globals.TryGetValue(name, out value))
        {
            return true;
        }

        if (name == "return" && Options.EnableReturn)
        {
            value = BuiltinGlobals.Return;
            return true;
        }

        return BuiltinGlobals.TryGet(name, out value);
    }

    internal bool TryGetFilter(string name, out ICallable filter) => _filters.TryGetValue(name, out filter!);

    internal bool TryGetTest(string name, out ICallable test) => _tests.TryGetValue(name, out test!);
}
