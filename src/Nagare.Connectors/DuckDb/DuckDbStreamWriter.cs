using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

/// <summary>
/// Writes one stream inside one DuckDB transaction: the rows, the table swap or merge, and the sync state all
/// commit together or not at all. Full refresh and merge append into <c>&lt;table&gt;__nagare_staging</c>
/// (created in the same transaction, so no one else ever sees it); append and incremental append to the target.
/// The first rows go in through DuckDB's appender; a stream that goes past <see cref="FeedAfterRows"/> continues through
/// one <c>INSERT … SELECT</c> from the batches (<see cref="DuckDbBatchInsert"/>), which stores them on a thread of its
/// own while the source reads the next batch. Small tables so skip that statement and thread (milliseconds that count
/// when a sync has thousands of tables), and big ones get the overlap.
/// </summary>
internal sealed class DuckDbStreamWriter : IStreamWriter
{
    private readonly string _connectionName;
    private readonly DuckDbConnection _connection;
    private readonly DuckDbTransaction _transaction;
    private readonly WriteRequest _request;
    private readonly ImmutableArray<ColumnSchema> _columns;
    private readonly StreamSchema? _existing;
    private readonly string? _staging;
    private readonly (string Schema, string Name) _table;
    private DuckDbBatchAppender? _appender;
    private DuckDbBatchInsert? _insert;
    private long _appended;
    private bool _finished;

    /// <summary>Rows a stream writes through the appender before it switches to the INSERT feed.</summary>
    internal const long FeedAfterRows = 100_000;

    private DuckDbStreamWriter(
        string connectionName, DuckDbConnection connection, DuckDbTransaction transaction, WriteRequest request,
        ImmutableArray<ColumnSchema> columns, StreamSchema? existing, string? staging, (string Schema, string Name) table)
    {
        _connectionName = connectionName;
        _connection = connection;
        _transaction = transaction;
        _request = request;
        _columns = columns;
        _existing = existing;
        _staging = staging;
        _table = table;
    }

    /// <summary>Starts the transaction, prepares the tables for the mode and starts the INSERT.</summary>
    public static DuckDbStreamWriter Open(DuckDbWarehouseConnection owner, DuckDbConnection connection, WriteRequest request)
    {
        owner.EnsureSchema(connection, request.Target);
        var transaction = connection.BeginTransaction();
        try
        {
            var existing = owner.Describe(connection, request.Target);
            var columns = DuckDbLoad.AlignNames(request.Columns, existing);
            var soft = request.DeleteDetection == DeleteDetection.Soft;
            string? staging = null;
            (string Schema, string Name) table;
            var schema = request.Target.Namespace ?? "main";
            switch (request.Mode)
            {
                case WriteMode.FullRefresh:
                {
                    var stagingName = request.Target.Name + DuckDbWarehouseConnection.StagingSuffix;
                    staging = DuckDbDialect.Instance.QuoteTable(schema, stagingName);
                    var all = soft && !columns.Any(c => DuckDbLoad.Same(c.Name, request.SoftDeleteColumn))
                        ? [.. columns, new ColumnSchema(request.SoftDeleteColumn, Core.Types.ColumnType.TimestampTz)]
                        : columns;
                    connection.ExecuteNonQuery($"CREATE OR REPLACE TABLE {staging} ({DuckDbLoad.ColumnList(all)})");
                    table = (schema, stagingName);
                    break;
                }

                case WriteMode.Merge:
                {
                    if (request.PrimaryKey.IsDefaultOrEmpty)
                    {
                        throw new ConnectorException($"Merge into {request.Target} needs a primary key; set primary_key for the stream.") { Stream = request.Target.ToString() };
                    }

                    DuckDbLoad.PrepareTarget(connection, request, columns, existing, soft);
                    var stagingName = request.Target.Name + DuckDbWarehouseConnection.StagingSuffix;
                    staging = DuckDbDialect.Instance.QuoteTable(schema, stagingName);
                    connection.ExecuteNonQuery($"CREATE OR REPLACE TABLE {staging} ({DuckDbLoad.ColumnList(columns)})");
                    table = (schema, stagingName);
                    break;
                }

                default:
                    DuckDbLoad.PrepareTarget(connection, request, columns, existing, softDelete: false);
                    table = (schema, request.Target.Name);
                    break;
            }

            return new DuckDbStreamWriter(owner.Name, connection, transaction, request, columns, existing, staging, table);
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
            _appender ??= new DuckDbBatchAppender(_connection, _table.Schema, _table.Name, _columns);
            _appender.Append(batch);
            _appended += batch.RowCount;
            return;
        }

        try
        {
            if (_insert is null)
            {
                // The rows appended so far go in first, so the table keeps the order the rows were written in.
                _appender?.Close();
                _insert = new DuckDbBatchInsert(_connection, DuckDbDialect.Instance.QuoteTable(_table.Schema, _table.Name), _columns, _table.Schema + "." + _table.Name);
            }

            await _insert.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDbException e)
        {
            throw DuckDbLoad.Failure(_connectionName, _request, "write rows to", e);
        }
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

            var rows = _appended + (_insert?.Rows ?? 0);
            long inserted = rows, updated = 0, deleted = 0;
            switch (_request.Mode)
            {
                case WriteMode.FullRefresh:
                    deleted = DuckDbLoad.Swap(_connection, _request, _columns, _existing, _staging!);
                    break;
                case WriteMode.Merge:
                    (inserted, updated, deleted) = DuckDbLoad.Merge(_connection, _request, _columns, _staging!);
                    _connection.ExecuteNonQuery($"DROP TABLE {_staging}");
                    break;
            }

            if (state is not null)
            {
                DuckDbLoad.SaveState(_connection, _request, state);
            }

            _transaction.Commit();
            _finished = true;
            return new WriteResult(rows, inserted, updated, deleted);
        }
        catch (DuckDbException e)
        {
            throw DuckDbLoad.Failure(_connectionName, _request, "commit rows to", e);
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
