namespace Nagare.Runtime.Replication;

/// <summary>A name the destination could not take as is and what it became.</summary>
/// <param name="Stream">The source stream (<c>schema.table</c>).</param>
/// <param name="Column">The column, or null when the table name changed.</param>
/// <param name="From">The name before sanitizing.</param>
/// <param name="To">The name used in the destination.</param>
public sealed record NameChange(string Stream, string? Column, string From, string To)
{
    public override string ToString() => Column is null ? $"table {From} → {To} (from {Stream})" : $"column {Stream}.{From} → {To}";
}
