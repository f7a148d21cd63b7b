using Nagare.Core.Batches;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.DuckDb;

/// <summary>
/// The writer a warehouse stream gets. It keeps a copy of the first batch: a stream that commits after one batch
/// (most tables of a many-table sync) is committed with others by <see cref="DuckDbGroupCommit"/>; at the second
/// batch it opens a transaction of its own (<see cref="DuckDbStreamWriter"/>) and passes everything on.
/// </summary>
internal sealed class DuckDbSmallStreamWriter(DuckDbWarehouseConnection owner, WriteRequest request) : IGroupCommitWriter, IKeyDeletingWriter
{
    private ColumnBatch? _first;
    private IStreamWriter? _own;
    private bool _finished;

    public bool CommitsInGroup => _own is null;

    public async ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_finished, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_own is null && _first is null)
        {
            _first = batch.Copy();
            return;
        }

        if (_own is null)
        {
            _own = await owner.OpenOwnWriterAsync(request, cancellationToken).ConfigureAwait(false);
            await _own.WriteAsync(_first!, cancellationToken).ConfigureAwait(false);
            _first = null;
        }

        await _own.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>A stream that deletes keys commits in a transaction of its own: group commits only insert and replace.</remarks>
    public async ValueTask DeleteAsync(ColumnBatch keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_own is null)
        {
            _own = await owner.OpenOwnWriterAsync(request, cancellationToken).ConfigureAwait(false);
            if (_first is not null)
            {
                await _own.WriteAsync(_first, cancellationToken).ConfigureAwait(false);
                _first = null;
            }
        }

        await ((IKeyDeletingWriter)_own).DeleteAsync(keys, cancellationToken).ConfigureAwait(false);
    }

    public async Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        cancellationToken.ThrowIfCancellationRequested();
        var result = _own is not null
            ? await _own.CommitAsync(state, cancellationToken).ConfigureAwait(false)
            : await owner.GroupCommit.CommitAsync(request, _first, state, cancellationToken).ConfigureAwait(false);
        _finished = true;
        _first = null;
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        _finished = true;
        _first = null;
        if (_own is not null)
        {
            await _own.DisposeAsync().ConfigureAwait(false);
        }
    }
}
