using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

/// <summary>
/// A chunked load into DuckDB: chunks append into the persistent table <c>&lt;table&gt;__nagare_staging</c>
/// (with a hidden <c>__nagare_chunk</c> column) and each chunk commits with a row in <c>_nagare.sync_chunks</c>,
/// so concurrent chunks never update the same row. The final commit publishes the staging rows with the
/// request's mode, stores the state, and clears the staging and checkpoints, in one transaction.
/// </summary>
internal sealed class DuckDbChunkedWriter : IChunkedStreamWriter
{
    /// <summary>The hidden column that says which chunk a staged row belongs to.</summary>
    public const string ChunkColumn = "__nagare_chunk";

    private readonly DuckDbWarehouseConnection _owner;
    private readonly WriteRequest _request;
    private readonly StreamState _checkpoint;
    private readonly string _stagingName;
    private readonly string _staging;
    private readonly Lock _gate = new();
    private ImmutableArray<int> _completed;

    private DuckDbChunkedWriter(DuckDbWarehouseConnection owner, WriteRequest request, StreamState checkpoint, ImmutableArray<int> completed)
    {
        _owner = owner;
        _request = request;
        _checkpoint = checkpoint;
        _completed = completed;
        _stagingName = request.Target.Name + DuckDbWarehouseConnection.StagingSuffix;
        _staging = DuckDbDialect.Instance.QuoteTable(request.Target.Namespace ?? "main", _stagingName);
    }

    public ImmutableArray<int> CompletedChunks
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    /// <summary>Keeps staged chunks the checkpoint lists (when the staging table still has the request's columns) and discards the rest.</summary>
    public static async Task<DuckDbChunkedWriter> OpenAsync(DuckDbWarehouseConnection owner, WriteRequest request, StreamState checkpoint, CancellationToken cancellationToken)
    {
        await using var connection = await owner.OpenAsync(cancellationToken).ConfigureAwait(false);
        owner.EnsureSchema(connection, request.Target);
        var writer = new DuckDbChunkedWriter(owner, request, checkpoint, []);
        using var transaction = connection.BeginTransaction();
        try
        {
            var stagingId = new Core.Schema.StreamId(request.Target.Namespace ?? "main", writer._stagingName);
            var staged = owner.Describe(connection, stagingId);
            ImmutableArray<ColumnSchema> expected = [.. request.Columns, new ColumnSchema(ChunkColumn, Core.Types.ColumnType.Int32)];
            var sameShape = staged is not null && staged.Columns.Length == expected.Length &&
                staged.Columns.Zip(expected).All(p => DuckDbLoad.Same(p.First.Name, p.Second.Name) && p.First.Type.Equals(p.Second.Type));
            var listed = checkpoint.CompletedChunks.IsDefault ? [] : checkpoint.CompletedChunks;
            var kept = sameShape
                ? DuckDbWarehouseConnection.LoadChunks(connection, request.SyncName, request.StateKey).Select(c => c.Index).Where(listed.Contains).Distinct().Order().ToImmutableArray()
                : [];
            if (!sameShape)
            {
                connection.ExecuteNonQuery($"CREATE OR REPLACE TABLE {writer._staging} ({DuckDbLoad.ColumnList(expected)})");
            }
            else
            {
                // NOT IN over an empty list would need NULL, and NOT IN (NULL) keeps every row.
                connection.ExecuteNonQuery(kept.IsEmpty
                    ? $"DELETE FROM {writer._staging}"
                    : $"DELETE FROM {writer._staging} WHERE {DuckDbDialect.Quote(ChunkColumn)} NOT IN ({string.Join(", ", kept)}) OR {DuckDbDialect.Quote(ChunkColumn)} IS NULL");
            }

            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"DELETE FROM {DuckDbWarehouseConnection.StateSchema}.sync_chunks WHERE sync_name = $1 AND state_key = $2" +
                    (kept.IsEmpty ? string.Empty : $" AND chunk_index NOT IN ({string.Join(", ", kept)})");
                command.Parameters.AddPositional(request.SyncName);
                command.Parameters.AddPositional(request.StateKey);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            writer._completed = kept;
            return writer;
        }
        catch (DuckDbException e)
        {
            throw DuckDbLoad.Failure(owner.Name, request, "stage a chunked load into", e);
        }
    }

