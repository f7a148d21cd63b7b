using System.Runtime.InteropServices;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Appending;

/// <summary>
/// Bulk-loads rows into a DuckDB table, one data chunk at a time. Fill <see cref="Chunk"/> column by column
/// and call <see cref="AppendChunk"/>; the chunk is then emptied for the next batch. <see cref="AppendRow"/>
/// buffers single rows into the same chunk for low-volume callers.
/// </summary>
/// <remarks>
/// Rows become visible when DuckDB flushes: on <see cref="Flush"/>, <see cref="Close"/>, and automatically
/// every ~200,000 rows. <see cref="Close"/> commits and reports errors (constraint violations surface here).
/// <see cref="Dispose"/> without <see cref="Close"/> also flushes pending rows, but cannot report a failure:
/// call <see cref="Close"/> whenever the outcome matters. Closing the connection finishes open appenders the
/// same way. After any error the appender is invalid; dispose it and create a new one.
/// An appender, like its connection, is used by one thread at a time.
/// </remarks>
public sealed class DuckDbAppender : IDisposable
{
    private readonly DuckDbConnection _connection;
    private readonly DuckDbAppenderHandle _handle;
    private readonly DuckDbDataChunkHandle _chunkHandle;
    private readonly DuckDbChunkWriter _chunk;
    private string? _failure;
    private bool _closed;

    private DuckDbAppender(DuckDbConnection connection, string table, DuckDbAppenderHandle handle, DuckDbDataChunkHandle chunkHandle, DuckDbChunkWriter chunk)
    {
        _connection = connection;
        Table = table;
        _handle = handle;
        _chunkHandle = chunkHandle;
        _chunk = chunk;
    }

    /// <summary>The target table as written in error messages, e.g. <c>"main"."orders"</c>.</summary>
    public string Table { get; }

    /// <summary>Types of the appended columns, in chunk order.</summary>
    public IReadOnlyList<DuckDbColumnType> ColumnTypes => _chunk.ColumnTypes;

    /// <summary>Rows handed to DuckDB so far (not counting rows still in <see cref="Chunk"/>).</summary>
    public long RowsAppended { get; private set; }

    /// <summary>The reusable chunk to fill; see <see cref="AppendChunk"/>.</summary>
    public DuckDbChunkWriter Chunk
    {
        get
        {
            ThrowIfUnusable();
            return _chunk;
        }
    }

    /// <summary>Appends the <see cref="DuckDbChunkWriter.Size"/> rows of <see cref="Chunk"/> and empties it.</summary>
    /// <exception cref="DuckDbException">DuckDB rejected the rows.</exception>
    public void AppendChunk()
    {
        ThrowIfUnusable();
        if (_chunk.Size == 0)
        {
            return;
        }

        _chunk.CommitSize();
        var state = NativeMethods.duckdb_append_data_chunk(_handle.DangerousGetHandle(), _chunkHandle.DangerousGetHandle());
        var rows = _chunk.Size;
        _chunk.Reset();
        if (state != DuckDbState.Success)
        {
            throw Fail("append rows to");
        }

        RowsAppended += rows;
    }

    /// <summary>
    /// Buffers one row (one value per column, boxed; null for NULL) into <see cref="Chunk"/>, appending the
    /// chunk when it is full.
    /// </summary>
    public void AppendRow(params ReadOnlySpan<object?> values)
    {
        ThrowIfUnusable();
        if (values.Length != _chunk.ColumnCount)
        {
            throw new ArgumentException($"{Table} takes {_chunk.ColumnCount} values per row, got {values.Length}.", nameof(values));
        }

        var row = _chunk.Size;
        for (var i = 0; i < values.Length; i++)
        {
            _chunk.Column(i).SetValue(row, values[i]);
        }

        _chunk.Size = row + 1;
        if (_chunk.IsFull)
        {
            AppendChunk();
        }
    }

    /// <summary>Appends buffered rows and writes everything appended so far to the table.</summary>
    /// <exception cref="DuckDbException">The rows violate a constraint or otherwise fail; the appender is then invalid.</exception>
    public void Flush()
    {
        AppendChunk();
        if (NativeMethods.duckdb_appender_flush(_handle.DangerousGetHandle()) != DuckDbState.Success)
        {
            throw Fail("flush rows into");
        }
    }

