using Nagare.DuckDb.Native;
using Nagare.DuckDb.TableFunctions;

namespace Nagare.DuckDb;

public sealed partial class DuckDbConnection
{
    /// <summary>
    /// Registers <paramref name="function"/> so SQL on this database can call it. DuckDB keeps functions per
    /// database: every connection to the same database sees it, and DuckDB holds the function (and so its
    /// callbacks) until the database closes. A name can be registered once per database and must not be
    /// the name of a built-in function.
    /// </summary>
    /// <exception cref="DuckDbException">The name is taken, or DuckDB refused the registration.</exception>
    public unsafe void RegisterTableFunction(DuckDbTableFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);

        // DuckDB silently keeps the existing function when a name is registered again; say so instead.
        var literal = "'" + function.Name.Replace("'", "''", StringComparison.Ordinal) + "'";
        if (CountNative($"SELECT count(*) FROM duckdb_functions() WHERE lower(function_name) = lower({literal})") > 0)
        {
            throw new DuckDbException($"Cannot register table function \"{function.Name}\": a function with that name already exists in this database.");
        }

        var native = NativeMethods.duckdb_create_table_function();
        try
        {
            NativeMethods.duckdb_table_function_set_name(native, function.Name);
            foreach (var parameter in function.Parameters)
            {
                var type = parameter.CreateNative();
                NativeMethods.duckdb_table_function_add_parameter(native, type);
                NativeMethods.duckdb_destroy_logical_type(ref type);
            }

            foreach (var (name, parameter) in function.NamedParameters)
            {
                var type = parameter.CreateNative();
                NativeMethods.duckdb_table_function_add_named_parameter(native, name, type);
                NativeMethods.duckdb_destroy_logical_type(ref type);
            }

            // From here DuckDB owns the handle: it frees it when the function is dropped with the database,
            // or right away in duckdb_destroy_table_function below if registration fails.
            var handle = System.Runtime.InteropServices.GCHandle.Alloc(function);
            NativeMethods.duckdb_table_function_set_extra_info(
                native, System.Runtime.InteropServices.GCHandle.ToIntPtr(handle), TableFunctionCallbacks.FreeHandlePointer);
            NativeMethods.duckdb_table_function_set_bind(native, TableFunctionCallbacks.BindPointer);
            NativeMethods.duckdb_table_function_set_init(native, TableFunctionCallbacks.InitPointer);
            NativeMethods.duckdb_table_function_set_function(native, TableFunctionCallbacks.ProducePointer);
            NativeMethods.duckdb_table_function_supports_projection_pushdown(native, function.SupportsProjectionPushdown);
            if (NativeMethods.duckdb_register_table_function(NativeConnection.DangerousGetHandle(), native) != DuckDbState.Success)
            {
                throw new DuckDbException($"DuckDB refused to register table function \"{function.Name}\".");
            }
        }
        finally
        {
            NativeMethods.duckdb_destroy_table_function(ref native);
        }
    }

    /// <summary>Runs a query returning one BIGINT and reads it, fully materialized and released before returning.</summary>
    private unsafe long CountNative(string sql)
    {
        using var result = new DuckDbResultHandle();
        if (NativeMethods.duckdb_query(NativeConnection.DangerousGetHandle(), sql, result.Pointer) != DuckDbState.Success)
        {
            throw new DuckDbException(System.Runtime.InteropServices.Marshal.PtrToStringUTF8(NativeMethods.duckdb_result_error(result.Pointer)) ?? "DuckDB query failed.");
        }

        var chunk = NativeMethods.duckdb_fetch_chunk(*result.Pointer);
        try
        {
            return chunk == IntPtr.Zero || NativeMethods.duckdb_data_chunk_get_size(chunk) == 0
                ? 0
                : *(long*)NativeMethods.duckdb_vector_get_data(NativeMethods.duckdb_data_chunk_get_vector(chunk, 0));
        }
        finally
        {
            if (chunk != IntPtr.Zero)
            {
                NativeMethods.duckdb_destroy_data_chunk(ref chunk);
            }
        }
    }
}
