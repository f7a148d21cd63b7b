namespace Nagare.Templating.Ast;

/// <summary>Signature and body of a macro, a <c>call</c> block's caller, or a dbt <c>test</c>/<c>materialization</c>.</summary>
internal sealed class MacroDefinition
{
    public MacroDefinition(string name, string[] parameters, Expr?[] defaults, Stmt[] body, string templateName, int line, int column)
    {
        Name = name;
        Parameters = parameters;
        Defaults = defaults;
        Body = body;
        TemplateName = templateName;
        Line = line;
        Column = column;
        var names = new HashSet<string>(StringComparer.Ordinal);
        NameCollector.Collect(body, names);
        foreach (var d in defaults)
        {
            if (d is not null)
            {
                NameCollector.Collect(d, names);
            }
        }

        CatchVarargs = names.Contains("varargs");
        CatchKwargs = names.Contains("kwargs");
        UsesCaller = names.Contains("caller");
    }

    public string Name { get; }

    public string[] Parameters { get; }

    public Expr?[] Defaults { get; }

    public Stmt[] Body { get; }

    public string TemplateName { get; }

    public int Line { get; }

    public int Column { get; }

    public bool CatchVarargs { get; }

    public bool CatchKwargs { get; }

    public bool UsesCaller { get; }
}
