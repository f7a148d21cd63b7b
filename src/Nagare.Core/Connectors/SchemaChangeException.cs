namespace Nagare.Core.Connectors;

/// <summary>A stream's columns changed in a way that cannot be applied without losing data; the message says what changed and what to do.</summary>
public sealed class SchemaChangeException : ConnectorException
{
    public SchemaChangeException()
    {
    }

    public SchemaChangeException(string message)
        : base(message)
    {
    }

    public SchemaChangeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
