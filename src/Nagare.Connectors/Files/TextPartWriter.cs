using System.IO.Compression;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Files;

/// <summary>
/// Writes encoded rows into a sequence of part files, starting a new part before a row that would break
/// max_rows_per_file or max_bytes_per_file. Byte limits count the bytes on disk: exactly for plain files; for gzip
/// an upper bound of what the compressor still holds is added (deflate never grows data by more than a few bytes per
/// 16 KB block), and the compressor is flushed to learn the exact size only when that bound nears the limit.
/// </summary>
internal sealed class TextPartWriter(RowEncoder encoder, PartNames names, long? maxRows, long? maxBytes, bool gzip, string stream) : IDisposable
{
    // Gzip header (10) + trailer (8) + final and sync-flush block markers, with room to spare.
    private const int GzipFixedOverhead = 40;

    private FileStream? _file;
    private CountingStream? _counter;
    private GZipStream? _gzip;
    private Stream? _output;
    private (int Number, string TempPath, string RelativePath) _current;
    private long _rows;
    private long _pending;

    /// <summary>Writes one encoded row; <paramref name="rowNumber"/> (1-based) is for messages.</summary>
    public void WriteRow(ReadOnlySpan<byte> row, long rowNumber)
    {
        if (_output is not null && ((maxRows is { } rowLimit && _rows >= rowLimit) || !Fits(encoder.Separator.Length + row.Length)))
        {
            ClosePart();
        }

        if (_output is null)
        {
            OpenPart();
            if (!Fits(encoder.FirstSeparator.Length + row.Length))
            {
                var size = encoder.Prologue.Length + encoder.FirstSeparator.Length + row.Length + encoder.Epilogue.Length;
                throw new ConnectorException(
                    $"Row {rowNumber} of stream '{stream}' needs {size} bytes in a file of its own (with header), more than max_bytes_per_file ({maxBytes}) allows; raise the limit.")
                { Stream = stream, Row = rowNumber };
            }
        }

        var separator = _rows == 0 ? encoder.FirstSeparator : encoder.Separator;
        _output!.Write(separator);
        _output.Write(row);
        if (gzip)
        {
            _pending += separator.Length + row.Length;
        }

        _rows++;
    }

    /// <summary>Finishes the current part, if any.</summary>
    public void Complete()
    {
        if (_output is not null)
        {
            ClosePart();
        }
    }

    /// <summary>Writes one part with no rows (a header-only CSV, an empty JSON array), so an empty stream still has a file.</summary>
    public void WriteEmptyPart()
    {
        OpenPart();
        ClosePart();
    }

    public void Dispose()
    {
        _output?.Dispose();
        _output = null;
    }

    private bool Fits(long bytes)
    {
        if (maxBytes is not { } limit)
        {
            return true;
        }

        bytes += encoder.Epilogue.Length;
        if (!gzip)
        {
            return _counter!.Count + _pending + bytes <= limit;
        }

        if (Bound(bytes) <= limit)
        {
            return true;
        }

        if (_pending > 0)
        {
            _gzip!.Flush();
            _pending = 0;
        }

        return Bound(bytes) <= limit;
    }

    private long Bound(long bytes)
    {
        var buffered = _pending + bytes;
        return _counter!.Count + buffered + (5 * ((buffered / 16_000) + 1)) + GzipFixedOverhead;
    }

    private void OpenPart()
    {
        _current = names.Next();
        _file = new FileStream(_current.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _counter = new CountingStream(_file);
        if (gzip)
        {
            _gzip = new GZipStream(_counter, CompressionLevel.Fastest, leaveOpen: true);
            _output = _gzip;
        }
        else
        {
            // Plain output goes straight to the counter; _pending stays 0 so counts are exact.
            _output = _counter;
        }

        _rows = 0;
        _pending = 0;
        _output.Write(encoder.Prologue);
        if (gzip)
        {
            _pending = encoder.Prologue.Length;
        }
    }

    private void ClosePart()
    {
        _output!.Write(encoder.Epilogue);
        if (_gzip is not null)
        {
            _gzip.Dispose();
            _gzip = null;
        }

        _counter!.Flush();
        var bytes = _counter.Count;
        _counter.Dispose();
        _output = null;
        if (maxBytes is { } limit && bytes > limit)
        {
            throw new InvalidOperationException($"Part '{_current.RelativePath}' of stream '{stream}' came out at {bytes} bytes, over the {limit}-byte limit.");
        }

        names.Add(new WrittenPart(_current.Number, _current.TempPath, _current.RelativePath, _rows, bytes));
    }
}
