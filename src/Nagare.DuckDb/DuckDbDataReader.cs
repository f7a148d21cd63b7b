using System.Collections;
using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nagare.DuckDb.Native;
using Nagare.DuckDb.Reading;

namespace Nagare.DuckDb;

/// <summary>
/// Reads a DuckDB result chunk by chunk (streaming: large results are never materialized).
/// Typed getters read straight from the current chunk's vector memory without boxing.
/// <list type="table">
/// <listheader><term>DuckDB type</term><description>.NET type (<see cref="GetValue"/> / <see cref="GetFieldType"/>); other reads</description></listheader>
/// <item><term>BOOLEAN</term><description><see cref="bool"/></description></item>
/// <item><term>TINYINT, SMALLINT, INTEGER, BIGINT</term><description><see cref="sbyte"/>, <see cref="short"/>, <see cref="int"/>, <see cref="long"/>; any numeric getter converts with overflow checks</description></item>
/// <item><term>UTINYINT, USMALLINT, UINTEGER, UBIGINT</term><description><see cref="byte"/>, <see cref="ushort"/>, <see cref="uint"/>, <see cref="ulong"/></description></item>
/// <item><term>HUGEINT / UHUGEINT</term><description><see cref="Int128"/> / <see cref="UInt128"/>; <c>GetFieldValue&lt;BigInteger&gt;</c></description></item>
/// <item><term>FLOAT / DOUBLE</term><description><see cref="float"/> / <see cref="double"/> (NaN and infinities kept)</description></item>
/// <item><term>DECIMAL(w,s), all widths</term><description><see cref="decimal"/>; digits beyond 28 decimal places are rounded; a value beyond <see cref="decimal.MaxValue"/> throws <see cref="OverflowException"/> naming the column (read it as string, double, or BigInteger when the scale is 0)</description></item>
/// <item><term>VARCHAR, JSON (alias), ENUM</term><description><see cref="string"/> (UTF-8 decoded)</description></item>
/// <item><term>BLOB</term><description><see cref="byte"/>[]; <see cref="GetBytes"/> copies slices</description></item>
/// <item><term>DATE</term><description><see cref="DateOnly"/>; <see cref="GetDateTime"/> gives midnight</description></item>
/// <item><term>TIME, TIME_NS</term><description><see cref="TimeOnly"/> (24:00:00 becomes <see cref="TimeOnly.MaxValue"/>); <c>GetFieldValue&lt;TimeSpan&gt;</c></description></item>
/// <item><term>TIME WITH TIME ZONE</term><description><see cref="DuckDbTimeTz"/> (time and offset in seconds)</description></item>
/// <item><term>TIMESTAMP_S/_MS, TIMESTAMP, TIMESTAMP_NS</term><description><see cref="DateTime"/> of kind Unspecified (nanoseconds keep 100 ns ticks)</description></item>
/// <item><term>TIMESTAMPTZ</term><description><see cref="DateTimeOffset"/> with offset zero (UTC); <see cref="GetDateTime"/> gives kind Utc</description></item>
/// <item><term>INTERVAL</term><description><see cref="DuckDbInterval"/>; <c>GetFieldValue&lt;TimeSpan&gt;</c> when it has no months</description></item>
/// <item><term>UUID</term><description><see cref="Guid"/></description></item>
/// <item><term>LIST, ARRAY</term><description><c>List&lt;T?&gt;</c> of the element's .NET type (recursively); <c>GetFieldValue</c> also gives <c>T[]</c>, <c>List&lt;T&gt;</c>, <c>IReadOnlyList&lt;T&gt;</c></description></item>
/// <item><term>STRUCT</term><description><c>Dictionary&lt;string, object?&gt;</c> in field order</description></item>
/// <item><term>MAP</term><description><c>Dictionary&lt;TKey, TValue?&gt;</c> of the key and value .NET types</description></item>
/// <item><term>UNION</term><description>the active member's value; <c>GetFieldValue&lt;DuckDbUnionValue&gt;</c> adds tag and member name</description></item>
/// <item><term>NULL</term><description><see cref="DBNull.Value"/> from <see cref="GetValue"/>; typed getters throw <see cref="InvalidCastException"/>; <c>GetFieldValue</c> of a nullable type gives null</description></item>
/// </list>
/// <c>infinity</c> and <c>-infinity</c> DATE and TIMESTAMP values map to MaxValue and MinValue of the .NET type;
/// other values outside years 1..9999 throw <see cref="OverflowException"/>. A reader must be closed
/// before its connection runs anything else; closing it runs the command's remaining statements.
/// </summary>
public sealed unsafe partial class DuckDbDataReader : DbDataReader
{
    private const ulong BeforeFirstRow = ulong.MaxValue;

