namespace Nagare.Templating;

/// <summary>Rendering failed: a value had the wrong type, a call failed, or a host function threw.</summary>
public class TemplateRuntimeException : TemplateException
{
    public TemplateRuntimeException()
    {
    }

    public TemplateRuntimeException(string message)
        : base(message)
    {
    }

    public TemplateRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an error located in a template.</summary>
    public TemplateRuntimeException(string description, string templateName, int line, int column, Exception? innerException = null)
        : base(description, templateName, line, column, innerException)
    {
    }
}
