namespace Nagare.Core.Connectors;

/// <summary>A connector failed in a way the user can act on: unreachable server, bad credentials, missing table, bad row.</summary>
public class ConnectorException : NagareException
{
    public ConnectorException()
    {
    }

    public ConnectorException(string message)
        : base(message)
    {
    }

    public ConnectorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The connection involved.</summary>
    public string? Connection { get; init; }

    /// <summary>The stream involved, if any.</summary>
    public string? Stream { get; init; }

    /// <summary>The 1-based number of the row written (in the order the writer received the rows) the error is about, if any.</summary>
    public long? Row { get; init; }

    /// <summary>True when retrying may succeed (time-outs, dropped connections, lock conflicts).</summary>
    public bool IsTransient { get; init; }
}
