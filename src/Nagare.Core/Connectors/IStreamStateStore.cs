namespace Nagare.Core.Connectors;

/// <summary>
/// A destination whose stored sync states can be listed and forgotten (<c>nagare state</c>): what each stream's
/// cursor and unfinished chunks are, and a way to make one stream start over without a full refresh of all.
/// </summary>
public interface IStreamStateStore : IDestination
{
    /// <summary>Every stream state stored for <paramref name="syncName"/>, ordered by state key.</summary>
    Task<IReadOnlyList<StoredStreamState>> ListStatesAsync(string syncName, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets the state of one stream (its cursor, its checkpoints and the rows staged for an unfinished chunked
    /// load); the next run reads it from the start. Returns false when nothing was stored.
    /// </summary>
    Task<bool> ResetStateAsync(string syncName, string stream, CancellationToken cancellationToken);
}
