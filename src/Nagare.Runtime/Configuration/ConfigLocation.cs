namespace Nagare.Runtime.Configuration;

/// <summary>Where something was written in a project file.</summary>
/// <param name="File">The file path.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record ConfigLocation(string File, int Line, int Column)
{
    /// <summary><c>file:line:column</c>.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
