namespace Nagare.DuckDb;

/// <summary>Progress of the query running on a connection (for progress bars).</summary>
/// <param name="Percentage">0..100, or -1 when no query is running or DuckDB cannot estimate it.</param>
/// <param name="RowsProcessed">Rows processed so far.</param>
/// <param name="TotalRows">Rows DuckDB expects to process in total.</param>
public readonly record struct DuckDbQueryProgress(double Percentage, ulong RowsProcessed, ulong TotalRows);
