using Nagare.Core.Batches;
using Nagare.DuckDb.Appending;

namespace Nagare.Connectors.Common;

/// <summary>
/// A rendezvous between a writer and the table function DuckDB scans during one statement (a Parquet part's
/// <c>COPY … TO</c>, a warehouse load's <c>INSERT … SELECT</c>): the writer offers a slice of a batch and waits until
/// DuckDB's thread has copied every row of it into output chunks, so the batch is never read after the writer's caller
/// gets it back. DuckDB's thread blocks in <see cref="Fill"/> until a slice, the end of the rows, or an abort arrives.
/// </summary>
internal sealed class BatchHandoff(string target)
{
    // A monitor (not System.Threading.Lock): DuckDB's thread waits on it for the next offer.
    private readonly object _gate = new();
    private ColumnBatch? _batch;
    private int _next;
    private int _end;
    private TaskCompletionSource? _taken;
    private bool _ended;
    private Exception? _closed;

    /// <summary>The exception a value of the batch raised while DuckDB's thread copied it (the statement then fails).</summary>
    public Exception? ValueFailure { get; private set; }

    /// <summary>
    /// Offers rows <paramref name="first"/>..+<paramref name="count"/> of <paramref name="batch"/>; the task completes
    /// when all of them are in DuckDB's chunks, and fails when the exchange was closed or its statement ended.
    /// </summary>
    public Task Offer(ColumnBatch batch, int first, int count)
    {
        lock (_gate)
        {
            if (_closed is not null)
            {
                return Task.FromException(_closed);
            }

            if (_batch is not null || _ended)
            {
                throw new InvalidOperationException("A batch is already on offer, or the rows have ended.");
            }

            _batch = batch;
            _next = first;
            _end = first + count;

            // DuckDB's thread completes it: the writer's continuation must run elsewhere, never on that thread.
            _taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Monitor.PulseAll(_gate);
            return _taken.Task;
        }
    }

    /// <summary>No more rows: the scan ends once the last offer is taken.</summary>
    public void End()
    {
        lock (_gate)
        {
            _ended = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// Stops the exchange: a waiting or later <see cref="Fill"/> throws <paramref name="reason"/> (failing the statement) and
    /// the pending and later offers fail with it. The first reason wins.
    /// </summary>
    public void Close(Exception reason)
    {
        lock (_gate)
        {
            _closed ??= reason;
            _batch = null;
            _taken?.TrySetException(_closed);
            _taken = null;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Called on DuckDB's thread: fills <paramref name="output"/> with the next rows on offer; 0 ends the scan.</summary>
    public int Fill(DuckDbChunkWriter output)
    {
        lock (_gate)
        {
            while (_batch is null && !_ended && _closed is null)
            {
                Monitor.Wait(_gate);
            }

            if (_closed is not null)
            {
                throw _closed;
            }

            if (_batch is not { } batch)
            {
                return 0;
            }

            // Copied under the lock, so a Close cannot hand the batch back to its owner while DuckDB still reads it.
            var count = Math.Min(output.Capacity, _end - _next);
            try
            {
                DuckDbBatchAppender.CopyRows(batch, _next, count, output, target);
            }
            catch (Exception e)
            {
                ValueFailure = e;
                _closed ??= e;
                _batch = null;
                _taken?.TrySetException(e);
                _taken = null;
                throw;
            }

            _next += count;
            if (_next == _end)
            {
                _batch = null;
                _taken!.TrySetResult();
                _taken = null;
            }

            return count;
        }
    }
}
