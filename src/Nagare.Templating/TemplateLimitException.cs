namespace Nagare.Templating;

/// <summary>
/// Rendering stopped because it exceeded one of the limits in <see cref="TemplateOptions"/>
/// (loop iterations, output size, call depth).
/// </summary>
public class TemplateLimitException : TemplateRuntimeException
{
    public TemplateLimitException()
    {
    }

    public TemplateLimitException(string message)
        : base(message)
    {
    }

    public TemplateLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an error located in a template.</summary>
    public TemplateLimitException(string description, string templateName, int line, int column)
        : base(description, templateName, line, column)
    {
    }
}
