namespace Nagare.Runtime.Generation;

/// <summary>One column of a catalog table, as <c>information_schema.columns</c> describes it.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Ordinal">1-based position in the table.</param>
/// <param name="DataType">The database's type text, e.g. <c>VARCHAR</c>, <c>character varying</c>, <c>DECIMAL(12,2)</c>.</param>
/// <param name="Nullable">Whether NULLs may occur.</param>
/// <param name="MaxLength">character_maximum_length, when known.</param>
/// <param name="Precision">numeric_precision, when known.</param>
/// <param name="Scale">numeric_scale, when known.</param>
public sealed record CatalogColumn(string Name, int Ordinal, string DataType, bool Nullable = true, int? MaxLength = null, int? Precision = null, int? Scale = null);
