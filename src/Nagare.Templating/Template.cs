using Nagare.Templating.Ast;
using Nagare.Templating.Rendering;

namespace Nagare.Templating;

/// <summary>
/// A parsed template. Parse once with <see cref="TemplateEnvironment.Parse"/>, render many times;
/// <see cref="Render"/> may be called from several threads at once.
/// </summary>
public sealed class Template
{
    internal Template(TemplateEnvironment environment, string name, Stmt[] body)
    {
        Environment = environment;
        Name = name;
        Body = body;
        MacroNames = [.. body.OfType<MacroStmt>().Select(m => m.Definition.Name)];
    }

    /// <summary>The environment the template was parsed in.</summary>
    public TemplateEnvironment Environment { get; }

    /// <summary>Name used in error messages, e.g. <c>models/orders.sql</c>.</summary>
    public string Name { get; }

    /// <summary>Names of the macros defined at the top level of the template.</summary>
    public IReadOnlyList<string> MacroNames { get; }

    internal Stmt[] Body { get; }

    /// <summary>Renders the template with the given variables.</summary>
    /// <param name="context">Variables visible to the template; they shadow environment globals. May be null.</param>
    /// <returns>The rendered text.</returns>
    /// <exception cref="TemplateRuntimeException">A value was misused or a function failed; the message names template, line and column.</exception>
    /// <exception cref="TemplateLimitException">A limit of <see cref="TemplateOptions"/> was exceeded.</exception>
    public string Render(IReadOnlyDictionary<string, object?>? context = null) =>
        new Renderer(Environment, context, Name).Render(Body);
}