    public async Task<IStreamWriter> OpenChunkAsync(int chunkIndex, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunkIndex);
        var connection = await _owner.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return new ChunkWriter(this, connection, chunkIndex);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken)
    {
        await using var connection = await _owner.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = connection.BeginTransaction();
        try
        {
            var rows = connection.ExecuteScalar<long>($"SELECT count(*) FROM {_staging}");
            var existing = _owner.Describe(connection, _request.Target);
            var columns = DuckDbLoad.AlignNames(_request.Columns, existing);
            long inserted = rows, updated = 0, deleted = 0, unchanged = 0;
            switch (_request.Mode)
            {
                case WriteMode.FullRefresh:
                    connection.ExecuteNonQuery($"ALTER TABLE {_staging} DROP COLUMN {DuckDbDialect.Quote(ChunkColumn)}");
                    if (_request.DeleteDetection == DeleteDetection.Soft && !columns.Any(c => DuckDbLoad.Same(c.Name, _request.SoftDeleteColumn)))
                    {
                        connection.ExecuteNonQuery($"ALTER TABLE {_staging} ADD COLUMN {DuckDbDialect.Quote(_request.SoftDeleteColumn)} TIMESTAMP WITH TIME ZONE");
                    }

                    deleted = DuckDbLoad.Swap(connection, _request, columns, existing, _staging);
                    break;
                case WriteMode.Merge:
                    DuckDbLoad.PrepareTarget(connection, _request, columns, existing, _request.DeleteDetection == DeleteDetection.Soft);
                    (inserted, updated, deleted, unchanged) = DuckDbLoad.Merge(connection, _request, columns, _staging);
                    connection.ExecuteNonQuery($"DROP TABLE {_staging}");
                    break;
                default:
                    DuckDbLoad.PrepareTarget(connection, _request, columns, existing, softDelete: false);
                    var names = DuckDbLoad.Names(columns.Select(c => c.Name));
                    connection.ExecuteNonQuery($"INSERT INTO {DuckDbWarehouseConnection.Table(_request.Target)} ({names}) SELECT {names} FROM {_staging}");
                    connection.ExecuteNonQuery($"DROP TABLE {_staging}");
                    break;
            }

            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"DELETE FROM {DuckDbWarehouseConnection.StateSchema}.sync_chunks WHERE sync_name = $1 AND state_key = $2";
                command.Parameters.AddPositional(_request.SyncName);
                command.Parameters.AddPositional(_request.StateKey);
                command.ExecuteNonQuery();
            }

            if (state is not null)
            {
                DuckDbLoad.SaveStates(connection, [(_request, state with { CompletedChunks = [] })]);
            }

            transaction.Commit();
            lock (_gate)
            {
                _completed = [];
            }

            return new WriteResult(rows, inserted, updated, deleted, unchanged);
        }
        catch (DuckDbException e)
        {
            throw DuckDbLoad.Failure(_owner.Name, _request, "publish the chunked load into", e);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Completed(int chunkIndex)
    {
        lock (_gate)
        {
            if (!_completed.Contains(chunkIndex))
            {
                _completed = [.. _completed.Add(chunkIndex).Order()];
            }
        }
    }

    /// <summary>One chunk's rows, staged in its own transaction together with its checkpoint row.</summary>
    private sealed class ChunkWriter : IStreamWriter
    {
        private readonly DuckDbChunkedWriter _load;
        private readonly DuckDbConnection _connection;
        private readonly DuckDbTransaction _transaction;
        private readonly DuckDbBatchStatement _insert;
        private readonly int _chunkIndex;
        private bool _finished;

        public ChunkWriter(DuckDbChunkedWriter load, DuckDbConnection connection, int chunkIndex)
        {
            _load = load;
            _connection = connection;
            _chunkIndex = chunkIndex;
            _transaction = connection.BeginTransaction();
            try
            {
                if (load.CompletedChunks.Contains(chunkIndex))
                {
                    // Copying a staged chunk again replaces it.
                    connection.ExecuteNonQuery($"DELETE FROM {load._staging} WHERE {DuckDbDialect.Quote(ChunkColumn)} = {chunkIndex}");
                    using var command = connection.CreateCommand();
                    command.CommandText = $"DELETE FROM {DuckDbWarehouseConnection.StateSchema}.sync_chunks WHERE sync_name = $1 AND state_key = $2 AND chunk_index = $3";
                    command.Parameters.AddPositional(load._request.SyncName);
                    command.Parameters.AddPositional(load._request.StateKey);
                    command.Parameters.AddPositional(chunkIndex);
                    command.ExecuteNonQuery();
                }

                _insert = DuckDbBatchStatement.Insert(
                    connection, load._staging, load._request.Columns, (load._request.Target.Namespace ?? "main") + "." + load._stagingName,
                    [DuckDbDialect.Quote(ChunkColumn)], [chunkIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
            catch (DuckDbException e)
            {
                _transaction.Dispose();
                throw DuckDbLoad.Failure(load._owner.Name, load._request, $"stage chunk {chunkIndex} of", e);
            }
            catch
            {
                _transaction.Dispose();
                throw;
            }
        }

        public async ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(batch);
            ObjectDisposedException.ThrowIf(_finished, this);
            try
            {
                await _insert.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                _load._owner.Written(batch.RowCount);
            }
            catch (DuckDbException e)
            {
                throw DuckDbLoad.Failure(_load._owner.Name, _load._request, $"stage chunk {_chunkIndex} of", e);
            }
        }

        public async Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_finished, this);
            try
            {
                await _insert.CompleteAsync(cancellationToken).ConfigureAwait(false);
                var completed = _load.CompletedChunks.Add(_chunkIndex).Distinct().Order();
                using var command = _connection.CreateCommand();
                command.CommandText = $"INSERT INTO {DuckDbWarehouseConnection.StateSchema}.sync_chunks VALUES ($1, $2, $3, $4, now())";
                command.Parameters.AddPositional(_load._request.SyncName);
                command.Parameters.AddPositional(_load._request.StateKey);
                command.Parameters.AddPositional(_chunkIndex);
                var extra = state is null ? _load._checkpoint.Extra : _load._checkpoint.Extra.SetItems(state.Extra);
                command.Parameters.AddPositional(StreamStateJson.Serialize(_load._checkpoint with { CompletedChunks = [.. completed], Extra = extra }));
                command.ExecuteNonQuery();
                _transaction.Commit();
                _finished = true;
                _load.Completed(_chunkIndex);
                return new WriteResult(_insert.Rows, _insert.Rows);
            }
            catch (DuckDbException e)
            {
                throw DuckDbLoad.Failure(_load._owner.Name, _load._request, $"commit chunk {_chunkIndex} of", e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _finished = true;
            await _insert.DisposeAsync().ConfigureAwait(false);
            _transaction.Dispose();
            _connection.Dispose();
        }
    }
}
