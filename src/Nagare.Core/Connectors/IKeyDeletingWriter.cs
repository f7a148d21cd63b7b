using Nagare.Core.Batches;

namespace Nagare.Core.Connectors;

/// <summary>
/// An optional ability of a stream writer: deleting target rows by key in the same transaction as the rows it writes,
/// so a mirror (upsert, and delete what it sent before and no longer sends) commits whole or not at all. Rows not
/// named are never touched, whoever wrote them.
/// </summary>
public interface IKeyDeletingWriter : IStreamWriter
{
    /// <summary>
    /// Deletes, at commit and before the written rows are published, the target rows whose key equals a row of
    /// <paramref name="keys"/>: its columns are <see cref="WriteRequest.PrimaryKey"/> in order, typed as those columns
    /// are in <see cref="WriteRequest.Columns"/>. The batch may be reused by the caller afterwards. Rows deleted are
    /// counted in <see cref="WriteResult.RowsDeleted"/>.
    /// </summary>
    ValueTask DeleteAsync(ColumnBatch keys, CancellationToken cancellationToken);
}
