using System.Collections.Immutable;
using System.Runtime.ExceptionServices;
using Nagare.Core.Batches;
using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.Common;

/// <summary>
/// Loads batches into a table with one <c>INSERT INTO table SELECT … FROM nagare_batch_feed(id)</c> running on a thread
/// of its own, on the caller's connection (so inside its transaction): each write hands its batch over through a
/// <see cref="BatchHandoff"/> and returns once DuckDB has copied the rows into its chunks, while DuckDB stores the
/// previous chunks. The database must have <see cref="DuckDbBatchScan.Function"/> registered.
/// </summary>
internal sealed class DuckDbBatchInsert : IAsyncDisposable
{
    private readonly DuckDbConnection _connection;
    private readonly BatchHandoff _handoff;
    private readonly long _feed;
    private readonly Task _insert;
    private Task _offered = Task.CompletedTask;
    private bool _ended;

    /// <param name="connection">The writer's connection, in its transaction; the INSERT runs on it.</param>
    /// <param name="table">The quoted target table.</param>
    /// <param name="columns">The batch columns, in batch order, named as the table names them.</param>
    /// <param name="extraColumns">Quoted columns after the batch's, for every row.</param>
    /// <param name="extraValues">The SQL expressions <paramref name="extraColumns"/> take.</param>
    /// <param name="target">The table named by a bad value's error.</param>
    public DuckDbBatchInsert(
        DuckDbConnection connection, string table, ImmutableArray<ColumnSchema> columns, string target,
        IReadOnlyList<string>? extraColumns = null, IReadOnlyList<string>? extraValues = null)
    {
        _connection = connection;
        _handoff = new BatchHandoff(target);
        _feed = DuckDbBatchScan.Open(columns, _handoff);
        var names = string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name)).Concat(extraColumns ?? []));
        var values = string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name)).Concat(extraValues ?? []));
        var sql = $"INSERT INTO {table} ({names}) SELECT {values} FROM {DuckDbBatchScan.FunctionName}({_feed})";
        _insert = Task.Factory.StartNew(() => Run(sql), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Rows handed to DuckDB so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Hands every row of <paramref name="batch"/> to the INSERT; the batch can be reused when this returns.</summary>
    /// <exception cref="Core.Connectors.ConnectorException">A value does not fit its column.</exception>
    /// <exception cref="DuckDbException">The INSERT failed.</exception>
    public async ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        ThrowIfCancelled(cancellationToken);
        if (batch.RowCount == 0)
        {
            return;
        }

        _offered = _handoff.Offer(batch, 0, batch.RowCount);
        await TakenAsync(cancellationToken).ConfigureAwait(false);
        Rows += batch.RowCount;
    }

    /// <summary>Ends the rows and waits for the INSERT to finish storing them (the transaction stays the caller's).</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        ThrowIfCancelled(cancellationToken);
        await TakenAsync(cancellationToken).ConfigureAwait(false);
        _handoff.End();
        _ended = true;
        using (cancellationToken.Register(static s => ((DuckDbBatchInsert)s!).Abort(), this))
        {
            try
            {
                await _insert.ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }

    /// <summary>Stops an unfinished INSERT (the caller then rolls its transaction back) and forgets the feed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_insert.IsCompleted)
        {
            _ended = true;
            Abort();
            try
            {
                await _insert.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Expected: the INSERT was stopped on purpose, or its failure was already reported.
            }
        }

        // The last offer may have failed with the abort; observed here so it is not reported as unobserved.
        _ = _offered.Exception;
        _ = _insert.Exception;
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
            // An INSERT that ended early must not leave the writer waiting for its offer to be taken.
            _handoff.Close(new InvalidOperationException("The INSERT has ended."));
        }
    }

    /// <summary>Waits until DuckDB has copied the last offered rows; on failure throws what the INSERT failed with.</summary>
    private async Task TakenAsync(CancellationToken cancellationToken)
    {
        if (_offered.IsCompletedSuccessfully)
        {
            return;
        }

        using (cancellationToken.Register(static s => ((DuckDbBatchInsert)s!).Abort(), this))
        {
            try
            {
                await _offered.ConfigureAwait(false);
            }
            catch (Exception)
            {
                try
                {
                    await _insert.ConfigureAwait(false);
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
