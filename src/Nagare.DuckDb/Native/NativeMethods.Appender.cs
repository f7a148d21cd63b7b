using System.Runtime.InteropServices;

namespace Nagare.DuckDb.Native;

// Appender section: only the chunk-wise path is bound; per-value appends are not used.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_appender_create(IntPtr connection, string? schema, string table, out IntPtr appender);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_appender_create_ext(IntPtr connection, string? catalog, string? schema, string table, out IntPtr appender);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_appender_column_count(IntPtr appender);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_appender_column_type(IntPtr appender, ulong column);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_appender_error(IntPtr appender);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_appender_flush(IntPtr appender);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_appender_close(IntPtr appender);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_appender_destroy(ref IntPtr appender);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_appender_add_column(IntPtr appender, string name);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_append_data_chunk(IntPtr appender, IntPtr chunk);
}
