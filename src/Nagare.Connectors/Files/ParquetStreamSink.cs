using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.DuckDb;

namespace Nagare.Connectors.Files;

/// <summary>
/// Parquet parts streamed through DuckDB: each part is one <c>COPY (SELECT … FROM nagare_batch_feed(id)) TO
/// 'part.parquet'</c> running on a thread of its own (<see cref="DuckDbBatchStatement"/>), fed the writer's batches as
/// they come. A write returns once DuckDB has copied its rows into its own chunks, so nothing is
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
    private readonly string _select;
    private readonly string _codec;
    private readonly ImmutableArray<ColumnSchema> _columns;
    private Part? _part;
    private long _rows;
    private bool _disposed;

    public ParquetStreamSink(ImmutableArray<ColumnSchema> columns, PartNames names, long? maxRows, string codec, string stream, string workFolder)
    {
        _names = names;
        _maxRows = maxRows;
        _stream = stream;
        _columns = columns;
        _codec = codec;

        // A JSON column is declared as DuckDB's JSON alias of VARCHAR. JSON inside a list or struct cannot carry the
        // alias, so there the cast restores the type (parsing each value) and the file says JSON, as a table's would.
        _select = string.Join(", ", columns.Select(c => c.Type.Kind != ColumnKind.Json && HasJson(c.Type)
            ? $"CAST({DuckDbDialect.Quote(c.Name)} AS {DuckDbTypeMapping.TypeName(c.Type)}) AS {DuckDbDialect.Quote(c.Name)}"
            : DuckDbDialect.Quote(c.Name)));

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
            _engine.RegisterTableFunction(DuckDbBatchScan.Function());
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
            // A cancelled write stops the part (in the COPY's WriteAsync), so no later call can finish it with rows missing.
            var part = _part ??= Start();
            var count = (int)Math.Min(batch.RowCount - first, (_maxRows ?? long.MaxValue) - part.Copy.Rows);

            // The batch goes back to the source when this returns, so DuckDB must have copied every row of it by then.
            try
            {
                await part.Copy.WriteAsync(batch, first, count, cancellationToken).ConfigureAwait(false);
            }
            catch (DuckDbException e)
            {
                throw Failure(e);
            }

            _rows += count;
            first += count;
            if (part.Copy.Rows >= _maxRows)
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
            await part.Copy.DisposeAsync().ConfigureAwait(false);
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
        var copy = new DuckDbBatchStatement(
            _engine,
            _columns,
            $"stream '{_stream}'",
            feed => $"COPY (SELECT {_select} FROM {feed}) TO {DuckDbDialect.Literal(tempPath)} (FORMAT parquet, COMPRESSION {_codec})");
        return new Part(number, tempPath, relativePath, copy);
    }

    /// <summary>Ends the part's rows, waits for its COPY to write the file, and records the part.</summary>
    private async Task FinishAsync(Part part, CancellationToken cancellationToken)
    {
        try
        {
            await part.Copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDbException e)
        {
            throw Failure(e);
        }

        await part.Copy.DisposeAsync().ConfigureAwait(false);
        _part = null;
        _names.Add(new WrittenPart(part.Number, part.TempPath, part.RelativePath, part.Copy.Rows, new FileInfo(part.TempPath).Length));
    }

    private ConnectorException Failure(DuckDbException e) =>
        new($"Cannot write Parquet file for stream '{_stream}': {e.Message}", e) { Stream = _stream };

    private static bool HasJson(ColumnType type) => type.Kind switch
    {
        ColumnKind.Json => true,
        ColumnKind.List => HasJson(type.Element!),
        ColumnKind.Struct => type.Fields.Any(f => HasJson(f.Type)),
        _ => false,
    };

    /// <summary>One part being written: its names and the COPY filling it.</summary>
    private sealed record Part(int Number, string TempPath, string RelativePath, DuckDbBatchStatement Copy);
}
