namespace Nagare.Runtime.Configuration;

/// <summary>
/// A column mapping selected by a glob: <c>email</c> (any table), <c>*.email</c> (<c>table.column</c>) or
/// <c>sales.*.email</c> (<c>schema.table.column</c>).
/// </summary>
/// <param name="Pattern">The glob.</param>
/// <param name="Mapping">What to do with matching columns.</param>
public sealed record ColumnRule(string Pattern, ColumnMapping Mapping);
