using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

/// <summary>
/// Writes one stream inside one DuckDB transaction: the rows, the table swap or merge, and the sync state all
/// commit together or not at all. Where the rows go is <see cref="DuckDbLoad.Prepare"/>'s choice (the replaced table,
/// a staging table, or the target). A stream of one batch does not get here: see <see cref="DuckDbSmallStreamWriter"/>.
/// The first rows go in through DuckDB's appender; a stream that goes past <see cref="FeedAfterRows"/> continues through
/// one <c>INSERT … SELECT</c> from the batches (<see cref="DuckDbBatchStatement"/>), which stores them on a thread of its
/// own while the source reads the next batch. Small tables so skip that statement and thread (milliseconds that count
/// when a sync has thousands of tables), and big ones get the overlap.
/// </summary>
internal sealed class DuckDbStreamWriter : IKeyDeletingWriter
{
    private readonly DuckDbWarehouseConnection _owner;
    private readonly DuckDbConnection _connection;
    private readonly DuckDbTransaction _transaction;
    private readonly WriteRequest _request;
    private readonly LoadTarget _target;
    private DuckDbBatchAppender? _appender;
    private DuckDbBatchStatement? _insert;
    private long _appended;
    private readonly List<ColumnBatch> _deletes = [];
    private bool _finished;

    /// <summary>Rows a stream writes through the appender before it switches to the INSERT feed.</summary>
    internal const long FeedAfterRows = 100_000;

    private DuckDbStreamWriter(DuckDbWarehouseConnection owner, DuckDbConnection connection, DuckDbTransaction transaction, WriteRequest request, LoadTarget target)
    {
        _owner = owner;
        _connection = connection;
        _transaction = transaction;
        _request = request;
        _target = target;
    }

    /// <summary>Starts the transaction and prepares the tables for the mode.</summary>
    public static DuckDbStreamWriter Open(DuckDbWarehouseConnection owner, DuckDbConnection connection, WriteRequest request)
    {
        owner.EnsureSchema(connection, request.Target);
        var transaction = connection.BeginTransaction();
        try
        {
            var target = DuckDbLoad.Prepare(owner, connection, request);
            return new DuckDbStreamWriter(owner, connection, transaction, request, target);
        }
        catch (DuckDbException e)
        {
            transaction.Dispose();
            throw DuckDbLoad.Failure(owner.Name, request, "prepare", e);
        }
        catch
        {
            transaction.Dispose();
            throw;
        }
    }

    public async ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_finished, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_insert is null && _appended + batch.RowCount <= FeedAfterRows)
        {
            _appender ??= new DuckDbBatchAppender(_connection, _target.Table.Schema, _target.Table.Name, _target.Columns);
            _appender.Append(batch);
            _appended += batch.RowCount;
            _owner.Written(batch.RowCount);
            return;
        }

        try
        {
            if (_insert is null)
            {
                // The rows appended so far go in first, so the table keeps the order the rows were written in.
                _appender?.Close();
                var (schema, name) = _target.Table;
                _insert = DuckDbBatchStatement.Insert(_connection, DuckDbDialect.Instance.QuoteTable(schema, name), _target.Columns, schema + "." + name);
            }

            await _insert.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            _owner.Written(batch.RowCount);
        }
        catch (DuckDbException e)
        {
            throw DuckDbLoad.Failure(_owner.Name, _request, "write rows to", e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>The keys are kept until commit, then appended to a key table and deleted with one statement.</remarks>
    public ValueTask DeleteAsync(ColumnBatch keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_request.Mode == WriteMode.FullRefresh)
        {
            throw new InvalidOperationException($"A full refresh of {_request.Target} replaces the table; there is nothing to delete by key.");
        }

        if (keys.RowCount > 0)
        {
            _deletes.Add(keys.Copy());
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Deletes the target rows named by <see cref="DeleteAsync"/>, in the write's transaction; returns how many.</summary>
    private long DeleteKeys()
    {
        if (_deletes.Count == 0)
        {
            return 0;
        }

        var keyColumns = _request.PrimaryKey.Select(k => _target.Columns.First(c => string.Equals(c.Name, k, StringComparison.OrdinalIgnoreCase))).ToImmutableArray();
        var (schema, name) = _target.Table;
        var keyTable = name + "__nagare_deletes";
        var quoted = DuckDbDialect.Instance.QuoteTable(schema, keyTable);
        _connection.ExecuteNonQuery($"CREATE OR REPLACE TABLE {quoted} ({DuckDbLoad.ColumnList(keyColumns)})");
        using (var appender = new DuckDbBatchAppender(_connection, schema, keyTable, keyColumns))
        {
            foreach (var batch in _deletes)
            {
                appender.Append(batch);
            }

            appender.Close();
        }

        var target = DuckDbWarehouseConnection.Table(_request.Target);
        var match = string.Join(" AND ", keyColumns.Select(c => $"d.{DuckDbDialect.Quote(c.Name)} = {target}.{DuckDbDialect.Quote(c.Name)}"));
        var deleted = _connection.ExecuteNonQuery($"DELETE FROM {target} WHERE EXISTS (SELECT 1 FROM {quoted} AS d WHERE {match})");
        _connection.ExecuteNonQuery($"DROP TABLE {quoted}");
        return deleted;
    }

    public async Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _appender?.Close();
            if (_insert is not null)
            {
                await _insert.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            var deleted = DeleteKeys();
            var result = DuckDbLoad.Finish(_connection, _request, _target, _appended + (_insert?.Rows ?? 0));
            result = result with { RowsDeleted = result.RowsDeleted + deleted };
            if (state is not null)
            {
                DuckDbLoad.SaveStates(_connection, [(_request, state)]);
            }

            _transaction.Commit();
            _finished = true;
            return result;
        }
        catch (DuckDbException e)
        {
            throw DuckDbLoad.Failure(_owner.Name, _request, "commit rows to", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _finished = true;
        _appender?.Dispose();
        if (_insert is not null)
        {
            await _insert.DisposeAsync().ConfigureAwait(false);
        }

        _transaction.Dispose();
        _connection.Dispose();
    }
}
