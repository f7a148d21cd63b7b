using System.Collections.Immutable;
using System.Globalization;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.Files;

/// <summary>
/// Parquet parts: batches are appended to a table in a scratch DuckDB database (in memory, spilling to the work folder
/// past a modest memory limit), and each part is a <c>COPY (… rows a..b) TO 'part.parquet'</c> written as soon as its
/// rows are in; the rows it took are then dropped, so the scratch table never holds much more than one part. A part
/// over max_bytes_per_file is rewritten with fewer rows (sizes are measured, never guessed); DuckDB's own threads
/// compress each part. Used when max_bytes_per_file splits the stream; otherwise <see cref="ParquetStreamSink"/> streams
/// the rows without buffering them.
/// </summary>
internal sealed class ParquetPartSink : IPartSink
{
    private const string Buffer = "_nagare_buffer";
    private const int MaxAttempts = 12;

    /// <summary>Rows buffered before the first part is tried when only max_bytes_per_file splits the stream.</summary>
    private const long FirstProbeRows = 65_536;

    /// <summary>The scratch database's memory limit: beyond it DuckDB spills the buffered rows to the work folder.</summary>
    internal const string MemoryLimit = "256MB";

    private readonly ImmutableArray<ColumnSchema> _columns;
    private readonly PartNames _names;
    private readonly long? _maxRows;
    private readonly long? _maxBytes;
    private readonly string _codec;
    private readonly string _stream;
    private readonly DuckDbConnection _engine;
    private readonly string _selectList;
    private readonly string _probePath;
    private readonly string _createBuffer;
    private DuckDbBatchAppender _appender;
    private long _rows;
    private long _written;
    private long _dropped;
    private double _bytesPerRow;
    private bool _appenderClosed;