    private readonly DuckDbCommand _command;
    private readonly DuckDbConnection _connection;
    private readonly DuckDbCommand.StatementBatch _batch;
    private readonly bool _ownsBatch;
    private readonly CommandBehavior _behavior;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenSource? _timeout;
    private readonly bool[] _usedParameters;

    private int _nextStatement;
    private DuckDbResultHandle? _result;
    private DuckDbDataChunkHandle? _chunk;
    private VectorReader[] _columns = [];
    private string[] _names = [];
    private Dictionary<string, int>? _ordinals;
    private ulong _row = BeforeFirstRow;
    private ulong _chunkSize;
    private bool _exhausted = true;
    private bool _hasRows;
    private bool _closed;
    private int _recordsAffected = -1;

    private DuckDbDataReader(
        DuckDbCommand command, DuckDbConnection connection, DuckDbCommand.StatementBatch batch, bool ownsBatch,
        CommandBehavior behavior, CancellationToken cancellationToken)
    {
        _command = command;
        _connection = connection;
        _batch = batch;
        _ownsBatch = ownsBatch;
        _behavior = behavior;
        _cancellationToken = cancellationToken;
        _usedParameters = new bool[command.Parameters.Count];
        if (command.CommandTimeout > 0)
        {
            _timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _timeout.CancelAfter(TimeSpan.FromSeconds(command.CommandTimeout));
        }
    }

    public override int Depth => 0;

    public override int FieldCount => _closed ? throw Closed() : _columns.Length;

    public override bool HasRows => _closed ? throw Closed() : _hasRows;

    public override bool IsClosed => _closed;

    /// <summary>Rows changed by the INSERT/UPDATE/DELETE statements run so far; -1 when none ran.</summary>
    public override int RecordsAffected => _recordsAffected;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    private CancellationToken Token => _timeout?.Token ?? _cancellationToken;

