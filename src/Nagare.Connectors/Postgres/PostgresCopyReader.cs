using System.Buffers;
using System.Buffers.Binary;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// Parses the raw stream of a <c>COPY … TO STDOUT (FORMAT BINARY)</c> into batches: rows are cut out of one pooled
/// receive buffer and each field is handed to its column reader as a span, so the cost per value is one decode and
/// one virtual call rather than a driver round trip per value.
/// </summary>
/// <remarks>
/// Format: an 11-byte signature, flags, a header extension, then per row a field count followed by each field's
/// length (−1 for NULL) and bytes, all big-endian; a field count of −1 ends the data.
/// </remarks>
internal sealed class PostgresCopyReader : IDisposable
{
    private const int InitialBufferSize = 256 * 1024;
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    private readonly Stream _stream;
    private readonly string _streamName;
    private readonly bool _parts;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _headerRead;
    private bool _finished;
    private int _part;
    private bool _nextPart;

    /// <summary>Reads from <paramref name="stream"/>, the raw COPY data of <paramref name="streamName"/>.</summary>
    /// <param name="stream">The raw COPY data.</param>
    /// <param name="streamName">What is read, for messages.</param>
    /// <param name="parts">
    /// Each row begins with an <c>int4</c> saying which read of a combined statement it belongs to; a batch then
    /// holds rows of one part (see <see cref="Part"/>), and that field is not handed to a column reader.
    /// </param>
    public PostgresCopyReader(Stream stream, string streamName, bool parts = false)
    {
        _stream = stream;
        _streamName = streamName;
        _parts = parts;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    /// <summary>The part the rows of the last <see cref="FillAsync"/> belong to (with parts).</summary>
    public int Part => _part;

    /// <summary>The data has ended: every row was returned.</summary>
    public bool Finished => _finished;

    /// <summary>
    /// Fills rows 0… of the batch through <paramref name="readers"/>; returns how many (0 at the end). With parts a
    /// fill also stops before the first row of another part, so it may return fewer rows than fit while more follow.
    /// </summary>
    public async ValueTask<int> FillAsync(int capacity, PostgresColumnReader[] readers, CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return 0;
        }

        if (!_headerRead)
        {
            await ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var reader in readers)
        {
            reader.BeginBatch();
        }

        _part = -1;
        var row = 0;
        while (row < capacity)
        {
            var parsed = ParseRows(readers, row, capacity);
            row += parsed;
            if (_finished || row == capacity || _nextPart)
            {
                _nextPart = false;
                break;
            }

            if (!await ReceiveAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new ConnectorException($"Reading {_streamName}: the COPY data ended in the middle of a row.");
            }
        }

        return row;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes as many whole rows as the buffer holds, up to <paramref name="capacity"/>.</summary>
    private int ParseRows(PostgresColumnReader[] readers, int firstRow, int capacity)
    {
        var data = new ReadOnlySpan<byte>(_buffer, _start, _end - _start);
        var consumed = 0;
        var row = firstRow;
        var columns = readers.Length;
        var fieldsPerRow = _parts ? columns + 1 : columns;
        while (row < capacity)
        {
            var remaining = data[consumed..];
            if (remaining.Length < 2)
            {
                break;
            }

            var fields = BinaryPrimitives.ReadInt16BigEndian(remaining);
            if (fields == -1)
            {
                consumed += 2;
                _finished = true;
                break;
            }

            if (fields != fieldsPerRow)
            {
                throw new ConnectorException($"Reading {_streamName}: a COPY row has {fields} fields, expected {fieldsPerRow}.");
            }

            var position = 2;
            if (_parts)
            {
                if (remaining.Length < 10)
                {
                    break;
                }

                if (BinaryPrimitives.ReadInt32BigEndian(remaining[2..]) != 4)
                {
                    throw new ConnectorException($"Reading {_streamName}: a COPY row does not begin with the number of its part.");
                }

                var part = BinaryPrimitives.ReadInt32BigEndian(remaining[6..]);
                if (_part < 0)
                {
                    _part = part;
                }
                else if (part != _part)
                {
                    // The next part's rows go into a batch of their own.
                    _nextPart = true;
                    break;
                }

                position = 10;
            }

            var complete = true;
            for (var c = 0; c < columns; c++)
            {
                if (remaining.Length - position < 4)
                {
                    complete = false;
                    break;
                }

                var length = BinaryPrimitives.ReadInt32BigEndian(remaining[position..]);
                position += 4;
                if (length < 0)
                {
                    readers[c].ReadNull(row);
                    continue;
                }

                if (remaining.Length - position < length)
                {
                    complete = false;
                    break;
                }

                readers[c].Read(remaining.Slice(position, length), row);
                position += length;
            }

            if (!complete)
            {
                // The rest of this row has not arrived; it is decoded again, whole, after the next receive.
                break;
            }

            consumed += position;
            row++;
        }

        _start += consumed;
        return row - firstRow;
    }

    private async ValueTask ReadHeaderAsync(CancellationToken cancellationToken)
    {
        while (_end - _start < Signature.Length + 8)
        {
            if (!await ReceiveAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new ConnectorException($"Reading {_streamName}: the COPY data ended before its header.");
            }
        }

        if (!_buffer.AsSpan(_start, Signature.Length).SequenceEqual(Signature))
        {
            throw new ConnectorException($"Reading {_streamName}: the server did not send binary COPY data.");
        }

        var extension = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + Signature.Length + 4));
        var headerLength = Signature.Length + 8 + extension;
        while (_end - _start < headerLength)
        {
            if (!await ReceiveAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new ConnectorException($"Reading {_streamName}: the COPY data ended in its header.");
            }
        }

        _start += headerLength;
        _headerRead = true;
    }

    /// <summary>
    /// Moves the unparsed tail to the front (growing the buffer when one row fills it) and reads more; the driver
    /// hands over one server message (one row) per read, so reads repeat while they complete at once.
    /// </summary>
    private async ValueTask<bool> ReceiveAsync(CancellationToken cancellationToken)
    {
        var pending = _end - _start;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var received = false;
        while (_buffer.Length - _end >= _buffer.Length / 4 || !received)
        {
            var read = _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            var immediate = read.IsCompletedSuccessfully;
            var count = immediate ? read.Result : await read.ConfigureAwait(false);
            if (count == 0)
            {
                return received;
            }

            _end += count;
            received = true;
            if (!immediate)
            {
                // The driver had to wait for the network: decode what is here before waiting again.
                break;
            }
        }

        return true;
    }
}
