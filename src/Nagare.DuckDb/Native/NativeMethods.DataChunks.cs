using System.Runtime.InteropServices;

namespace Nagare.DuckDb.Native;

// Data chunks, vectors and validity masks: the columnar path for reading results,
// appending, and producing table-function output. All IntPtr, no marshalling on the hot path.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_data_chunk(IntPtr* types, ulong columnCount);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_destroy_data_chunk(ref IntPtr chunk);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_data_chunk_reset(IntPtr chunk);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_data_chunk_get_column_count(IntPtr chunk);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_data_chunk_get_vector(IntPtr chunk, ulong column);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_data_chunk_get_size(IntPtr chunk);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_data_chunk_set_size(IntPtr chunk, ulong size);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_vector_get_column_type(IntPtr vector);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void* duckdb_vector_get_data(IntPtr vector);

    /// <summary>Validity bitmask (bit set = valid), or null when every row is valid.</summary>
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong* duckdb_vector_get_validity(IntPtr vector);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_vector_ensure_validity_writable(IntPtr vector);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_vector_assign_string_element_len(IntPtr vector, ulong index, byte* str, ulong length);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_list_vector_get_child(IntPtr vector);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_list_vector_get_size(IntPtr vector);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_list_vector_set_size(IntPtr vector, ulong size);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_list_vector_reserve(IntPtr vector, ulong capacity);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_struct_vector_get_child(IntPtr vector, ulong index);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_array_vector_get_child(IntPtr vector);
}
