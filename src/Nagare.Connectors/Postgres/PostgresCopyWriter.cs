using System.Buffers;
using System.Buffers.Binary;
using Nagare.Core.Batches;
using Npgsql;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// Produces the raw stream of a <c>COPY … FROM STDIN (FORMAT BINARY)</c>: rows are encoded by the column writers
/// into one pooled buffer and handed to the driver in large blocks, so the cost per value is one encode and one
/// virtual call rather than an awaited driver call per value. The mirror of <see cref="PostgresCopyReader"/>.
/// </summary>
/// <remarks>
/// Format: an 11-byte signature, flags and header-extension length (both 0), then per row a field count and each
/// field's length (−1 for NULL) and bytes, all big-endian; a field count of −1 ends the data. Rows may straddle the
/// driver's CopyData messages: the server reads the data as one byte stream.
/// </remarks>
internal sealed class PostgresCopyWriter : IAsyncDisposable
{
    /// <summary>Bytes gathered before they are sent: few enough sends to keep the driver out of the profile.</summary>
    private const int BlockSize = 512 * 1024;

    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly NpgsqlRawCopyStream _stream;
    private readonly PostgresColumnWriter[] _columns;
    private readonly int? _constant;
    private readonly short _fieldCount;
    private byte[] _buffer;
    private int _length;
    private int _row;
    private int _column;
    private bool _finished;

    /// <summary>Writes rows of <paramref name="columns"/> (and <paramref name="constant"/> as a last int4 field, when given) into <paramref name="stream"/>.</summary>
    public PostgresCopyWriter(NpgsqlRawCopyStream stream, PostgresColumnWriter[] columns, int? constant)
    {
        _stream = stream;
        _columns = columns;
        _constant = constant;
        _fieldCount = checked((short)(columns.Length + (constant is null ? 0 : 1)));
        _buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        Header.CopyTo(_buffer, 0);
        _length = Header.Length;
    }

    /// <summary>Row (0-based, in the last batch) being encoded when <see cref="WriteAsync"/> stopped.</summary>
    public int Row => _row;

    /// <summary>Column being encoded when <see cref="WriteAsync"/> stopped.</summary>
    public int Column => _column;

    /// <summary>
    /// Encodes and sends the rows of <paramref name="batch"/>. When a value cannot be encoded, the exception
    /// propagates with <see cref="Row"/> and <see cref="Column"/> telling where.
    /// </summary>
    public async ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        _row = 0;
        for (_column = 0; _column < _columns.Length; _column++)
        {
            _columns[_column].Bind(batch.Columns[_column]);
        }

        while (_row < batch.RowCount)
        {
            var before = _row;
            Encode(batch.RowCount, ref _row, ref _column);
            if (_row == batch.RowCount)
            {
                break;
            }

            if (_row == before && _length == 0)
            {
                // One row is larger than the whole buffer: make room for it.
                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
                continue;
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_length >= BlockSize)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Ends the data and the COPY; the server's error for a rejected value surfaces here.</summary>
    /// <exception cref="PostgresException">The server rejected the data.</exception>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Length - _length < 2)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), -1);
        _length += 2;
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        _finished = true;

        // Disposing the raw stream after writing sends CopyDone and waits for the server's verdict.
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Abandons an unfinished COPY (the server discards what it received) and returns the buffer.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_finished)
            {
                _finished = true;
                await _stream.CancelAsync().ConfigureAwait(false);
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            // The COPY is abandoned because something already failed, and that error is the one to report; a
            // session the cancel left broken fails its rollback and is discarded by the pool.
        }
        finally
        {
            var buffer = _buffer;
            _buffer = [];
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Encodes whole rows from <paramref name="row"/> on until the buffer is full or the batch ends.</summary>
    private void Encode(int rowCount, ref int row, ref int column)
    {
        var buffer = _buffer.AsSpan();
        var length = _length;
        var columns = _columns;
        for (; row < rowCount; row++)
        {
            var start = length;
            if (buffer.Length - length < 2)
            {
                break;
            }

            BinaryPrimitives.WriteInt16BigEndian(buffer[length..], _fieldCount);
            length += 2;
            var complete = true;
            for (column = 0; column < columns.Length; column++)
            {
                var written = columns[column].Write(row, buffer[length..]);
                if (written < 0)
                {
                    complete = false;
                    break;
                }

                length += written;
            }

            if (complete && _constant is { } constant)
            {
                if (buffer.Length - length >= 8)
                {
                    BinaryPrimitives.WriteInt32BigEndian(buffer[length..], 4);
                    BinaryPrimitives.WriteInt32BigEndian(buffer[(length + 4)..], constant);
                    length += 8;
                }
                else
                {
                    complete = false;
                }
            }

            if (!complete)
            {
                // The row goes, whole, at the start of the next block.
                length = start;
                break;
            }
        }

        _length = length;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_length > 0)
        {
            await _stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
            _length = 0;
        }
    }
}
