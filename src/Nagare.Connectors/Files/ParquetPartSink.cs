using System.Collections.Immutable;
using System.Globalization;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.Files;

/// <summary>
/// Parquet parts: batches are appended to a DuckDB table in a scratch database in the work folder (so memory stays
/// bounded), and each part is a <c>COPY (… rows a..b) TO 'part.parquet'</c>. A part over max_bytes_per_file is
/// rewritten with fewer rows (sizes are measured, never guessed); DuckDB's own threads compress each part.
/// </summary>
internal sealed class ParquetPartSink : IPartSink
{
    private const string Buffer = "_nagare_buffer";
    private const int MaxAttempts = 12;

    private readonly ImmutableArray<ColumnSchema> _columns;
    private readonly PartNames _names;
    private readonly long? _maxRows;
    private readonly long? _maxBytes;
    private readonly string _codec;
    private readonly string _stream;
    private readonly DuckDbConnection _engine;
    private readonly DuckDbBatchAppender _appender;
    private readonly string _selectList;
    private long _rows;
    private long _written;
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
        _engine = new DuckDbConnection("Data Source=" + Path.Combine(workFolder, "buffer.duckdb"));
        _engine.Open();
        try
        {
            _engine.ExecuteNonQuery("CREATE TABLE " + Buffer + " (" +
                string.Join(", ", columns.Select(c => DuckDbDialect.Quote(c.Name) + " " + DuckDbTypeMapping.TypeName(c.Type))) + ")");
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

    public ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        _appender.Append(batch);
        _rows += batch.RowCount;
        if (_maxRows is { } limit && _rows - _written >= limit)
        {
            _appender.Flush();
            while (_rows - _written >= limit)
            {
                cancellationToken.ThrowIfCancellationRequested();
                WritePart(limit);
            }
        }

        return ValueTask.CompletedTask;
    }

    public Task CompleteAsync(bool emptyPartIfNoRows, CancellationToken cancellationToken)
    {
        _appender.Close();
        _appenderClosed = true;
        while (_written < _rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WritePart(Math.Min(_rows - _written, _maxRows ?? long.MaxValue));
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

    private void WritePart(long available)
    {
        var part = _names.Next();
        var count = available;
        if (_maxBytes is { } limit && _bytesPerRow > 0)
        {
            count = Math.Clamp((long)(limit * 0.9 / _bytesPerRow), 1, available);
        }
        else if (_maxBytes is not null)
        {
            count = Math.Min(available, 65_536);
        }

        for (var attempt = 1; ; attempt++)
        {
            Copy(_written, count, part.TempPath);
            var size = new FileInfo(part.TempPath).Length;
            _bytesPerRow = Math.Max(_bytesPerRow, (double)size / Math.Max(count, 1));
            if (_maxBytes is not { } max)
            {
                Accept(part, count, size);
                return;
            }

            if (size > max)
            {
                if (count == 1)
                {
                    throw new ConnectorException(
                        $"Row {_written + 1} of stream '{_stream}' needs {size} bytes as a Parquet file of its own, more than max_bytes_per_file ({max}) allows; raise the limit.")
                    { Stream = _stream };
                }

                count = Math.Max(1, Math.Min(count - 1, (long)(count * (max * 0.9 / size))));
            }
            else if (size < max / 2 && count < available && attempt < MaxAttempts)
            {
                // Far below the limit and rows remain: try more rows in this part.
                count = Math.Min(available, Math.Max(count + 1, (long)(count * (max * 0.9 / size))));
                _bytesPerRow = (double)size / count;
            }
            else
            {
                Accept(part, count, size);
                return;
            }

            File.Delete(part.TempPath);
        }
    }

    private void Accept((int Number, string TempPath, string RelativePath) part, long count, long size)
    {
        _names.Add(new WrittenPart(part.Number, part.TempPath, part.RelativePath, count, size));
        _written += count;
    }

    private void Copy(long offset, long count, string path)
    {
        var sql = string.Create(CultureInfo.InvariantCulture,
            $"COPY (SELECT {_selectList} FROM {Buffer} WHERE rowid >= {offset} AND rowid < {offset + count} ORDER BY rowid) TO {DuckDbDialect.Literal(path)} (FORMAT parquet, COMPRESSION {_codec})");
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
