using System.Collections.Immutable;
using Nagare.Core.Schema;

namespace Nagare.Core.Batches;

/// <summary>
/// A batch of rows stored column by column, the unit sources yield and destinations consume.
/// A source may reuse one batch object for every batch it yields: a consumer must finish with a
/// batch (or copy what it needs) before asking for the next one.
/// </summary>
public sealed class ColumnBatch
{
    /// <summary>Default rows per batch: big enough to amortize per-batch costs, small enough to stay in cache.</summary>
    public const int DefaultCapacity = 8192;

    public ColumnBatch(ImmutableArray<ColumnSchema> columns, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Schema = columns;
        Capacity = capacity;
        Columns = [.. columns.Select(c => ColumnVector.Create(c.Type, capacity))];
    }

    /// <summary>The columns' names and types, in batch order.</summary>
    public ImmutableArray<ColumnSchema> Schema { get; }

    /// <summary>One vector per column.</summary>
    public ImmutableArray<ColumnVector> Columns { get; }

    /// <summary>Rows each vector can hold.</summary>
    public int Capacity { get; }

    /// <summary>Rows filled (0..Capacity).</summary>
    public int RowCount { get; set; }

    /// <summary>Where the rows came from, for error messages (e.g. a file path, a chunk); optional.</summary>
    public string? Origin { get; set; }

    /// <summary>Row number (1-based, within <see cref="Origin"/>) of the first row of this batch; 0 when unknown.</summary>
    public long FirstRowNumber { get; set; }

    /// <summary>The typed vector of column <paramref name="index"/>.</summary>
    /// <exception cref="InvalidCastException">The column holds another value type.</exception>
    public ColumnVector<T> Column<T>(int index) => (ColumnVector<T>)Columns[index];

    /// <summary>A batch of its own holding a copy of this one's rows, for a consumer that keeps rows past the next batch.</summary>
    public ColumnBatch Copy()
    {
        var copy = new ColumnBatch(Schema, Math.Max(1, RowCount)) { RowCount = RowCount, Origin = Origin, FirstRowNumber = FirstRowNumber };
        for (var i = 0; i < Columns.Length; i++)
        {
            Columns[i].CopyTo(copy.Columns[i], RowCount);
        }

        return copy;
    }

    /// <summary>Empties the batch for refilling.</summary>
    public void Reset()
    {
        RowCount = 0;
        foreach (var column in Columns)
        {
            column.ClearNulls();
        }
    }
}
