using System.Runtime.InteropServices;

namespace Nagare.DuckDb.Native;

// Query execution and result section. A duckdb_result lives in native memory (see
// DuckDbResultHandle) because duckdb_fetch_chunk takes it by value.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_query(IntPtr connection, string query, DuckDbResultStruct* result);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_destroy_result(DuckDbResultStruct* result);

    /// <summary>A value of a materialized result as text (NULL: a null pointer); free with duckdb_free.</summary>
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_value_varchar(DuckDbResultStruct* result, ulong column, ulong row);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_column_name(DuckDbResultStruct* result, ulong column);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbType duckdb_column_type(DuckDbResultStruct* result, ulong column);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_column_logical_type(DuckDbResultStruct* result, ulong column);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_column_count(DuckDbResultStruct* result);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_rows_changed(DuckDbResultStruct* result);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_result_error(DuckDbResultStruct* result);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial int duckdb_result_error_type(DuckDbResultStruct* result);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbResultType duckdb_result_return_type(DuckDbResultStruct result);

    /// <summary>Next chunk of a (materialized or streaming) result; <c>IntPtr.Zero</c> at the end. Destroy each chunk.</summary>
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_fetch_chunk(DuckDbResultStruct result);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ulong duckdb_extract_statements(IntPtr connection, string query, out IntPtr extracted);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_prepare_extracted_statement(IntPtr connection, IntPtr extracted, ulong index, out IntPtr prepared);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_extract_statements_error(IntPtr extracted);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_destroy_extracted(ref IntPtr extracted);
}