    /// <summary>Appends buffered rows, flushes, and closes the appender.</summary>
    /// <exception cref="DuckDbException">The final flush failed; no rows since the last successful flush were written.</exception>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        try
        {
            AppendChunk();
            if (NativeMethods.duckdb_appender_close(_handle.DangerousGetHandle()) != DuckDbState.Success)
            {
                throw Fail("close the appender for");
            }
        }
        finally
        {
            Finish();
        }
    }

    /// <summary>Flushes pending rows if the appender is still healthy (without reporting failures) and frees it.</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        try
        {
            if (_failure is null)
            {
                Close();
            }
        }
        catch (DuckDbException)
        {
            // Dispose must not throw; Close() is the way to learn about a failed final flush.
        }
        finally
        {
            Finish();
        }
    }

    internal static DuckDbAppender Create(DuckDbConnection connection, string? schema, string table, IReadOnlyList<string>? columns)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        var display = schema is null ? Quote(table) : Quote(schema) + "." + Quote(table);
        var state = NativeMethods.duckdb_appender_create_ext(connection.NativeConnection.DangerousGetHandle(), null, schema, table, out var raw);
        var handle = new DuckDbAppenderHandle(raw);
        DuckDbDataChunkHandle? chunkHandle = null;
        try
        {
            if (state != DuckDbState.Success)
            {
                throw Error(raw, $"Cannot append to table {display}");
            }

            foreach (var column in columns ?? [])
            {
                if (NativeMethods.duckdb_appender_add_column(raw, column) != DuckDbState.Success)
                {
                    throw Error(raw, $"Cannot append column \"{column}\" of table {display}");
                }
            }

            var count = (int)NativeMethods.duckdb_appender_column_count(raw);
            var types = new DuckDbColumnType[count];
            var nativeTypes = new IntPtr[count];
            try
            {
                for (var i = 0; i < count; i++)
                {
                    nativeTypes[i] = NativeMethods.duckdb_appender_column_type(raw, (ulong)i);
                    types[i] = DuckDbColumnType.FromNative(nativeTypes[i]);
                }

                chunkHandle = CreateChunk(nativeTypes);
            }
            finally
            {
                for (var i = 0; i < count; i++)
                {
                    if (nativeTypes[i] != IntPtr.Zero)
                    {
                        NativeMethods.duckdb_destroy_logical_type(ref nativeTypes[i]);
                    }
                }
            }

            var chunk = new DuckDbChunkWriter("table " + display, types, columns);
            chunk.Attach(chunkHandle.DangerousGetHandle());
            return new DuckDbAppender(connection, display, handle, chunkHandle, chunk);
        }
        catch
        {
            chunkHandle?.Dispose();
            handle.Dispose();
            throw;
        }
    }

    private static unsafe DuckDbDataChunkHandle CreateChunk(IntPtr[] types)
    {
        fixed (IntPtr* pointer = types)
        {
            return new DuckDbDataChunkHandle(NativeMethods.duckdb_create_data_chunk(pointer, (ulong)types.Length));
        }
    }

    private static DuckDbException Error(IntPtr appender, string context)
    {
        var data = NativeMethods.duckdb_appender_error_data(appender);
        try
        {
            var message = data == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(NativeMethods.duckdb_error_data_message(data));
            var type = data == IntPtr.Zero ? 0 : NativeMethods.duckdb_error_data_error_type(data);
            return new DuckDbException($"{context}: {message ?? "unknown DuckDB error"}") { ErrorType = type };
        }
        finally
        {
            if (data != IntPtr.Zero)
            {
                NativeMethods.duckdb_destroy_error_data(ref data);
            }
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private DuckDbException Fail(string action)
    {
        var error = Error(_handle.DangerousGetHandle(), $"Could not {action} table {Table}");
        _failure = error.Message;
        return error;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (_failure is not null)
        {
            throw new InvalidOperationException($"The appender for table {Table} failed earlier and cannot be used: {_failure}");
        }
    }

    private void Finish()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _chunk.Release();
        _chunkHandle.Dispose();

        // After a failure DuckDB has discarded the rows; clearing first keeps destroy from retrying the flush.
        if (_failure is not null && !_handle.IsInvalid)
        {
            NativeMethods.duckdb_appender_clear(_handle.DangerousGetHandle());
        }

        _handle.Dispose();
        _connection.ForgetAppender(this);
    }
}