    public ParquetPartSink(ImmutableArray<ColumnSchema> columns, PartNames names, long? maxRows, long? maxBytes, string codec, string stream, string workFolder)
    {
        _columns = columns;
        _names = names;
        _maxRows = maxRows;
        _maxBytes = maxBytes;
        _codec = codec;
        _stream = stream;
        _probePath = Path.Combine(workFolder, "probe.parquet");
        _createBuffer = "CREATE TABLE " + Buffer + " (" +
            string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name) + " " + DuckDbTypeMapping.TypeName(c.Type))) + ")";

        // An in-memory scratch database writes no WAL and no checkpoint; the limit (DuckDB's default is 80% of RAM)
        // keeps it small, and what does not fit spills to the work folder, which commit or dispose deletes. Rows taken by
        // parts are dropped by recreating the table, which also restarts the rowids that address a part's rows.
        _engine = new DuckDbConnection("Data Source=:memory:");
        _engine.Open();
        try
        {
            _engine.ExecuteNonQuery(
                $"SET memory_limit = '{MemoryLimit}'; SET temp_directory = {DuckDbDialect.Literal(Path.Combine(workFolder, "spill"))}; SET preserve_insertion_order = true; " +
                _createBuffer);
            _appender = new DuckDbBatchAppender(_engine, null, Buffer, columns);
        }
        catch
        {
            _engine.Dispose();
            throw;
        }

        _selectList = columns.Length == 0 ? "*" : string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name)));
    }

    public long Rows => _rows;

    /// <summary>Rows held in the scratch table (those not yet in a part, plus at most one batch already taken).</summary>
    internal long BufferedRows => _rows - _dropped;

    public ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        _appender.Append(batch);
        _rows += batch.RowCount;
        if (ReadyRows() is not { } ready || _rows - _written < ready)
        {
            return ValueTask.CompletedTask;
        }

        _appender.Flush();
        while (ReadyRows() is { } next && _rows - _written >= next)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!WritePart(Math.Min(_rows - _written, _maxRows ?? long.MaxValue), final: false))
            {
                break;
            }
        }

        DropWrittenRows();
        return ValueTask.CompletedTask;
    }

    public Task CompleteAsync(bool emptyPartIfNoRows, CancellationToken cancellationToken)
    {
        _appender.Close();
        _appenderClosed = true;
        while (_written < _rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WritePart(Math.Min(_rows - _written, _maxRows ?? long.MaxValue), final: true);
        }

        if (_rows == 0 && emptyPartIfNoRows)
        {
            var part = _names.Next();
            Copy(0, 0, part.TempPath);
            _names.Add(new WrittenPart(part.Number, part.TempPath, part.RelativePath, 0, new FileInfo(part.TempPath).Length));
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (!_appenderClosed)
        {
            _appender.Dispose();
        }

        _engine.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Unwritten rows from which a part is written before the stream ends, or null when only the end splits it.</summary>
    private long? ReadyRows()
    {
        if (_maxRows is { } rows)
        {
            return rows;
        }

        if (_maxBytes is not { } bytes)
        {
            return null;
        }

        // Twice the estimated rows of a full part, so a part can grow to the limit before the rows run out.
        return _bytesPerRow > 0 ? Math.Max(2, 2 * (long)(bytes * 0.9 / _bytesPerRow)) : FirstProbeRows;
    }

    /// <summary>
    /// Writes the next part from up to <paramref name="available"/> rows. Before the end (<paramref name="final"/> false)
    /// a part that wants more rows than there are is not written: it waits for more rows (false is returned).
    /// </summary>
    private bool WritePart(long available, bool final)
    {
        var count = available;
        if (_maxBytes is { } limit && _bytesPerRow > 0)
        {
            count = Math.Clamp((long)(limit * 0.9 / _bytesPerRow), 1, available);
        }
        else if (_maxBytes is not null)
        {
            count = Math.Min(available, FirstProbeRows);
        }

        for (var attempt = 1; ; attempt++)
        {
            Copy(_written - _dropped, count, _probePath);
            var size = new FileInfo(_probePath).Length;
            _bytesPerRow = Math.Max(_bytesPerRow, (double)size / Math.Max(count, 1));
            if (_maxBytes is not { } max)
            {
                Accept(count, size);
                return true;
            }

            if (size > max)
            {
                if (count == 1)
                {
                    throw new ConnectorException(
                        $"Row {_written + 1} of stream '{_stream}' needs {size} bytes as a Parquet file of its own, more than max_bytes_per_file ({max}) allows; raise the limit.")
                    { Stream = _stream, Row = _written + 1 };
                }

                count = Math.Max(1, Math.Min(count - 1, (long)(count * (max * 0.9 / size))));
            }
            else if (size < max / 2 && count < available && attempt < MaxAttempts)
            {
                // Far below the limit and rows remain: try more rows in this part.
                count = Math.Min(available, Math.Max(count + 1, (long)(count * (max * 0.9 / size))));
                _bytesPerRow = (double)size / count;
            }
            else if (!final && size < max / 2 && count == available)
            {
                _bytesPerRow = (double)size / count;
                File.Delete(_probePath);
                return false;
            }
            else
            {
                Accept(count, size);
                return true;
            }

            File.Delete(_probePath);
        }
    }

    private void Accept(long count, long size)
    {
        var part = _names.Next();
        File.Move(_probePath, part.TempPath);
        _names.Add(new WrittenPart(part.Number, part.TempPath, part.RelativePath, count, size));
        _written += count;
    }

    /// <summary>Drops the rows already in parts from the scratch table, keeping the rest in order.</summary>
    private void DropWrittenRows()
    {
        if (_written == _dropped)
        {
            return;
        }

        _appender.Close();
        _appenderClosed = true;
        var keep = _written - _dropped;
        var sql = _written == _rows
            ? $"DROP TABLE {Buffer}; {_createBuffer}"
            : string.Create(CultureInfo.InvariantCulture,
                $"CREATE TABLE {Buffer}_rest AS SELECT * FROM {Buffer} WHERE rowid >= {keep} ORDER BY rowid; DROP TABLE {Buffer}; ALTER TABLE {Buffer}_rest RENAME TO {Buffer}");
        _engine.ExecuteNonQuery(sql);
        _dropped = _written;
        _appender = new DuckDbBatchAppender(_engine, null, Buffer, _columns);
        _appenderClosed = false;
    }

    private void Copy(long offset, long count, string path)
    {
        var sql = string.Create(CultureInfo.InvariantCulture,
            $"COPY (SELECT {_selectList} FROM {Buffer} WHERE rowid >= {offset} AND rowid < {offset + count}) TO {DuckDbDialect.Literal(path)} (FORMAT parquet, COMPRESSION {_codec})");
        try
        {
            _engine.ExecuteNonQuery(sql);
        }
        catch (DuckDbException e)
        {
            throw new ConnectorException($"Cannot write Parquet file for stream '{_stream}': {e.Message}", e) { Stream = _stream };
        }
    }
}
