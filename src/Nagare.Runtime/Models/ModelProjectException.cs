using Nagare.Core;

namespace Nagare.Runtime.Models;

/// <summary>A problem in a model project (YAML, SQL, references, configuration); the message names the file and, where known, the line and key.</summary>
public sealed class ModelProjectException : NagareException
{
    public ModelProjectException(string message)
        : base(message)
    {
    }

    public ModelProjectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
