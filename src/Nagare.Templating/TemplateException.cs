namespace Nagare.Templating;

/// <summary>
/// Root of template errors. Carries the template name and the 1-based line and column where the
/// problem was found, and repeats them in <see cref="Exception.Message"/>. The engine depends on nothing else of
/// Nagare's, so hosts treat it as a user's error themselves.
/// </summary>
public class TemplateException : Exception
{
    public TemplateException()
    {
    }

    public TemplateException(string message)
        : base(message)
    {
        Description = message;
    }

    public TemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
        Description = message;
    }

    /// <summary>Creates an error located in a template.</summary>
    public TemplateException(string description, string templateName, int line, int column, Exception? innerException = null)
        : base(Format(description, templateName, line, column), innerException!)
    {
        Description = description;
        TemplateName = templateName;
        Line = line;
        Column = column;
    }

    /// <summary>The error without its location.</summary>
    public string Description { get; } = string.Empty;

    /// <summary>Name the template was parsed with.</summary>
    public string? TemplateName { get; }

    /// <summary>1-based line of the error, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column of the error, or 0 when unknown.</summary>
    public int Column { get; }

    private static string Format(string description, string templateName, int line, int column) =>
        $"{description} (in {templateName}, line {line}, column {column})";
}
