namespace Nagare.Core.Connectors;

/// <summary>Incremental read: rows with <paramref name="Column"/> greater than <paramref name="After"/> (all rows when null).</summary>
/// <param name="Column">The cursor column.</param>
/// <param name="After">The last cursor value already loaded, as the column's .NET value type; null to read from the start.</param>
public sealed record CursorRange(string Column, object? After);
