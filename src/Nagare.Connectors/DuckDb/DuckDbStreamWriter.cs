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
    private readonly DuckDbBatchAppender _appender;
    private long _rows;
    private bool _finished;

    private DuckDbStreamWriter(
        string connectionName, DuckDbConnection connection, DuckDbTransaction transaction, WriteRequest request,
        ImmutableArray<ColumnSchema> columns, StreamSchema? existing, string? staging, DuckDbBatchAppender appender)
    {
        _connectionName = connectionName;
        _connection = connection;
        _transaction = transaction;
        _request = request;
        _columns = columns;
        _existing = existing;
        _staging = staging;
        _appender = appender;
    }

    /// <summary>Starts the transaction, prepares the tables for the mode and opens the appender.</summary>
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
            DuckDbBatchAppender appender;
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
                    appender = new DuckDbBatchAppender(connection, schema, stagingName, columns);
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
                    appender = new DuckDbBatchAppender(connection, schema, stagingName, columns);
                    break;
                }

                default:
                    DuckDbLoad.PrepareTarget(connection, request, columns, existing, softDelete: false);
                    appender = new DuckDbBatchAppender(connection, schema, request.Target.Name, columns);
                    break;
            }

            return new DuckDbStreamWriter(owner.Name, connection, transaction, request, columns, existing, staging, appender);
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

    public ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_finished, this);
        cancellationToken.ThrowIfCancellationRequested();
        _appender.Append(batch);
        _rows += batch.RowCount;
        return ValueTask.CompletedTask;
    }

    public Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        cancellationToken.ThrowIfCancellationRequested();
        _appender.Close();
        try
        {
            long inserted = _rows, updated = 0, deleted = 0;
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
            return Task.FromResult(new WriteResult(_rows, inserted, updated, deleted));
        }
        catch (DuckDbException e)
        {
            throw DuckDbLoad.Failure(_connectionName, _request, "commit rows to", e);
        }
    }

    public ValueTask DisposeAsync()
    {
        _finished = true;
        _appender.Dispose();
        _transaction.Dispose();
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
