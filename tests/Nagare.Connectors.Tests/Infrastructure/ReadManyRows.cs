using Nagare.Core.Batches;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Tests.Infrastructure;

/// <summary>Reads of <see cref="IMultiTableSource.ReadManyAsync"/> taken apart row by row, for assertions.</summary>
internal static class ReadManyRows
{
    /// <summary>
    /// Every row read: the request it answers, the batch's table (<see cref="ColumnBatch.Origin"/>), its row number in
    /// that request's read, and what <paramref name="select"/> takes from it (batch, request, row in the batch).
    /// </summary>
    public static async Task<List<(int Request, string? Origin, long Row, T Value)>> ReadAsync<T>(
        IMultiTableSource source, IReadOnlyList<ReadRequest> requests, Func<ColumnBatch, int, int, T> select)
    {
        var rows = new List<(int, string?, long, T)>();
        await foreach (var (index, batch) in source.ReadManyAsync(requests, CancellationToken.None))
        {
            for (var r = 0; r < batch.RowCount; r++)
            {
                rows.Add((index, batch.Origin, batch.FirstRowNumber + r, select(batch, index, r)));
            }
        }

        return rows;
    }

    /// <summary>Reads everything and keeps nothing (for reads expected to fail).</summary>
    public static async Task DrainAsync(IMultiTableSource source, IReadOnlyList<ReadRequest> requests)
    {
        await foreach (var _ in source.ReadManyAsync(requests, CancellationToken.None))
        {
        }
    }
}
