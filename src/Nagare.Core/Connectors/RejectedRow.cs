namespace Nagare.Core.Connectors;

/// <summary>An input row a source could not read, with where it is and why it was rejected.</summary>
/// <param name="Stream">The stream being read.</param>
/// <param name="File">The file (or other origin) holding the row, as the connector names it.</param>
/// <param name="Line">1-based line (or row) number within <paramref name="File"/>; 0 when unknown.</param>
/// <param name="Column">The offending column, when the error concerns one.</param>
/// <param name="Reason">What is wrong (e.g. <c>CAST: Could not convert string "x" to 'DOUBLE'</c>).</param>
/// <param name="RawRow">The row's original text, when available.</param>
public sealed record RejectedRow(string Stream, string File, long Line, string? Column, string Reason, string? RawRow);
