using System.Collections.Immutable;
using System.Runtime.ExceptionServices;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.DuckDb;
using Nagare.DuckDb.TableFunctions;

namespace Nagare.Connectors.Files;

/// <summary>
/// Parquet parts streamed through DuckDB: each part is one <c>COPY (SELECT … FROM fn()) TO 'part.parquet'</c> running on
/// a thread of its own, where <c>fn</c> is a table function of this sink that hands over the writer's batches as they
/// come (<see cref="BatchHandoff"/>). A write returns once DuckDB has copied its rows into its own chunks, so nothing is
/// buffered beyond the row group DuckDB is encoding and memory does not grow with the stream. (Copying each batch to
/// return at once, so the source could read on while DuckDB encodes, cost more CPU than it saved on two busy cores.)
/// Without max_rows_per_file the whole stream is one COPY; with it a part ends (and its COPY finishes) as soon as it
/// holds that many rows, and a batch may straddle two parts. max_bytes_per_file needs measured sizes and stays with
/// <see cref="ParquetPartSink"/>.
/// </summary>
internal sealed class ParquetStreamSink : IPartSink
{
    private readonly PartNames _names;
    private readonly long? _maxRows;
    private readonly string _stream;
    private readonly DuckDbConnection _engine;
    private readonly string _copyPrefix;
    private readonly string _copySuffix;
    private Task _offered = Task.CompletedTask;
    private Part? _part;
    private long _rows;
    private bool _disposed;

    public ParquetStreamSink(ImmutableArray<ColumnSchema> columns, PartNames names, long? maxRows, string codec, string stream, string workFolder)
    {
        _names = names;
        _maxRows = maxRows;
        _stream = stream;

        // Each sink has a database of its own, but a per-sink name keeps the function unmistakable in DuckDB's errors.
        var function = "nagare_parquet_" + Guid.NewGuid().ToString("N");

        // A JSON column is declared as DuckDB's JSON alias of VARCHAR. JSON inside a list or struct cannot carry the
        // alias, so there the cast restores the type (parsing each value) and the file says JSON, as a table's would.
        var select = string.Join(", ", columns.Select(c => c.Type.Kind != ColumnKind.Json && HasJson(c.Type)
            ? $"CAST({DuckDbDialect.Quote(c.Name)} AS {DuckDbTypeMapping.TypeName(c.Type)}) AS {DuckDbDialect.Quote(c.Name)}"
            : DuckDbDialect.Quote(c.Name)));
        _copyPrefix = $"COPY (SELECT {select} FROM {function}()) TO ";
        _copySuffix = $" (FORMAT parquet, COMPRESSION {codec})";

        // In memory: nothing but the COPY's own state lives here. The limit keeps DuckDB's buffers small (spilling, if
        // ever, to the work folder). Insertion order keeps the rows in the order they were handed over. One thread: the
        // scan is single-threaded and the COPY encodes each row group on the thread that sinks it, so more threads only
        // cost CPU (side by side on two busy cores, 2M narrow rows: 0.1-0.8 s less CPU per sync than DuckDB's default of
        // one per core in each of four rounds; a 2M-row wide table was within noise either way).
        _engine = new DuckDbConnection("Data Source=:memory:");
        _engine.Open();
        try
        {
            _engine.ExecuteNonQuery(
                $"SET memory_limit = '{ParquetPartSink.MemoryLimit}'; SET temp_directory = {DuckDbDialect.Literal(Path.Combine(workFolder, "spill"))}; SET preserve_insertion_order = true; SET threads = 1");
            _engine.RegisterTableFunction(new DuckDbTableFunction<BatchHandoff, BatchHandoff>(
                function,
                bind: context =>
                {
                    DuckDbBatchScan.Declare(context, columns);
                    return _part?.Handoff ?? throw new InvalidOperationException("No Parquet part is being written.");
                },
                init: (handoff, _) => handoff,
                produce: (handoff, _, output) => handoff.Fill(output))
            {
                // CopyRows fills the chunk in batch column order, so DuckDB must ask for every column.
                SupportsProjectionPushdown = false,
            });
        }
        catch
        {
            _engine.Dispose();
            throw;
        }
    }

    public long Rows => _rows;

