using System.Data;
using System.Data.Common;
using Nagare.DuckDb.Native;

namespace Nagare.DuckDb;

public sealed partial class DuckDbConnection
{
    private DuckDbDataReader? _activeReader;

    /// <summary>The transaction begun with <see cref="BeginTransaction(IsolationLevel)"/> and not yet finished.</summary>
    internal DuckDbTransaction? CurrentTransaction { get; set; }

    protected override DbProviderFactory DbProviderFactory => DuckDbProviderFactory.Instance;

    public new DuckDbCommand CreateCommand() => new() { Connection = this, Transaction = CurrentTransaction };

    protected override DbCommand CreateDbCommand() => CreateCommand();

    public new DuckDbTransaction BeginTransaction() => BeginTransaction(IsolationLevel.Unspecified);

    /// <summary>
    /// Begins a transaction. DuckDB transactions are snapshot-isolated, so only
    /// <see cref="IsolationLevel.Unspecified"/> and <see cref="IsolationLevel.Snapshot"/> are accepted.
    /// </summary>
    public new DuckDbTransaction BeginTransaction(IsolationLevel isolationLevel)
    {
        if (isolationLevel is not (IsolationLevel.Unspecified or IsolationLevel.Snapshot))
        {
            throw new NotSupportedException(
                $"DuckDB transactions use snapshot isolation; IsolationLevel.{isolationLevel} is not supported (use Snapshot or Unspecified).");
        }

        if (CurrentTransaction is not null)
        {
            throw new InvalidOperationException("A transaction is already in progress on this connection; DuckDB does not nest transactions.");
        }

        EnsureIdle();
        ExecuteNative("BEGIN TRANSACTION");
        CurrentTransaction = new DuckDbTransaction(this, isolationLevel == IsolationLevel.Unspecified ? IsolationLevel.Snapshot : isolationLevel);
        return CurrentTransaction;
    }

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => BeginTransaction(isolationLevel);

    /// <summary>Runs SQL (one or more statements) and returns the number of rows changed, or -1 when none changed rows.</summary>
    public int ExecuteNonQuery(string sql)
    {
        using var command = new DuckDbCommand(sql, this);
        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs SQL and returns the first column of the first row as <typeparamref name="T"/> (read like
    /// <see cref="DbDataReader.GetFieldValue{T}(int)"/>), or default when there is no row or it is NULL.
    /// </summary>
    public T? ExecuteScalar<T>(string sql)
    {
        using var command = new DuckDbCommand(sql, this);
        using var reader = command.ExecuteReader();
        if (!reader.Read() || reader.FieldCount == 0 || reader.IsDBNull(0))
        {
            return default;
        }

        return reader.GetFieldValue<T>(0);
    }

    /// <summary>
    /// Turns on DuckDB's progress tracking for this connection (a session setting, off by default)
    /// without DuckDB printing a bar of its own, so that <see cref="GetQueryProgress"/> reports.
    /// </summary>
    public void EnableQueryProgress() =>
        ExecuteNonQuery("SET enable_progress_bar = true; SET enable_progress_bar_print = false");

    /// <summary>
    /// Progress of the query this connection is running, safe to call from another thread (e.g. a
    /// progress bar). Needs <see cref="EnableQueryProgress"/> first. <see cref="DuckDbQueryProgress.Percentage"/>
    /// is -1 when nothing runs or progress is not tracked.
    /// </summary>
    public DuckDbQueryProgress GetQueryProgress()
    {
        var handle = _handle;
        if (handle is null)
        {
            return new DuckDbQueryProgress(-1, 0, 0);
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var progress = NativeMethods.duckdb_query_progress(handle.DangerousGetHandle());
            return new DuckDbQueryProgress(progress.Percentage, progress.RowsProcessed, progress.TotalRowsToProcess);
        }
        catch (ObjectDisposedException)
        {
            return new DuckDbQueryProgress(-1, 0, 0);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Interrupts the query this connection is running (from any thread); the connection stays usable.</summary>
    public void Interrupt()
    {
        var handle = _handle;
        if (handle is null)
        {
            return;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            NativeMethods.duckdb_interrupt(handle.DangerousGetHandle());
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile: nothing left to interrupt.
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Throws when a data reader still streams a result: DuckDB would invalidate it.</summary>
    internal void EnsureIdle()
    {
        if (_activeReader is not null)
        {
            throw new InvalidOperationException(
                "The connection already has an open data reader; close it first (a DuckDB connection streams one result at a time).");
        }
    }

    internal void AttachReader(DuckDbDataReader reader)
    {
        EnsureIdle();
        _activeReader = reader;
    }

    internal void DetachReader(DuckDbDataReader reader)
    {
        if (ReferenceEquals(_activeReader, reader))
        {
            _activeReader = null;
        }
    }

    partial void OnClosingCommands()
    {
        _activeReader?.CloseForConnection();
        _activeReader = null;
        CurrentTransaction?.Abandon();
        CurrentTransaction = null;
    }
}
