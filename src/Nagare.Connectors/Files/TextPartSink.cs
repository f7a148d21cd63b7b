using System.Collections.Concurrent;
using System.Threading.Channels;
using Nagare.Core.Batches;

namespace Nagare.Connectors.Files;

/// <summary>
/// CSV/TSV/JSON/NDJSON parts: the caller's thread encodes rows into blocks; <c>parallel_writers</c> tasks each fill
/// their own sequence of parts from those blocks (compressing when gzip), so N parts are written at once.
/// </summary>
internal sealed class TextPartSink : IPartSink
{
    private const int BlockBytes = 1 << 20;

    private readonly RowEncoder _encoder;
    private readonly PartNames _names;
    private readonly Channel<EncodedBlock> _channel;
    private readonly ConcurrentBag<EncodedBlock> _free = [];
    private readonly Task[] _workers;
    private readonly TextPartWriter[] _writers;
    private readonly CancellationTokenSource _abort = new();
    private long _rows;

    public TextPartSink(RowEncoder encoder, PartNames names, long? maxRows, long? maxBytes, bool gzip, int writers, string stream)
    {
        _encoder = encoder;
        _names = names;
        _channel = Channel.CreateBounded<EncodedBlock>(new BoundedChannelOptions(writers * 2) { SingleWriter = true, SingleReader = writers == 1 });
        _writers = [.. Enumerable.Range(0, writers).Select(_ => new TextPartWriter(_encoder, names, maxRows, maxBytes, gzip, stream))];
        _workers = [.. _writers.Select(w => Task.Run(() => RunAsync(w)))];
    }

    public long Rows => _rows;

    public async ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        var block = Rent();
        for (var row = 0; row < batch.RowCount; row++)
        {
            _encoder.Encode(batch, row, block.Bytes);
            block.RowEnds.Add(block.Bytes.WrittenCount);
            if (block.Bytes.WrittenCount >= BlockBytes)
            {
                await PostAsync(block, cancellationToken).ConfigureAwait(false);
                block = Rent();
            }
        }

        if (block.RowEnds.Count > 0)
        {
            await PostAsync(block, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _free.Add(block);
        }
    }

    public async Task CompleteAsync(bool emptyPartIfNoRows, CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_workers).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_rows == 0 && emptyPartIfNoRows && _names.Parts.Count == 0)
        {
            _writers[0].WriteEmptyPart();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _abort.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_workers).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Disposing after a failure or without commit: the work folder is deleted next, errors were already reported.
        }

        foreach (var writer in _writers)
        {
            writer.Dispose();
        }

        _abort.Dispose();
    }

    private EncodedBlock Rent()
    {
        if (!_free.TryTake(out var block))
        {
            block = new EncodedBlock();
        }

        block.Clear();
        block.FirstRow = _rows + 1;
        return block;
    }

    private async ValueTask PostAsync(EncodedBlock block, CancellationToken cancellationToken)
    {
        _rows += block.RowEnds.Count;
        var failed = _workers.FirstOrDefault(w => w.IsFaulted);
        if (failed is not null)
        {
            await failed.ConfigureAwait(false);
        }

        try
        {
            await _channel.Writer.WriteAsync(block, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // A worker failed and closed the channel: surface its error.
            await Task.WhenAll(_workers).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RunAsync(TextPartWriter writer)
    {
        try
        {
            await foreach (var block in _channel.Reader.ReadAllAsync(_abort.Token).ConfigureAwait(false))
            {
                var start = 0;
                var bytes = block.Bytes.WrittenMemory;
                for (var i = 0; i < block.RowEnds.Count; i++)
                {
                    var end = block.RowEnds[i];
                    writer.WriteRow(bytes.Span[start..end], block.FirstRow + i);
                    start = end;
                }

                _free.Add(block);
            }

            writer.Complete();
        }
        catch (Exception e)
        {
            _channel.Writer.TryComplete(e);
            throw;
        }
    }
}
