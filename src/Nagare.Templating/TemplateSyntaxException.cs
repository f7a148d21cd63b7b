namespace Nagare.Templating;

/// <summary>The template source cannot be parsed: a tag, expression or string is malformed.</summary>
public class TemplateSyntaxException : TemplateException
{
    public TemplateSyntaxException()
    {
    }

    public TemplateSyntaxException(string message)
        : base(message)
    {
    }

    public TemplateSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an error located in a template.</summary>
    public TemplateSyntaxException(string description, string templateName, int line, int column)
        : base(description, templateName, line, column)
    {
    }
}
