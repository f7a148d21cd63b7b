using Nagare.Core;

namespace Nagare.Runtime.Generation;

/// <summary>
/// A problem with the inputs of <c>nagare generate</c>: a catalog, rule sheet, template or company file.
/// When the problem has a place, the message starts with <c>file:line:column</c>.
/// </summary>
public sealed class GenerationException : NagareException
{
    public GenerationException()
    {
    }

    public GenerationException(string message)
        : base(message)
    {
    }

    public GenerationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An error at a place in an input file; line and column are 1-based.</summary>
    public GenerationException(string file, int line, int column, string problem)
        : base($"{file}:{line}:{column}: {problem}")
    {
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>The input file, as shown to the user; null when the problem has no place.</summary>
    public string? File { get; }

    /// <summary>1-based line, or 0.</summary>
    public int Line { get; }

    /// <summary>1-based column (field number in CSV files), or 0.</summary>
    public int Column { get; }
}
