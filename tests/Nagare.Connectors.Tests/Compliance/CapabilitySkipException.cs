namespace Nagare.Connectors.Tests.Compliance;

/// <summary>Thrown by a compliance fact whose connector lacks what the fact checks; reported as a skip.</summary>
public sealed class CapabilitySkipException : Exception
{
    public CapabilitySkipException()
    {
    }

    public CapabilitySkipException(string message)
        : base(message)
    {
    }

    public CapabilitySkipException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
