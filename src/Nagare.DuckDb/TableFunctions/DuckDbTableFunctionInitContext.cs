namespace Nagare.DuckDb.TableFunctions;

/// <summary>What a table function's init step sees: the columns declared at bind and those the query needs.</summary>
public sealed class DuckDbTableFunctionInitContext
{
    internal DuckDbTableFunctionInitContext(IReadOnlyList<KeyValuePair<string, DuckDbColumnType>> columns, IReadOnlyList<int> projectedColumns)
    {
        Columns = columns;
        ProjectedColumns = projectedColumns;
    }

    /// <summary>All result columns declared at bind.</summary>
    public IReadOnlyList<KeyValuePair<string, DuckDbColumnType>> Columns { get; }

    /// <summary>
    /// For each column of the output chunk, the index of the declared column it carries. With projection
    /// pushdown, <c>SELECT b FROM f()</c> over columns (a, b) yields [1]; without it, every column in order.
    /// Only columns the query reads are fetched, so a source can skip the others entirely.
    /// </summary>
    public IReadOnlyList<int> ProjectedColumns { get; }
}