    public async ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var first = 0;
        while (first < batch.RowCount)
        {
            ThrowIfCancelled(cancellationToken);
            var part = _part ??= Start();
            var count = (int)Math.Min(batch.RowCount - first, (_maxRows ?? long.MaxValue) - part.Rows);

            // The batch goes back to the source when this returns, so DuckDB must have copied every row of it by then.
            _offered = part.Handoff.Offer(batch, first, count);
            await TakenAsync(part, cancellationToken).ConfigureAwait(false);
            part.Rows += count;
            _rows += count;
            first += count;
            if (part.Rows >= _maxRows)
            {
                await FinishAsync(part, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task CompleteAsync(bool emptyPartIfNoRows, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_part is null && _rows == 0 && emptyPartIfNoRows)
        {
            _part = Start();
        }

        if (_part is { } part)
        {
            await FinishAsync(part, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_part is { } part)
        {
            // Abandoned mid-part (a failure or cancellation upstream): stop the COPY and drop its half-written file.
            part.Handoff.Close(new OperationCanceledException("The Parquet part was abandoned."));
            _engine.Interrupt();
            try
            {
                await part.Copy.ConfigureAwait(false);
            }
            catch (Exception e) when (e is ConnectorException or OperationCanceledException or DuckDbException)
            {
                // Expected: the COPY was stopped on purpose.
            }

            // The last offer failed with the abandonment; observed here so it is not reported as unobserved.
            _ = _offered.Exception;

            if (File.Exists(part.TempPath))
            {
                File.Delete(part.TempPath);
            }

            _part = null;
        }

        _engine.Dispose();
    }

    /// <summary>Opens the next part: its COPY starts on a thread of its own and waits in the table function for rows.</summary>
    private Part Start()
    {
        var (number, tempPath, relativePath) = _names.Next();
        // A bad value's error names the stream the user wrote, not the scratch table behind it.
        var handoff = new BatchHandoff($"stream '{_stream}'");
        var part = new Part(number, tempPath, relativePath, handoff);
        var sql = _copyPrefix + DuckDbDialect.Literal(tempPath) + _copySuffix;

        // Bind reads _part on the COPY's thread, so it is set before the COPY starts.
        _part = part;
        part.Copy = Task.Factory.StartNew(() => RunCopy(sql, handoff), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return part;
    }

    private void RunCopy(string sql, BatchHandoff handoff)
    {
        try
        {
            _engine.ExecuteNonQuery(sql);
        }
        catch (DuckDbException e)
        {
            if (handoff.ValueFailure is ConnectorException value)
            {
                // The table function's own error (a value its column cannot hold), with the appender's text.
                ExceptionDispatchInfo.Throw(value);
            }

            throw new ConnectorException($"Cannot write Parquet file for stream '{_stream}': {e.Message}", e) { Stream = _stream };
        }
        finally
        {
            // A COPY that ended early must not leave the writer waiting for its offer to be taken.
            handoff.Close(new InvalidOperationException("The Parquet COPY has ended."));
        }
    }

    /// <summary>Ends the part's rows, waits for its COPY to write the file, and records the part.</summary>
    private async Task FinishAsync(Part part, CancellationToken cancellationToken)
    {
        ThrowIfCancelled(cancellationToken);
        await TakenAsync(part, cancellationToken).ConfigureAwait(false);
        part.Handoff.End();
        using (cancellationToken.Register(static s => ((ParquetStreamSink)s!).Abort(), this))
        {
            try
            {
                await part.Copy.ConfigureAwait(false);
            }
            catch (Exception)
            {
                await FailAsync(part, cancellationToken).ConfigureAwait(false);
                throw;
            }
        }

        _part = null;
        _names.Add(new WrittenPart(part.Number, part.TempPath, part.RelativePath, part.Rows, new FileInfo(part.TempPath).Length));
    }

    /// <summary>Waits until DuckDB has copied the last offered rows out of their batch.</summary>
    private async Task TakenAsync(Part part, CancellationToken cancellationToken)
    {
        if (_offered.IsCompletedSuccessfully)
        {
            return;
        }

        using (cancellationToken.Register(static s => ((ParquetStreamSink)s!).Abort(), this))
        {
            try
            {
                await _offered.ConfigureAwait(false);
            }
            catch (Exception)
            {
                await FailAsync(part, cancellationToken).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// After an offer or a COPY failed: waits for the COPY to stop and throws what the user should see (cancellation, a
    /// bad value's error, or DuckDB's), rather than the handoff's own exception.
    /// </summary>
    private static async Task FailAsync(Part part, CancellationToken cancellationToken)
    {
        try
        {
            await part.Copy.ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>A cancelled write or completion also stops the part, so no later call can finish it with rows missing.</summary>
    private void ThrowIfCancelled(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            Abort();
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Cancellation: wakes a table function waiting for rows and interrupts DuckDB if it is busy writing.</summary>
    private void Abort()
    {
        _part?.Handoff.Close(new OperationCanceledException("The Parquet part was cancelled."));
        _engine.Interrupt();
    }

    private static bool HasJson(ColumnType type) => type.Kind switch
    {
        ColumnKind.Json => true,
        ColumnKind.List => HasJson(type.Element!),
        ColumnKind.Struct => type.Fields.Any(f => HasJson(f.Type)),
        _ => false,
    };

    /// <summary>One part being written: its names, its handoff and the COPY filling it.</summary>
    private sealed class Part(int number, string tempPath, string relativePath, BatchHandoff handoff)
    {
        public int Number { get; } = number;

        public string TempPath { get; } = tempPath;

        public string RelativePath { get; } = relativePath;

        public BatchHandoff Handoff { get; } = handoff;

        public Task Copy { get; set; } = Task.CompletedTask;

        public long Rows { get; set; }
    }
}
