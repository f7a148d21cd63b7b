using Nagare.Core;

namespace Nagare.Runtime.Activations;

/// <summary>An activation cannot run as configured, or a record cannot be sent; the message names the activation, record and field.</summary>
public sealed class ActivationException : NagareException
{
    public ActivationException()
    {
    }

    public ActivationException(string message)
        : base(message)
    {
    }

    public ActivationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
