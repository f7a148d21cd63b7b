using Nagare.Core.Batches;
using Nagare.Core.Schema;

namespace Nagare.Core.Connectors;

/// <summary>A connection data can be read from.</summary>
public interface ISource : IConnection
{
    /// <summary>
    /// Lists streams with their columns, keys and cursor candidates. Implementations use batched catalog
    /// queries (one per database or schema, never one per table) so 100,000 tables are cheap to discover.
    /// </summary>
    IAsyncEnumerable<StreamSchema> DiscoverAsync(DiscoverRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Reads a stream as columnar batches in the order of <see cref="ReadRequest.Columns"/>. The source
    /// may reuse one <see cref="ColumnBatch"/> for every batch it yields (see its remarks).
    /// </summary>
    IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, CancellationToken cancellationToken);
}
