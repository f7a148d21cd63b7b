using System.Collections.Immutable;
using System.Runtime.ExceptionServices;
using Nagare.Core.Batches;
using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.Common;

/// <summary>
/// One statement that reads batches from <c>nagare_batch_feed(id)</c> (a warehouse load's <c>INSERT INTO table SELECT
/// …</c>, a Parquet part's <c>COPY (SELECT …) TO file</c>), running on a thread of its own on the caller's connection (so
/// inside its transaction): each write hands its rows over through a <see cref="BatchHandoff"/> and returns once DuckDB
/// has copied them into its chunks, while DuckDB stores or encodes the previous chunks. The database must have
/// <see cref="DuckDbBatchScan.Function"/> registered. Failures surface as DuckDB raised them, or as the
/// <see cref="Core.Connectors.ConnectorException"/> of a value its column cannot hold.
/// </summary>
internal sealed class DuckDbBatchStatement : IAsyncDisposable
{
    private readonly DuckDbConnection _connection;
    private readonly BatchHandoff _handoff;
    private readonly long _feed;
    private readonly Task _statement;
    private Task _offered = Task.CompletedTask;
    private bool _ended;

    /// <param name="connection">The connection the statement runs on (the writer's, in its transaction).</param>
    /// <param name="columns">The batch columns, in batch order: the feed's result columns.</param>
    /// <param name="target">What a bad value's error names (a table, a stream).</param>
    /// <param name="statement">The statement, given the feed's call (<c>nagare_batch_feed(id)</c>) to read from.</param>
    public DuckDbBatchStatement(DuckDbConnection connection, ImmutableArray<ColumnSchema> columns, string target, Func<string, string> statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        _connection = connection;
        _handoff = new BatchHandoff(target);
        _feed = DuckDbBatchScan.Open(columns, _handoff);
        var sql = statement($"{DuckDbBatchScan.FunctionName}({_feed})");
        _statement = Task.Factory.StartNew(() => Run(sql), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>An <c>INSERT INTO <paramref name="table"/></c> of the batches.</summary>
    /// <param name="connection">The writer's connection, in its transaction.</param>
    /// <param name="table">The quoted target table.</param>
    /// <param name="columns">The batch columns, in batch order, named as the table names them.</param>
    /// <param name="target">The table named by a bad value's error.</param>
    /// <param name="extraColumns">Quoted columns after the batch's, for every row.</param>
    /// <param name="extraValues">The SQL expressions <paramref name="extraColumns"/> take.</param>
    public static DuckDbBatchStatement Insert(
        DuckDbConnection connection, string table, ImmutableArray<ColumnSchema> columns, string target,
        IReadOnlyList<string>? extraColumns = null, IReadOnlyList<string>? extraValues = null)
    {
        var names = string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name)).Concat(extraColumns ?? []));
        var values = string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name)).Concat(extraValues ?? []));
        return new DuckDbBatchStatement(connection, columns, target, feed => $"INSERT INTO {table} ({names}) SELECT {values} FROM {feed}");
    }

    /// <summary>Rows handed to DuckDB so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Hands every row of <paramref name="batch"/> to the statement; the batch can be reused when this returns.</summary>
    /// <exception cref="Core.Connectors.ConnectorException">A value does not fit its column.</exception>
    /// <exception cref="DuckDbException">The statement failed.</exception>
    public ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken) =>
        WriteAsync(batch, 0, batch.RowCount, cancellationToken);

    /// <summary>Hands rows <paramref name="first"/>..+<paramref name="count"/> of <paramref name="batch"/> to the statement.</summary>
    public async ValueTask WriteAsync(ColumnBatch batch, int first, int count, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        ThrowIfCancelled(cancellationToken);
        if (count == 0)
        {
            return;
        }

        _offered = _handoff.Offer(batch, first, count);
        await TakenAsync(cancellationToken).ConfigureAwait(false);
        Rows += count;
    }

    /// <summary>Ends the rows and waits for the statement to finish (a transaction stays the caller's).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        ThrowIfCancelled(cancellationToken);
        await TakenAsync(cancellationToken).ConfigureAwait(false);
        _handoff.End();
        _ended = true;
        using (cancellationToken.Register(static s => ((DuckDbBatchStatement)s!).Abort(), this))
        {
            try
            {
                await _statement.ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }

    /// <summary>Stops an unfinished statement (the caller then rolls its transaction back) and forgets the feed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_statement.IsCompleted)
        {
            _ended = true;
            Abort();
            try
            {
                await _statement.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Expected: the statement was stopped on purpose, or its failure was already reported.
            }
        }

        // The last offer may have failed with the abort; observed here so it is not reported as unobserved.
        _ = _offered.Exception;
        _ = _statement.Exception;
        DuckDbBatchScan.Close(_feed);
    }

    private void Run(string sql)
    {
        try
        {
            _connection.ExecuteNonQuery(sql);
        }
        catch (DuckDbException) when (_handoff.ValueFailure is { } value)
        {
            // The table function's own error (a value its column cannot hold), naming table, rows and column.
            ExceptionDispatchInfo.Throw(value);
        }
        finally
        {
            // A statement that ended early must not leave the writer waiting for its offer to be taken.
            _handoff.Close(new InvalidOperationException("The statement reading the batches has ended."));
        }
    }

    /// <summary>Waits until DuckDB has copied the last offered rows; on failure throws what the statement failed with.</summary>
    private async Task TakenAsync(CancellationToken cancellationToken)
    {
        if (_offered.IsCompletedSuccessfully)
        {
            return;
        }

        using (cancellationToken.Register(static s => ((DuckDbBatchStatement)s!).Abort(), this))
        {
            try
            {
                await _offered.ConfigureAwait(false);
            }
            catch (Exception)
            {
                try
                {
                    await _statement.ConfigureAwait(false);
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }

                cancellationToken.ThrowIfCancellationRequested();
                throw;
            }
        }
    }

    private void ThrowIfCancelled(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            Abort();
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Wakes a table function waiting for rows and interrupts DuckDB if it is busy storing them.</summary>
    private void Abort()
    {
        _handoff.Close(new OperationCanceledException("The load was cancelled."));
        _connection.Interrupt();
    }
}
