namespace Nagare.Core.Connectors;

/// <summary>One chunk of a table: rows with <paramref name="From"/> ≤ key &lt; <paramref name="To"/>; a null bound is open.</summary>
/// <param name="Column">The key column (usually the primary key's single column).</param>
/// <param name="From">Inclusive lower bound, or null.</param>
/// <param name="To">Exclusive upper bound, or null.</param>
/// <param name="Index">Chunk number, for checkpoints and messages.</param>
public sealed record KeyRange(string Column, object? From, object? To, int Index);
