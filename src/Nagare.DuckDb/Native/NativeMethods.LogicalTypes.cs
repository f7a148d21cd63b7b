using System.Runtime.InteropServices;

namespace Nagare.DuckDb.Native;

// Logical types: describing result columns, building appender/table-function schemas.
// Functions returning char* hand ownership to the caller (free with duckdb_free).
internal static unsafe partial class NativeMethods
{
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_logical_type(DuckDbType type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_logical_type_get_alias(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void duckdb_logical_type_set_alias(IntPtr type, string alias);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_list_type(IntPtr childType);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_array_type(IntPtr childType, ulong size);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_map_type(IntPtr keyType, IntPtr valueType);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_union_type(IntPtr* memberTypes, byte** memberNames, ulong count);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_struct_type(IntPtr* memberTypes, byte** memberNames, ulong count);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_enum_type(byte** memberNames, ulong count);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_create_decimal_type(byte width, byte scale);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbType duckdb_get_type_id(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial byte duckdb_decimal_width(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial byte duckdb_decimal_scale(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbType duckdb_decimal_internal_type(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbType duckdb_enum_internal_type(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial uint duckdb_enum_dictionary_size(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_enum_dictionary_value(IntPtr type, ulong index);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_list_type_child_type(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_array_type_child_type(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_array_type_array_size(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_map_type_key_type(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_map_type_value_type(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_struct_type_child_count(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_struct_type_child_name(IntPtr type, ulong index);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_struct_type_child_type(IntPtr type, ulong index);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_union_type_member_count(IntPtr type);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_union_type_member_name(IntPtr type, ulong index);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_union_type_member_type(IntPtr type, ulong index);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_destroy_logical_type(ref IntPtr type);
}
