namespace Nagare.Core.Connectors;

/// <summary>A source whose parallel readers can share one consistent snapshot.</summary>
public interface ISnapshotSource : ISource
{
    /// <summary>
    /// Starts a snapshot and returns its token for <see cref="ReadRequest.Snapshot"/>; the snapshot lives until the
    /// returned handle is disposed.
    /// </summary>
    Task<ISourceSnapshot> BeginSnapshotAsync(CancellationToken cancellationToken);
}
