using Nagare.Core.Batches;

namespace Nagare.Core.Connectors;

/// <summary>
/// A source that can read several tables with one statement, so that a fan-in of thousands of small tables into one
/// does not pay a statement and a round trip per table.
/// </summary>
public interface IMultiTableSource : ISource
{
    /// <summary>
    /// Reads every request as <see cref="ISource.ReadAsync"/> would, combining into one statement those it can. Each
    /// batch holds rows of one request, given with its index in <paramref name="requests"/>; a request's rows may come
    /// in several batches. A batch is valid until the next one is asked for.
    /// </summary>
    IAsyncEnumerable<(int Request, ColumnBatch Batch)> ReadManyAsync(IReadOnlyList<ReadRequest> requests, CancellationToken cancellationToken);
}
