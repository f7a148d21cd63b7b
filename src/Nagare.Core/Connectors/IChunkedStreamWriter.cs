using System.Collections.Immutable;

namespace Nagare.Core.Connectors;

/// <summary>One chunked load; see <see cref="IChunkedDestination.OpenChunkedWriterAsync"/>. Disposing without commit keeps finished chunks staged for a later resume.</summary>
public interface IChunkedStreamWriter : IAsyncDisposable
{
    /// <summary>Chunks already staged (from the checkpoint and from chunks committed through this writer).</summary>
    ImmutableArray<int> CompletedChunks { get; }

    /// <summary>
    /// A writer for chunk <paramref name="chunkIndex"/>. Its <see cref="IStreamWriter.CommitAsync"/> stages the rows and
    /// stores the checkpoint with this chunk added to <see cref="StreamState.CompletedChunks"/>, in one transaction; the
    /// <see cref="StreamState.Extra"/> values of its state argument (if any) are stored with it, and a later
    /// <see cref="IDestination.LoadStateAsync"/> returns the union of every staged chunk's values. Several chunk writers may be open at once;
    /// disposing one uncommitted drops its rows only.
    /// </summary>
    Task<IStreamWriter> OpenChunkAsync(int chunkIndex, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes every staged chunk into the target with the request's mode (full refresh swaps, append inserts,
    /// merge upserts), stores <paramref name="state"/> (no completed chunks) and drops the staging, in one transaction.
    /// </summary>
    Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken);
}
