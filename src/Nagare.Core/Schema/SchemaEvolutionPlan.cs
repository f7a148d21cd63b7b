namespace Nagare.Core.Schema;

/// <summary>What a destination applies before writing: columns to add and columns to widen.</summary>
/// <param name="Added">Incoming columns the target lacks, in incoming order.</param>
/// <param name="Widened">Target columns whose type must grow.</param>
public sealed record SchemaEvolutionPlan(IReadOnlyList<ColumnSchema> Added, IReadOnlyList<WidenedColumn> Widened)
{
    /// <summary>True when the target already accepts the rows as they are.</summary>
    public bool IsEmpty => Added.Count == 0 && Widened.Count == 0;
}
