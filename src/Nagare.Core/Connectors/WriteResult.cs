namespace Nagare.Core.Connectors;

/// <summary>What a commit did.</summary>
/// <param name="RowsWritten">Rows received by the writer.</param>
/// <param name="RowsInserted">Rows inserted into the target.</param>
/// <param name="RowsUpdated">Rows updated (merge).</param>
/// <param name="RowsDeleted">Rows deleted or soft-deleted (delete detection).</param>
public sealed record WriteResult(long RowsWritten, long RowsInserted, long RowsUpdated = 0, long RowsDeleted = 0);
