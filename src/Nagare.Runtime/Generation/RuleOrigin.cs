using System.Collections.Immutable;

namespace Nagare.Runtime.Generation;

/// <summary>Where a rule was written: its sheet, line, and the sheet's header (to point at a field).</summary>
/// <param name="File">The sheet as named in messages.</param>
/// <param name="Line">1-based line of the row.</param>
/// <param name="Header">The sheet's column names, in order.</param>
public sealed record RuleOrigin(string File, int Line, ImmutableArray<string> Header)
{
    /// <summary>An error pointing at the field <paramref name="column"/> of this row.</summary>
    public GenerationException Error(string column, string problem) =>
        new(File, Line, Math.Max(1, Header.IndexOf(column) + 1), problem);

    /// <summary><c>file:line</c>.</summary>
    public override string ToString() => $"{File}:{Line}";
}
