using System.Runtime.InteropServices;

namespace Nagare.DuckDb.Native;

// Table functions implemented in C#: callbacks are [UnmanagedCallersOnly] function
// pointers; managed state travels through GCHandles passed as extra_info/bind/init data.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_table_function();

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_destroy_table_function(ref IntPtr function);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void duckdb_table_function_set_name(IntPtr function, string name);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_table_function_add_parameter(IntPtr function, IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void duckdb_table_function_add_named_parameter(IntPtr function, string name, IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_table_function_set_extra_info(IntPtr function, IntPtr extraInfo, delegate* unmanaged<IntPtr, void> destroy);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_table_function_set_bind(IntPtr function, delegate* unmanaged<IntPtr, void> bind);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_table_function_set_init(IntPtr function, delegate* unmanaged<IntPtr, void> init);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_table_function_set_local_init(IntPtr function, delegate* unmanaged<IntPtr, void> init);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_table_function_set_function(IntPtr function, delegate* unmanaged<IntPtr, IntPtr, void> function2);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_table_function_supports_projection_pushdown(IntPtr function, [MarshalAs(UnmanagedType.U1)] bool pushdown);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_register_table_function(IntPtr connection, IntPtr function);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_bind_get_extra_info(IntPtr info);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void duckdb_bind_add_result_column(IntPtr info, string name, IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_bind_get_parameter_count(IntPtr info);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_bind_get_parameter(IntPtr info, ulong index);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr duckdb_bind_get_named_parameter(IntPtr info, string name);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_bind_set_bind_data(IntPtr info, IntPtr bindData, delegate* unmanaged<IntPtr, void> destroy);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_bind_set_cardinality(IntPtr info, ulong cardinality, [MarshalAs(UnmanagedType.U1)] bool isExact);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void duckdb_bind_set_error(IntPtr info, string error);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_init_get_extra_info(IntPtr info);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_init_get_bind_data(IntPtr info);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_init_set_init_data(IntPtr info, IntPtr initData, delegate* unmanaged<IntPtr, void> destroy);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_init_get_column_count(IntPtr info);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_init_get_column_index(IntPtr info, ulong column);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_init_set_max_threads(IntPtr info, ulong maxThreads);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void duckdb_init_set_error(IntPtr info, string error);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_function_get_extra_info(IntPtr info);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_function_get_bind_data(IntPtr info);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_function_get_init_data(IntPtr info);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_function_get_local_init_data(IntPtr info);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void duckdb_function_set_error(IntPtr info, string error);
}
