namespace Nagare.Runtime.Generation;

/// <summary>One file generation produces.</summary>
/// <param name="Path">Path under the output folder, with <c>/</c> separators.</param>
/// <param name="Content">The full text, header included, ending with one newline.</param>
public sealed record GeneratedFile(string Path, string Content);
