using Nagare.Core.Schema;

namespace Nagare.Core.Connectors;

/// <summary>A connection data can be written to, atomically and with its sync state.</summary>
public interface IDestination : IConnection
{
    /// <summary>The table as it exists now, or null when it does not exist.</summary>
    Task<StreamSchema?> DescribeAsync(StreamId table, CancellationToken cancellationToken);

    /// <summary>The state last committed for <paramref name="syncName"/>/<paramref name="stream"/>, or null.</summary>
    Task<StreamState?> LoadStateAsync(string syncName, string stream, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a writer. Nothing is visible to readers until <see cref="IStreamWriter.CommitAsync"/>; disposing an
    /// uncommitted writer rolls back. Schema evolution (added columns, widened types) is applied by the writer
    /// according to <see cref="WriteRequest.SchemaChanges"/>.
    /// </summary>
    Task<IStreamWriter> OpenWriterAsync(WriteRequest request, CancellationToken cancellationToken);
}
