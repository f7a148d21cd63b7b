namespace Nagare.DuckDb.TableFunctions;

/// <summary>Per-query state DuckDB keeps as bind data: the function, its columns and the user's bind state.</summary>
internal sealed class TableFunctionBinding(
    DuckDbTableFunction function,
    IReadOnlyList<KeyValuePair<string, DuckDbColumnType>> columns,
    object? state) : IDisposable
{
    public DuckDbTableFunction Function { get; } = function;

    public IReadOnlyList<KeyValuePair<string, DuckDbColumnType>> Columns { get; } = columns;

    public object? State { get; } = state;

    public void Dispose() => (State as IDisposable)?.Dispose();
}
