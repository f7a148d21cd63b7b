using Nagare.Core.Batches;

namespace Nagare.Core.Connectors;

/// <summary>Writes one stream's batches; see <see cref="IDestination.OpenWriterAsync"/>.</summary>
public interface IStreamWriter : IAsyncDisposable
{
    /// <summary>Writes a batch (its columns in <see cref="WriteRequest.Columns"/> order). The batch may be reused by the caller afterwards.</summary>
    ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the rows visible and stores <paramref name="state"/> in the same transaction (full refresh swaps the
    /// table, merge upserts from staging). Either everything is committed or nothing.
    /// </summary>
    Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken);
}
