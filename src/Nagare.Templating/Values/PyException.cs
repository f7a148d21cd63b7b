namespace Nagare.Templating.Values;

/// <summary>
/// An error raised by a value operation, named after the Python exception Jinja would raise
/// (TypeError, ValueError...). The renderer adds the template location.
/// </summary>
internal sealed class PyException : Exception
{
    public PyException()
    {
        Kind = "Error";
    }

    public PyException(string message)
        : base(message)
    {
        Kind = "Error";
    }

    public PyException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = "Error";
    }

    public PyException(string kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public string Kind { get; }

    public static PyException Type(string message) => new("TypeError", message);

    public static PyException Value(string message) => new("ValueError", message);

    public static PyException Undefined(Undefined u) => new("UndefinedError", u.Describe());
}
