namespace Nagare.Core;

/// <summary>
/// Root of Nagare's errors. A <see cref="NagareException"/> is a user error: its message says
/// what went wrong and where, and hosts show it without a stack trace.
/// </summary>
public class NagareException : Exception
{
    public NagareException()
    {
    }

    public NagareException(string message)
        : base(message)
    {
    }

    public NagareException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What the user can do about it, if known.</summary>
    public string? Hint { get; init; }
}
