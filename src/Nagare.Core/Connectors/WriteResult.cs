namespace Nagare.Core.Connectors;

/// <summary>What a commit did.</summary>
/// <param name="RowsWritten">Rows received by the writer.</param>
/// <param name="RowsInserted">Rows inserted into the target.</param>
/// <param name="RowsUpdated">Rows whose stored values changed (merge).</param>
/// <param name="RowsDeleted">Rows deleted or soft-deleted (delete detection).</param>
/// <param name="RowsUnchanged">Rows a merge left alone because the stored row under their key already had the same values.</param>
public sealed record WriteResult(long RowsWritten, long RowsInserted, long RowsUpdated = 0, long RowsDeleted = 0, long RowsUnchanged = 0);
