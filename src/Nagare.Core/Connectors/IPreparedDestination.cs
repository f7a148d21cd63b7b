namespace Nagare.Core.Connectors;

/// <summary>
/// A destination that can get ready for a sync run before the run's first write: open its files, create its
/// bookkeeping tables, read the sync's stored states. A run starts this while the source is discovered, so the two
/// overlap instead of adding up.
/// </summary>
public interface IPreparedDestination : IDestination
{
    /// <summary>Does what the first write of a run of sync <paramref name="syncName"/> would otherwise do first.</summary>
    /// <exception cref="ConnectorException">The destination cannot be opened; the run would fail the same way at its first write.</exception>
    Task PrepareAsync(string syncName, CancellationToken cancellationToken);
}
