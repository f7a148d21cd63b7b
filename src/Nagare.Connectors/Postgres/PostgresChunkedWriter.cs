using System.Collections.Immutable;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// A chunked load: each chunk is copied into a persistent staging table in <c>_nagare</c> and committed with the
/// checkpoint; the final commit publishes all chunks into the target with the request's mode.
/// </summary>
internal sealed class PostgresChunkedWriter(PostgresConnection owner, WriteRequest request, string staging, StreamState checkpoint) : IChunkedStreamWriter
{
    private readonly Lock _gate = new();
    private ImmutableArray<int> _completed = [.. checkpoint.CompletedChunks.IsDefault ? [] : checkpoint.CompletedChunks];

    public ImmutableArray<int> CompletedChunks
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    public async Task<IStreamWriter> OpenChunkAsync(int chunkIndex, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunkIndex);
        var session = await owner.OpenSessionAsync($"staging chunk {chunkIndex} of {request.Target}", cancellationToken).ConfigureAwait(false);
        var writer = PostgresStreamWriter.ForChunk(owner, session, request, staging, chunkIndex, checkpoint, Completed);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            return writer;
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken)
    {
        var session = await owner.OpenSessionAsync($"publishing {request.Target}", cancellationToken).ConfigureAwait(false);
        await using var writer = PostgresStreamWriter.ForPublish(owner, session, request, staging);
        await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await writer.CommitAsync(state, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Staged chunks stay for a later resume; nothing to release.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Completed(int chunk)
    {
        lock (_gate)
        {
            if (!_completed.Contains(chunk))
            {
                _completed = _completed.Add(chunk).Sort();
            }
        }
    }
}
