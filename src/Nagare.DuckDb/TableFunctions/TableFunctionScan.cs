using Nagare.DuckDb.Appending;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.TableFunctions;

/// <summary>Per-scan state DuckDB keeps as init data: the user's scan state and the output chunk writer.</summary>
internal sealed class TableFunctionScan(TableFunctionBinding binding, IReadOnlyList<int> projectedColumns, object? state) : IDisposable
{
    private DuckDbChunkWriter? _writer;

    public TableFunctionBinding Binding { get; } = binding;

    public object? State { get; } = state;

    /// <summary>The writer over <paramref name="output"/>, built on first use from the output's own vector types.</summary>
    public DuckDbChunkWriter WriterFor(IntPtr output)
    {
        if (_writer is null)
        {
            var count = (int)NativeMethods.duckdb_data_chunk_get_column_count(output);
            var types = new DuckDbColumnType[count];
            var names = new string[count];
            for (var i = 0; i < count; i++)
            {
                var type = NativeMethods.duckdb_vector_get_column_type(NativeMethods.duckdb_data_chunk_get_vector(output, (ulong)i));
                try
                {
                    types[i] = DuckDbColumnType.FromNative(type);
                }
                finally
                {
                    NativeMethods.duckdb_destroy_logical_type(ref type);
                }

                var declared = i < projectedColumns.Count ? projectedColumns[i] : i;
                names[i] = declared < Binding.Columns.Count ? Binding.Columns[declared].Key : "#" + declared;
            }

            _writer = new DuckDbChunkWriter($"table function \"{Binding.Function.Name}\"", types, names);
        }

        _writer.Attach(output);
        return _writer;
    }

    public void Dispose()
    {
        _writer?.Release();
        (State as IDisposable)?.Dispose();
    }
}
