using System.Runtime.InteropServices;

namespace Nagare.DuckDb.Native;

// Open/connect/configuration section of duckdb.h. Handles are passed as IntPtr; their
// lifetime is owned by the SafeHandle types in this folder.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_library_version();

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_open_ext(string? path, out IntPtr database, IntPtr config, out IntPtr error);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_close(ref IntPtr database);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_connect(IntPtr database, out IntPtr connection);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_disconnect(ref IntPtr connection);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_interrupt(IntPtr connection);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbQueryProgressStruct duckdb_query_progress(IntPtr connection);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_create_config(out IntPtr config);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_set_config(IntPtr config, string name, string option);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_destroy_config(ref IntPtr config);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void* duckdb_malloc(nuint size);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_free(void* ptr);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_vector_size();
}
