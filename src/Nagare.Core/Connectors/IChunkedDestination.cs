namespace Nagare.Core.Connectors;

/// <summary>
/// A destination that loads a big stream in independently committed chunks, so a killed copy resumes at the
/// first unfinished chunk instead of starting over. Staged chunks stay invisible to readers of the target
/// until <see cref="IChunkedStreamWriter.CommitAsync"/> publishes them all at once.
/// </summary>
public interface IChunkedDestination : IDestination
{
    /// <summary>
    /// Opens or resumes a chunked load. <paramref name="checkpoint"/> is the state stored with every finished chunk
    /// (the caller puts its chunk plan in <see cref="StreamState.Extra"/>). When staged chunks of an interrupted
    /// load of the same sync and state key are listed in <paramref name="checkpoint"/>'s
    /// <see cref="StreamState.CompletedChunks"/>, they are kept; any other staged rows are discarded.
    /// </summary>
    Task<IChunkedStreamWriter> OpenChunkedWriterAsync(WriteRequest request, StreamState checkpoint, CancellationToken cancellationToken);
}
