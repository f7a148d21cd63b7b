namespace Nagare.Runtime.Models;

/// <summary>A column documented in YAML (and, after <c>nagare docs</c>, its warehouse type).</summary>
public sealed record ColumnInfo(string Name, string? Description, string? DataType);