    internal static DuckDbDataReader Start(
        DuckDbCommand command, DuckDbConnection connection, DuckDbCommand.StatementBatch batch, bool ownsBatch,
        CommandBehavior behavior, CancellationToken cancellationToken)
    {
        try
        {
            connection.EnsureIdle();
        }
        catch
        {
            if (ownsBatch)
            {
                batch.Dispose();
            }

            throw;
        }

        var reader = new DuckDbDataReader(command, connection, batch, ownsBatch, behavior, cancellationToken);
        connection.AttachReader(reader);
        try
        {
            reader.AdvanceToRows(readColumns: true);
            return reader;
        }
        catch
        {
            reader.Release();
            throw;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override bool Read()
    {
        var next = _row + 1;
        if (next < _chunkSize)
        {
            _row = next;
            return true;
        }

        return ReadChunk(CancellationToken.None);
    }

    public override Task<bool> ReadAsync(CancellationToken cancellationToken)
    {
        var next = _row + 1;
        if (next < _chunkSize)
        {
            _row = next;
            return TrueTask;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return ReadChunk(cancellationToken) ? TrueTask : FalseTask;
    }

    /// <summary>
    /// The session's <c>TimeZone</c> setting (an IANA name) when the current result's statement started, in which
    /// DuckDB itself would show its <c>TIMESTAMP WITH TIME ZONE</c> values; null unless the command set
    /// <see cref="DuckDbCommand.CaptureTimeZone"/>.
    /// </summary>
    public string? TimeZone { get; private set; }

    public override bool NextResult()
    {
        if (_closed)
        {
            throw Closed();
        }

        DropResult();
        return AdvanceToRows(readColumns: true);
    }

    public override Task<bool> NextResultAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(NextResult());
    }

    public override void Close()
    {
        if (_closed)
        {
            return;
        }

        try
        {
            // The command's remaining statements still run, as they would have in one batch.
            DropResult();
            AdvanceToRows(readColumns: false);
        }
        finally
        {
            Release();
        }
    }

    public override Task CloseAsync()
    {
        Close();
        return Task.CompletedTask;
    }

    /// <summary>Ends the reader without running further statements (the connection is closing).</summary>
    internal void CloseForConnection() => Release(closingConnection: true);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close();
        }

        base.Dispose(disposing);
    }

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);

    private static readonly Task<bool> TrueTask = Task.FromResult(true);
    private static readonly Task<bool> FalseTask = Task.FromResult(false);

    /// <summary>Runs statements until one returns rows (and reads its first chunk) or none are left.</summary>
    private bool AdvanceToRows(bool readColumns)
    {
        while (_nextStatement < _batch.Count)
        {
            var index = _nextStatement++;
            var prepared = _batch.Prepare(index);
            _command.Parameters.BindTo(prepared, _usedParameters);
            if (_nextStatement == _batch.Count)
            {
                _command.Parameters.EnsureAllUsed(_usedParameters);
            }

            if (_command.CaptureTimeZone)
            {
                // Read before the statement runs: once a streaming result is open the connection cannot be asked.
                TimeZone = _connection.QueryTextNative("SELECT current_setting('TimeZone')");
            }

            var result = Execute(prepared);
            var type = NativeMethods.duckdb_result_return_type(*result.Pointer);
            if (type == DuckDbResultType.QueryResult && readColumns)
            {
                _result = result;
                _exhausted = false;
                ReadColumns();
                _hasRows = ReadChunk(CancellationToken.None);
                _row = BeforeFirstRow;
                return true;
            }

            try
            {
                if (type == DuckDbResultType.QueryResult)
                {
                    // Rows nobody will read: stop producing them instead of waiting for them.
                    _connection.Interrupt();
                }
                else if (type == DuckDbResultType.ChangedRows)
                {
                    var changed = (int)NativeMethods.duckdb_rows_changed(result.Pointer);
                    _recordsAffected = Math.Max(_recordsAffected, 0) + changed;
                }
            }
            finally
            {
                result.Dispose();
            }
        }

        return false;
    }

    /// <summary>Executes a bound statement through a streaming pending result, task by task.</summary>
    private DuckDbResultHandle Execute(IntPtr prepared)
    {
        var token = Token;
        using var registration = Register(token);
        var state = NativeMethods.duckdb_pending_prepared_streaming(prepared, out var rawPending);
        using var pending = new DuckDbPendingResultHandle(rawPending);
        if (state != DuckDbState.Success)
        {
            var message = Marshal.PtrToStringUTF8(NativeMethods.duckdb_pending_error(rawPending)) ?? "DuckDB could not start the statement.";
            throw Failure(message, 0);
        }

        // Running tasks on this thread (rather than blocking in duckdb_execute_pending) keeps
        // duckdb_query_progress current; when DuckDB's own threads hold every task, back off gently.
        var idle = 0;
        while (!token.IsCancellationRequested)
        {
            var progress = NativeMethods.duckdb_pending_execute_task(rawPending);
            if (progress == DuckDbPendingState.NoTasksAvailable)
            {
                if (++idle > 64)
                {
                    Thread.Sleep(1);
                }
                else
                {
                    Thread.Yield();
                }
            }
            else if (progress == DuckDbPendingState.Error)
            {
                // The pending result holds DuckDB's own message; executing it would only wrap it.
                var message = Marshal.PtrToStringUTF8(NativeMethods.duckdb_pending_error(rawPending)) ?? "DuckDB failed to run the statement.";
                throw Failure(message, 0);
            }
            else if (progress != DuckDbPendingState.ResultNotReady)
            {
                break;
            }
        }

        var result = new DuckDbResultHandle();
        if (NativeMethods.duckdb_execute_pending(rawPending, result.Pointer) != DuckDbState.Success)
        {
            // A failed pending result wraps its cause ("Attempting to execute an unsuccessful ...
            // Error: <cause>"); the pending error is the cause itself.
            var pendingError = Marshal.PtrToStringUTF8(NativeMethods.duckdb_pending_error(rawPending));
            var message = pendingError ?? Marshal.PtrToStringUTF8(NativeMethods.duckdb_result_error(result.Pointer)) ?? "DuckDB could not run the statement.";
            var errorType = pendingError is null ? NativeMethods.duckdb_result_error_type(result.Pointer) : 0;
            result.Dispose();
            throw Failure(message, errorType);
        }

        return result;
    }

    private void ReadColumns()
    {
        var result = _result!.Pointer;
        var count = (int)NativeMethods.duckdb_column_count(result);
        var columns = new VectorReader[count];
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = Marshal.PtrToStringUTF8(NativeMethods.duckdb_column_name(result, (ulong)i)) ?? "";
            using var type = new DuckDbLogicalTypeHandle(NativeMethods.duckdb_column_logical_type(result, (ulong)i));
            columns[i] = VectorReaderFactory.Create(type.DangerousGetHandle(), names[i]);
        }

        _columns = columns;
        _names = names;
        _ordinals = null;
    }

    /// <summary>Fetches the next non-empty chunk and points every column reader at its vectors.</summary>
    private bool ReadChunk(CancellationToken cancellationToken)
    {
        if (_exhausted)
        {
            if (_closed)
            {
                throw Closed();
            }

            _row = BeforeFirstRow;
            _chunkSize = 0;
            return false;
        }

        _chunk?.Dispose();
        _chunk = null;
        _chunkSize = 0;
        _row = BeforeFirstRow;
        var token = Token;
        using var registration = Register(token);
        using var extra = Register(cancellationToken);
        while (true)
        {
            var raw = NativeMethods.duckdb_fetch_chunk(*_result!.Pointer);
            if (raw == IntPtr.Zero)
            {
                _exhausted = true;
                var error = NativeMethods.duckdb_result_error(_result.Pointer);
                if (error != IntPtr.Zero)
                {
                    var message = Marshal.PtrToStringUTF8(error) ?? "DuckDB failed while producing rows.";
                    var errorType = NativeMethods.duckdb_result_error_type(_result.Pointer);
                    throw Failure(message, errorType, cancellationToken);
                }

                if (token.IsCancellationRequested || cancellationToken.IsCancellationRequested)
                {
                    throw Failure("INTERRUPT Error: Interrupted!", DuckDbCommand.Errors.Interrupt, cancellationToken);
                }

                return false;
            }

            var size = NativeMethods.duckdb_data_chunk_get_size(raw);
            if (size == 0)
            {
                var empty = raw;
                NativeMethods.duckdb_destroy_data_chunk(ref empty);
                continue;
            }

            _chunk = new DuckDbDataChunkHandle(raw);
            var columns = _columns;
            for (var i = 0; i < columns.Length; i++)
            {
                columns[i].SetVector(NativeMethods.duckdb_data_chunk_get_vector(raw, (ulong)i));
            }

            _chunkSize = size;
            _row = 0;
            return true;
        }
    }

    private CancellationTokenRegistration Register(CancellationToken token) =>
        token.CanBeCanceled
            ? token.UnsafeRegister(static state => ((DuckDbConnection)state!).Interrupt(), _connection)
            : default;

    private Exception Failure(string message, int errorType, CancellationToken readToken = default)
    {
        var cause = DuckDbCommand.Errors.FromMessage(message, errorType);
        if (_cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The DuckDB query was cancelled.", cause, _cancellationToken);
        }

        if (readToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The DuckDB query was cancelled.", cause, readToken);
        }

        if (_timeout is { IsCancellationRequested: true })
        {
            return new DuckDbException($"The command timed out after {_command.CommandTimeout} s and was interrupted.", cause)
            {
                ErrorType = DuckDbCommand.Errors.Interrupt,
            };
        }

        return cause;
    }

    private void DropResult()
    {
        if (_result is not null && !_exhausted)
        {
            // Unread rows may still be in production on DuckDB's threads; stop them rather than wait.
            _connection.Interrupt();
        }

        _chunk?.Dispose();
        _chunk = null;
        _result?.Dispose();
        _result = null;
        _columns = [];
        _names = [];
        _ordinals = null;
        _chunkSize = 0;
        _row = BeforeFirstRow;
        _exhausted = true;
        _hasRows = false;
    }

    private void Release(bool closingConnection = false)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        DropResult();
        if (_ownsBatch)
        {
            _batch.Dispose();
        }

        _timeout?.Dispose();
        _connection.DetachReader(this);
        if (!closingConnection && (_behavior & CommandBehavior.CloseConnection) != 0)
        {
            _connection.Close();
        }
    }

    private static InvalidOperationException Closed() => new("The data reader is closed.");
}
