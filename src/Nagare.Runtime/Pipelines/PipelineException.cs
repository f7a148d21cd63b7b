using Nagare.Core;

namespace Nagare.Runtime.Pipelines;

/// <summary>A pipeline cannot run as asked (a parameter of the wrong type, an unknown step, a template error); the message says what and where.</summary>
public sealed class PipelineException : NagareException
{
    public PipelineException()
    {
    }

    public PipelineException(string message)
        : base(message)
    {
    }

    public PipelineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
