using System.Runtime.InteropServices;

namespace Nagare.DuckDb.Native;

// Declarations used by the chunk writer, the appender and table functions that the other
// sections do not carry: unchecked string assignment (we encode valid UTF-8 ourselves),
// appender error data, and reading table-function parameter values.
internal static unsafe partial class NativeMethods
{
    /// <summary>Assigns a string without UTF-8 validation; callers guarantee valid UTF-8.</summary>
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_unsafe_vector_assign_string_element_len(IntPtr vector, ulong index, byte* str, ulong length);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_appender_error_data(IntPtr appender);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_appender_clear(IntPtr appender);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_destroy_error_data(ref IntPtr errorData);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial int duckdb_error_data_error_type(IntPtr errorData);

    /// <summary>Message of an error data object; owned by the error data (do not free).</summary>
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_error_data_message(IntPtr errorData);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool duckdb_error_data_has_error(IntPtr errorData);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool duckdb_is_null_value(IntPtr value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool duckdb_get_bool(IntPtr value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_get_uint64(IntPtr value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial double duckdb_get_double(IntPtr value);
}
