using System.Runtime.InteropServices;

namespace Nagare.DuckDb.Native;

// duckdb_value: used for binding parameters of nested/rare types and reading
// table-function parameters. Not on any per-row hot path.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_destroy_value(ref IntPtr value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_varchar_length(byte* text, ulong length);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_int64(long value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_uuid(DuckDbUHugeIntStruct value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_time_tz_value(ulong bits);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_timestamp_s(long seconds);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_timestamp_ms(long millis);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_timestamp_ns(long nanos);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_null_value();

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_list_value(IntPtr childType, IntPtr* values, ulong count);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_array_value(IntPtr childType, IntPtr* values, ulong count);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_struct_value(IntPtr structType, IntPtr* values);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_map_value(IntPtr mapType, IntPtr* keys, IntPtr* values, ulong count);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_get_value_type(IntPtr value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial long duckdb_get_int64(IntPtr value);

    /// <summary>VARCHAR content of a value; free with duckdb_free.</summary>
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_get_varchar(IntPtr value);

    /// <summary>SQL text of any value; free with duckdb_free.</summary>
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_value_to_string(IntPtr value);
}
