using System.Runtime.InteropServices;

namespace Nagare.DuckDb.Native;

// Prepared statements, parameter binding, and pending (task-at-a-time) execution.
internal static unsafe partial class NativeMethods
{
    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_prepare(IntPtr connection, string query, out IntPtr prepared);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_destroy_prepare(ref IntPtr prepared);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_prepare_error(IntPtr prepared);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial ulong duckdb_nparams(IntPtr prepared);

    /// <summary>Name of parameter <paramref name="index"/> (1-based); free with duckdb_free.</summary>
    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_parameter_name(IntPtr prepared, ulong index);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbType duckdb_param_type(IntPtr prepared, ulong index);

    [LibraryImport(DuckDbLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DuckDbState duckdb_bind_parameter_index(IntPtr prepared, out ulong index, string name);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_clear_bindings(IntPtr prepared);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial int duckdb_prepared_statement_type(IntPtr prepared);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_value(IntPtr prepared, ulong index, IntPtr value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_boolean(IntPtr prepared, ulong index, [MarshalAs(UnmanagedType.U1)] bool value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_int8(IntPtr prepared, ulong index, sbyte value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_int16(IntPtr prepared, ulong index, short value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_int32(IntPtr prepared, ulong index, int value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_int64(IntPtr prepared, ulong index, long value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_hugeint(IntPtr prepared, ulong index, DuckDbHugeIntStruct value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_uhugeint(IntPtr prepared, ulong index, DuckDbUHugeIntStruct value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_decimal(IntPtr prepared, ulong index, DuckDbDecimalStruct value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_uint8(IntPtr prepared, ulong index, byte value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_uint16(IntPtr prepared, ulong index, ushort value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_uint32(IntPtr prepared, ulong index, uint value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_uint64(IntPtr prepared, ulong index, ulong value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_float(IntPtr prepared, ulong index, float value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_double(IntPtr prepared, ulong index, double value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_date(IntPtr prepared, ulong index, int days);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_time(IntPtr prepared, ulong index, long micros);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_timestamp(IntPtr prepared, ulong index, long micros);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_timestamp_tz(IntPtr prepared, ulong index, long micros);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_interval(IntPtr prepared, ulong index, DuckDbIntervalStruct value);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_varchar_length(IntPtr prepared, ulong index, byte* value, ulong length);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_blob(IntPtr prepared, ulong index, byte* data, ulong length);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_bind_null(IntPtr prepared, ulong index);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_execute_prepared(IntPtr prepared, DuckDbResultStruct* result);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_pending_prepared(IntPtr prepared, out IntPtr pending);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_pending_prepared_streaming(IntPtr prepared, out IntPtr pending);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial void duckdb_destroy_pending(ref IntPtr pending);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial IntPtr duckdb_pending_error(IntPtr pending);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbPendingState duckdb_pending_execute_task(IntPtr pending);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbPendingState duckdb_pending_execute_check_state(IntPtr pending);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    internal static partial DuckDbState duckdb_execute_pending(IntPtr pending, DuckDbResultStruct* result);

    [LibraryImport(DuckDbLibrary.LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool duckdb_pending_execution_is_finished(DuckDbPendingState state);
}
