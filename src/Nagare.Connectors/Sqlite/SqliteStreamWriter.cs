using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;

namespace Nagare.Connectors.Sqlite;

/// <summary>
/// Writes one stream inside one SQLite write transaction (BEGIN IMMEDIATE): rows, table swap or upsert, and sync
/// state commit together or not at all. Full refresh loads <c>&lt;table&gt;__nagare_staging</c> and renames it over
/// the target; merge loads a temporary table and runs <c>INSERT … ON CONFLICT (key) DO UPDATE</c>.
/// </summary>
internal sealed class SqliteStreamWriter : IKeyDeletingWriter
{
    private const string MergeStaging = "temp.\"nagare_merge_staging\"";

    private readonly SqliteFileConnection _owner;
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly WriteRequest _request;
    private readonly ImmutableArray<ColumnSchema> _columns;
    private readonly StreamSchema? _existing;
    private readonly string _insertTarget;
    private readonly SqliteCommand _insert;
    private readonly SqliteValues.ToStorage[] _writers;
    private long _rows;
    private long _deleted;
    private SqliteCommand? _delete;
    private SqliteValues.ToStorage[]? _keyWriters;
    private bool _finished;

    private SqliteStreamWriter(
        SqliteFileConnection owner, SqliteConnection connection, SqliteTransaction transaction, WriteRequest request,
        ImmutableArray<ColumnSchema> columns, StreamSchema? existing, string insertTarget)
    {
        _owner = owner;
        _connection = connection;
        _transaction = transaction;
        _request = request;
        _columns = columns;
        _existing = existing;
        _insertTarget = insertTarget;
        _insert = connection.CreateCommand();
        _insert.Transaction = transaction;
        _insert.CommandText = $"INSERT INTO {insertTarget} ({Names(columns.Select(c => c.Name))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        for (var i = 0; i < columns.Length; i++)
        {
            _insert.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null));
        }

        _insert.Prepare();
        _writers = [.. columns.Select(c => SqliteValues.Writer(c.Type, message => Fail(c.Name, message)))];
    }

    private string Target => Quote(_request.Target.Name);

    public static SqliteStreamWriter Open(SqliteFileConnection owner, SqliteConnection connection, WriteRequest request)
    {
        var transaction = connection.BeginTransaction(deferred: false);
        try
        {
            var existing = owner.Describe(connection, transaction, request.Target);
            var columns = ColumnSpelling.AsExisting(request.Columns, existing);
            var soft = request.DeleteDetection == DeleteDetection.Soft;
            var target = Quote(request.Target.Name);
            string insertTarget;
            switch (request.Mode)
            {
                case WriteMode.FullRefresh when request.Scope is { } scope:
                {
                    // One source's rows in a table several sources fill: the table is kept, the source's old rows deleted
                    // and its new ones inserted, in the write transaction.
                    PrepareTarget(connection, transaction, request, columns, existing, softDelete: false, withKey: true);
                    if (existing is not null)
                    {
                        using var delete = connection.CreateCommand();
                        delete.Transaction = transaction;
                        delete.CommandText = $"DELETE FROM {target} WHERE {Owned(scope, target)}";
                        delete.Parameters.AddWithValue("$scope", scope.Prefix);
                        delete.ExecuteNonQuery();
                    }

                    insertTarget = target;
                    break;
                }

                case WriteMode.FullRefresh:
                {
                    insertTarget = Quote(request.Target.Name + SqliteFileConnection.StagingSuffix);
                    var all = soft && !columns.Any(c => Same(c.Name, request.SoftDeleteColumn))
                        ? [.. columns, new ColumnSchema(request.SoftDeleteColumn, Core.Types.ColumnType.TimestampTz)]
                        : columns;
                    Execute(connection, transaction, $"DROP TABLE IF EXISTS {insertTarget}; CREATE TABLE {insertTarget} ({ColumnList(all, ImmutableArray<string>.Empty)})");
                    break;
                }

                case WriteMode.Merge:
                    PrepareTarget(connection, transaction, request, columns, existing, soft, withKey: true);
                    if (existing is not null && !existing.PrimaryKey.Select(k => k.ToUpperInvariant()).SequenceEqual(request.PrimaryKey.Select(k => k.ToUpperInvariant())))
                    {
                        // ON CONFLICT needs a unique index on exactly the merge key.
                        Execute(connection, transaction, $"CREATE UNIQUE INDEX IF NOT EXISTS {Quote(request.Target.Name + "__nagare_key")} ON {target} ({Names(request.PrimaryKey)})");
                    }

                    insertTarget = MergeStaging;
                    Execute(connection, transaction, $"DROP TABLE IF EXISTS {MergeStaging}; CREATE TEMP TABLE \"nagare_merge_staging\" ({ColumnList(columns, ImmutableArray<string>.Empty)})");
                    break;
                default:
                    PrepareTarget(connection, transaction, request, columns, existing, softDelete: false, withKey: false);
                    insertTarget = target;
                    break;
            }

            return new SqliteStreamWriter(owner, connection, transaction, request, columns, existing, insertTarget);
        }
        catch (SqliteException e)
        {
            transaction.Dispose();
            throw Failure(owner, request, "prepare", e);
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
        var parameters = _insert.Parameters;
        for (var row = 0; row < batch.RowCount; row++)
        {
            if ((row & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            for (var c = 0; c < _writers.Length; c++)
            {
                var vector = batch.Columns[c];
                parameters[c].Value = vector.Nulls[row] ? DBNull.Value : _writers[c](vector, row);
            }

            try
            {
                _insert.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                throw Failure(_owner, _request, $"insert row {batch.FirstRowNumber + row} into", e);
            }
        }

        _rows += batch.RowCount;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Deletes at once, inside the write transaction: the rows to publish are staged apart until commit.</remarks>
    public ValueTask DeleteAsync(ColumnBatch keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_request.Mode == WriteMode.FullRefresh)
        {
            throw new InvalidOperationException($"A full refresh of {_request.Target} replaces the table; there is nothing to delete by key.");
        }

        if (_delete is null)
        {
            var keyColumns = _request.PrimaryKey.Select(k => _columns.First(c => Same(c.Name, k))).ToList();
            _delete = Command($"DELETE FROM {Target} WHERE {string.Join(" AND ", keyColumns.Select((c, i) => $"{Quote(c.Name)} = $k{i.ToString(CultureInfo.InvariantCulture)}"))}");
            for (var i = 0; i < keyColumns.Count; i++)
            {
                _delete.Parameters.Add(new SqliteParameter("$k" + i.ToString(CultureInfo.InvariantCulture), null));
            }

            _delete.Prepare();
            _keyWriters = [.. keyColumns.Select(c => SqliteValues.Writer(c.Type, message => Fail(c.Name, message)))];
        }

        try
        {
            for (var row = 0; row < keys.RowCount; row++)
            {
                for (var i = 0; i < _keyWriters!.Length; i++)
                {
                    _delete.Parameters[i].Value = keys.Columns[i].Nulls[row] ? DBNull.Value : _keyWriters[i](keys.Columns[i], row);
                }

                _deleted += _delete.ExecuteNonQuery();
            }
        }
        catch (SqliteException e)
        {
            throw Failure(_owner, _request, "delete rows from", e);
        }

        return ValueTask.CompletedTask;
    }

    public Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        cancellationToken.ThrowIfCancellationRequested();
        var now = TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        try
        {
            long inserted = _rows, updated = 0, deleted = 0, unchanged = 0;
            switch (_request.Mode)
            {
                case WriteMode.FullRefresh when _request.Scope is null:
                    deleted = Swap(now);
                    break;
                case WriteMode.Merge:
                    (inserted, updated, deleted, unchanged) = Merge(now);
                    break;
            }

            deleted += _deleted;

            if (state is not null)
            {
                using var command = Command($"INSERT OR REPLACE INTO {SqliteFileConnection.StateTable} VALUES ($sync, $key, $json, $now)");
                command.Parameters.AddWithValue("$sync", _request.SyncName);
                command.Parameters.AddWithValue("$key", _request.StateKey);
                command.Parameters.AddWithValue("$json", StreamStateJson.Serialize(state));
                command.Parameters.AddWithValue("$now", now);
                command.ExecuteNonQuery();
            }

            _transaction.Commit();
            _finished = true;
            return Task.FromResult(new WriteResult(_rows, inserted, updated, deleted, unchanged));
        }
        catch (SqliteException e)
        {
            throw Failure(_owner, _request, "commit rows to", e);
        }
    }

    public ValueTask DisposeAsync()
    {
        _finished = true;
        _insert.Dispose();
        _delete?.Dispose();
        _transaction.Dispose();
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private long Swap(string now)
    {
        long deleted = 0;
        var staging = _insertTarget;
        if (_existing is not null && _request.DeleteDetection != DeleteDetection.None)
        {
            var missing = $"NOT EXISTS (SELECT 1 FROM {staging} AS s WHERE {KeyMatch(_request.PrimaryKey, "s", "t")})";
            if (_request.DeleteDetection == DeleteDetection.Hard)
            {
                using var count = Command($"SELECT count(*) FROM {Target} AS t WHERE {missing}");
                deleted = (long)count.ExecuteScalar()!;
            }
            else
            {
                var soft = _request.SoftDeleteColumn;
                var kept = _columns.Where(c => !Same(c.Name, soft)).ToList();
                var values = kept.Select(c => _existing.Columns.Any(e => Same(e.Name, c.Name)) ? "t." + Quote(c.Name) : "NULL");
                var stamp = _existing.Columns.Any(c => Same(c.Name, soft)) ? $"coalesce(t.{Quote(soft)}, $now)" : "$now";
                using var insert = Command($"INSERT INTO {staging} ({Names(kept.Select(c => c.Name).Append(soft))}) SELECT {string.Join(", ", values)}, {stamp} FROM {Target} AS t WHERE {missing}");
                insert.Parameters.AddWithValue("$now", now);
                deleted = insert.ExecuteNonQuery();
            }
        }

        Execute($"DROP TABLE IF EXISTS {Target}; ALTER TABLE {staging} RENAME TO {Target}");
        return deleted;
    }

    /// <summary>
    /// Upserts the staged rows by key; returns (inserted, updated, deleted, unchanged). A stored row whose values all
    /// equal the incoming row's is left alone and counted as unchanged.
    /// </summary>
    private (long Inserted, long Updated, long Deleted, long Unchanged) Merge(string now)
    {
        var keys = _request.PrimaryKey;
        Execute($"DELETE FROM {MergeStaging} WHERE rowid NOT IN (SELECT max(rowid) FROM {MergeStaging} GROUP BY {Names(keys)})");
        var match = KeyMatch(keys, "s", "t");
        var soft = _request.DeleteDetection == DeleteDetection.Soft ? _request.SoftDeleteColumn : null;
        var valueColumns = _columns.Where(c => !keys.Any(k => Same(k, c.Name)) && (soft is null || !Same(c.Name, soft))).ToList();
        var assignments = valueColumns.Select(c => $"{Quote(c.Name)} = excluded.{Quote(c.Name)}").ToList();
        var changed = valueColumns.Select(c => $"{Target}.{Quote(c.Name)} IS NOT excluded.{Quote(c.Name)}").ToList();
        var differs = valueColumns.Select(c => $"t.{Quote(c.Name)} IS NOT s.{Quote(c.Name)}").ToList();
        if (soft is not null)
        {
            assignments.Add($"{Quote(soft)} = NULL");
            changed.Add($"{Target}.{Quote(soft)} IS NOT NULL");
            differs.Add($"t.{Quote(soft)} IS NOT NULL");
        }

        long staged, existing, updated;
        var differsSql = differs.Count == 0 ? "0" : string.Join(" OR ", differs);
        using (var count = Command($"SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM {Target} AS t WHERE {match})), 0), coalesce(sum(EXISTS (SELECT 1 FROM {Target} AS t WHERE {match} AND ({differsSql}))), 0) FROM {MergeStaging} AS s"))
        using (var reader = count.ExecuteReader())
        {
            reader.Read();
            staged = reader.GetInt64(0);
            existing = reader.GetInt64(1);
            updated = reader.GetInt64(2);
        }

        var names = Names(_columns.Select(c => c.Name));
        var action = assignments.Count == 0 ? "DO NOTHING" : $"DO UPDATE SET {string.Join(", ", assignments)} WHERE {string.Join(" OR ", changed)}";
        Execute($"INSERT INTO {Target} ({names}) SELECT {names} FROM {MergeStaging} WHERE true ON CONFLICT ({Names(keys)}) {action}");
        long deleted = 0;
        // Rows another source owns are never this load's deletes.
        var missing = $"{(_request.Scope is { } scope ? Owned(scope, Target) + " AND " : string.Empty)}NOT EXISTS (SELECT 1 FROM {MergeStaging} AS s WHERE {KeyMatch(keys, "s", Target)})";
        if (_request.DeleteDetection == DeleteDetection.Hard)
        {
            using var command = Command($"DELETE FROM {Target} WHERE {missing}");
            AddScope(command);
            deleted = command.ExecuteNonQuery();
        }
        else if (soft is not null)
        {
            using var command = Command($"UPDATE {Target} SET {Quote(soft)} = $now WHERE {Quote(soft)} IS NULL AND {missing}");
            command.Parameters.AddWithValue("$now", now);
            AddScope(command);
            deleted = command.ExecuteNonQuery();
        }

        Execute($"DROP TABLE {MergeStaging}");
        return (staged - existing, updated, deleted, existing - updated);
    }

    private static void PrepareTarget(
        SqliteConnection connection, SqliteTransaction transaction, WriteRequest request, ImmutableArray<ColumnSchema> columns, StreamSchema? existing, bool softDelete, bool withKey)
    {
        var target = Quote(request.Target.Name);
        if (existing is null)
        {
            var all = softDelete && !columns.Any(c => Same(c.Name, request.SoftDeleteColumn))
                ? [.. columns, new ColumnSchema(request.SoftDeleteColumn, Core.Types.ColumnType.TimestampTz)]
                : columns;
            Execute(connection, transaction, $"CREATE TABLE {target} ({ColumnList(all, withKey ? request.PrimaryKey : [])})");
            return;
        }

        var plan = SchemaEvolution.Compare(request.Target, existing.Columns, columns, request.SchemaChanges);
        var sql = new StringBuilder();
        foreach (var added in plan.Added)
        {
            sql.Append($"ALTER TABLE {target} ADD COLUMN {Quote(added.Name)} {SqliteDialect.Instance.TypeName(added.Type)};\n");
        }

        if (softDelete && existing.Columns.All(c => !Same(c.Name, request.SoftDeleteColumn)) && plan.Added.All(c => !Same(c.Name, request.SoftDeleteColumn)))
        {
            sql.Append($"ALTER TABLE {target} ADD COLUMN {Quote(request.SoftDeleteColumn)} TIMESTAMPTZ;\n");
        }

        if (plan.Widened.Count > 0)
        {
            // SQLite cannot change a declared type in place: rebuild the table with the wider types and the same key.
            var widened = plan.Widened.ToDictionary(w => w.Name, w => w.To, StringComparer.OrdinalIgnoreCase);
            var rebuilt = existing.Columns.Select(c => widened.TryGetValue(c.Name, out var to) ? c with { Type = to } : c).ToList();
            var temporary = Quote(request.Target.Name + "__nagare_rebuild");
            var names = Names(existing.Columns.Select(c => c.Name));
            sql.Append($"CREATE TABLE {temporary} ({ColumnList(rebuilt, existing.PrimaryKey)});\n");
            sql.Append($"INSERT INTO {temporary} ({names}) SELECT {names} FROM {target};\n");
            sql.Append($"DROP TABLE {target};\nALTER TABLE {temporary} RENAME TO {target};\n");
        }

        if (sql.Length > 0)
        {
            Execute(connection, transaction, sql.ToString());
        }
    }

    private static string ColumnList(IEnumerable<ColumnSchema> columns, ImmutableArray<string> primaryKey)
    {
        var list = string.Join(", ", columns.Select(c => Quote(c.Name) + " " + SqliteDialect.Instance.TypeName(c.Type)));
        return primaryKey.IsDefaultOrEmpty ? list : list + ", PRIMARY KEY (" + Names(primaryKey) + ")";
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(Quote));

    private static string KeyMatch(IEnumerable<string> keys, string left, string right) =>
        string.Join(" AND ", keys.Select(k => $"{left}.{Quote(k)} = {right}.{Quote(k)}"));

    private static string Quote(string identifier) => DuckDbDialect.Quote(identifier);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static int Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    private static ConnectorException Failure(SqliteFileConnection owner, WriteRequest request, string action, SqliteException e) =>
        new($"Cannot {action} table {request.Target} of {owner.Name}: {e.Message}", e)
        {
            Connection = owner.Name,
            Stream = request.Target.ToString(),
            IsTransient = e.SqliteErrorCode is 5 or 6,
        };

    private int Execute(string sql) => Execute(_connection, _transaction, sql);

    /// <summary>The condition on <paramref name="table"/>'s row that it belongs to the source <paramref name="scope"/> names (parameter <c>$scope</c>).</summary>
    private static string Owned(WriteScope scope, string table) => $"substr({table}.{Quote(scope.Column)}, 1, length($scope)) = $scope";

    private void AddScope(SqliteCommand command)
    {
        if (_request.Scope is { } scope)
        {
            command.Parameters.AddWithValue("$scope", scope.Prefix);
        }
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        return command;
    }

    private ConnectorException Fail(string column, string message) =>
        new($"Cannot write column \"{column}\" of table {_request.Target} of {_owner.Name}: {message}") { Connection = _owner.Name, Stream = _request.Target.ToString() };
}
