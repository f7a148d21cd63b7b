namespace Nagare.Runtime.Generation;

/// <summary>A catalog column with the rules that apply to it and the SQL they produce.</summary>
/// <param name="Column">The catalog column.</param>
/// <param name="Cast">The casting rule that won, or null.</param>
/// <param name="TimeZone">The time-zone rule that won, or null.</param>
/// <param name="Mask">The masking rule that won, or null.</param>
/// <param name="CleanExpression">The column after casting and time-zone conversion (what the secret model selects).</param>
/// <param name="Expression">The column as the model selects it: <see cref="CleanExpression"/>, hashed when masked.</param>
/// <param name="CleanType">The type of <see cref="CleanExpression"/>.</param>
/// <param name="OutputType">The type of <see cref="Expression"/>.</param>
public sealed record ResolvedColumn(
    CatalogColumn Column,
    CastRule? Cast,
    TimeZoneRule? TimeZone,
    MaskRule? Mask,
    string CleanExpression,
    string Expression,
    string CleanType,
    string OutputType)
{
    /// <summary>The column's name as written in SQL.</summary>
    public string Quoted => SqlText.Identifier(Column.Name);
}
