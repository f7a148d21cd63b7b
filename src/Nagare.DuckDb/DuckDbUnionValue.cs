namespace Nagare.DuckDb;

/// <summary>A value of a DuckDB UNION column: which member is active and its value.</summary>
/// <param name="Tag">Index of the active member.</param>
/// <param name="MemberName">Name of the active member.</param>
/// <param name="Value">The member's value, null when NULL.</param>
public readonly record struct DuckDbUnionValue(int Tag, string MemberName, object? Value);
