using Nagare.Core.Batches;

namespace Nagare.Core.Connectors;

/// <summary>
/// A source that can set malformed input rows aside instead of failing (files: a CSV line with too many
/// columns, a value that does not convert, a line that is not JSON).
/// </summary>
public interface IRejectingSource : ISource
{
    /// <summary>
    /// Reads like <see cref="ISource.ReadAsync"/>. With <see cref="OnError.Fail"/> the first malformed row throws a
    /// <see cref="ConnectorException"/> naming file, line, column and reason (batches already yielded must then be
    /// discarded: the caller does not commit). With <see cref="OnError.Skip"/> or <see cref="OnError.Quarantine"/>
    /// good rows are yielded and every malformed row is passed to <paramref name="rejected"/>, at the latest before
    /// the enumeration completes.
    /// </summary>
    IAsyncEnumerable<ColumnBatch> ReadAsync(
        ReadRequest request, OnError onError, Func<RejectedRow, ValueTask> rejected, CancellationToken cancellationToken);
}
