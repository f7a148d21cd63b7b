using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MySqlConnector;
using Nagare.Connectors.Common;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.MySql;

/// <summary>
/// Writes one stream. MySQL commits DDL on its own, so tables are created and altered before the write transaction
/// begins, and the rows go in one InnoDB transaction:
/// <list type="bullet">
/// <item>append and incremental insert into the target and store the state in that transaction;</item>
/// <item>merge loads a temporary table keyed like the target (a later row of a key replaces an earlier one), then
/// <c>INSERT … SELECT … ON DUPLICATE KEY UPDATE</c>, deletes and state, all in that transaction;</item>
/// <item>full refresh loads a hidden staging table, then <c>RENAME TABLE</c> swaps it in atomically and the state is
/// stored right after (a crash between the two leaves the new rows with the old state: the next run reads again).</item>
/// </list>
/// Disposing an uncommitted writer rolls the transaction back and drops the staging table.
/// </summary>
internal sealed class MySqlStreamWriter : IKeyDeletingWriter
{
    private const string MergeStaging = "`_nagare_merge_staging`";
    private const int MaxRowsPerStatement = 1000;
    private const int MaxParametersPerStatement = 60_000;
    private const int MaxStatementBytes = 4 * 1024 * 1024;

    private readonly MySqlServerConnection _owner;
    private readonly MySqlSession _session;
    private readonly MySqlTransaction _transaction;
    private readonly WriteRequest _request;
    private readonly ImmutableArray<ColumnSchema> _columns;
    private readonly StreamSchema? _existing;
    private readonly string _target;
    private readonly string _insertTarget;
    private readonly string? _staging;
    private readonly MySqlValueWriter.ToParameter[] _writers;
    private readonly string _insertHead;
    private readonly string _insertTail;
    private long _rows;
    private long _deleted;
    private bool _finished;

    private MySqlStreamWriter(
        MySqlServerConnection owner, MySqlSession session, MySqlTransaction transaction, WriteRequest request,
        ImmutableArray<ColumnSchema> columns, StreamSchema? existing, string insertTarget, string? staging)
    {
        _owner = owner;
        _session = session;
        _transaction = transaction;
        _request = request;
        _columns = columns;
        _existing = existing;
        _target = owner.Table(request.Target);
        _insertTarget = insertTarget;
        _staging = staging;
        _writers = [.. columns.Select(c => MySqlValueWriter.For(c.Type, message => Fail(c.Name, message)))];
        _insertHead = $"INSERT INTO {insertTarget} ({Names(columns.Select(c => c.Name))}) VALUES ";

        // Into the merge staging, a later row of a key replaces the earlier one, as the rows arrived.
        var values = columns.Where(c => !request.PrimaryKey.Any(k => Same(k, c.Name))).Select(c => $"{Quote(c.Name)} = VALUES({Quote(c.Name)})").ToList();
        if (values.Count == 0 && !request.PrimaryKey.IsDefaultOrEmpty)
        {
            // Every column is part of the key: a repeated row changes nothing, but must not fail.
            values.Add($"{Quote(request.PrimaryKey[0])} = VALUES({Quote(request.PrimaryKey[0])})");
        }

        _insertTail = insertTarget == MergeStaging ? " ON DUPLICATE KEY UPDATE " + string.Join(", ", values) : "";
    }

    public static async Task<MySqlStreamWriter> OpenAsync(MySqlServerConnection owner, MySqlSession session, WriteRequest request, CancellationToken cancellationToken)
    {
        var connection = session.Connection;
        var existing = await owner.DescribeAsync(connection, null, request.Target, cancellationToken).ConfigureAwait(false);
        var columns = ColumnSpelling.AsExisting(request.Columns, existing);
        var soft = request.DeleteDetection == DeleteDetection.Soft;
        var target = owner.Table(request.Target);
        string insertTarget;
        string? staging = null;
        switch (request.Mode)
        {
            case WriteMode.FullRefresh when request.Scope is not null:
                // One source's rows in a table several sources fill: the table is evolved, not replaced; the source's old
                // rows are deleted and its new ones inserted in the write transaction (below).
                await PrepareTargetAsync(owner, connection, request, columns, existing, softDelete: false, withKey: true, cancellationToken).ConfigureAwait(false);
                insertTarget = target;
                break;
            case WriteMode.FullRefresh:
            {
                staging = owner.Table(request.Target with { Name = HiddenName("s", request.Target) });
                var all = soft && !columns.Any(c => Same(c.Name, request.SoftDeleteColumn))
                    ? [.. columns, new ColumnSchema(request.SoftDeleteColumn, ColumnType.TimestampTz)]
                    : columns;
                await ExecuteAsync(connection, null, $"DROP TABLE IF EXISTS {staging}", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, null, $"CREATE TABLE {staging} ({ColumnList(all, [])}){TableOptions}", cancellationToken).ConfigureAwait(false);
                insertTarget = staging;
                break;
            }

            case WriteMode.Merge:
                await PrepareTargetAsync(owner, connection, request, columns, existing, soft, withKey: true, cancellationToken).ConfigureAwait(false);
                if (existing is not null && !existing.PrimaryKey.Select(k => k.ToUpperInvariant()).SequenceEqual(request.PrimaryKey.Select(k => k.ToUpperInvariant())))
                {
                    // ON DUPLICATE KEY needs a unique index on exactly the merge key.
                    var index = Quote(HiddenName("k", request.Target));
                    var exists = await ScalarAsync(connection, null, $"SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = {MySqlDialect.Literal(request.Target.Namespace ?? owner.Options.Database)} AND TABLE_NAME = {MySqlDialect.Literal(request.Target.Name)} AND INDEX_NAME = {MySqlDialect.Literal(HiddenName("k", request.Target))}", cancellationToken).ConfigureAwait(false);
                    if (Convert.ToInt64(exists, CultureInfo.InvariantCulture) == 0)
                    {
                        await ExecuteAsync(connection, null, $"CREATE UNIQUE INDEX {index} ON {target} ({Names(request.PrimaryKey)})", cancellationToken).ConfigureAwait(false);
                    }
                }

                insertTarget = MergeStaging;
                break;
            default:
                await PrepareTargetAsync(owner, connection, request, columns, existing, softDelete: false, withKey: false, cancellationToken).ConfigureAwait(false);
                insertTarget = target;
                break;
        }

        await owner.EnsureStateTableAsync(connection, cancellationToken).ConfigureAwait(false);
        if (staging is null)
        {
            // Described again: the table may have been created or altered above.
            existing = await owner.DescribeAsync(connection, null, request.Target, cancellationToken).ConfigureAwait(false) ?? existing;
        }

        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        try
        {
            if (request.Mode == WriteMode.FullRefresh && request.Scope is { } scope && existing is not null)
            {
                await ExecuteAsync(connection, transaction, $"DELETE t FROM {target} AS t WHERE {Owned(scope, "t")}", cancellationToken).ConfigureAwait(false);
            }

            if (insertTarget == MergeStaging)
            {
                // A temporary table does not end the transaction, and goes away with the session.
                var keyed = columns.Select(c => request.PrimaryKey.Any(k => Same(k, c.Name)) ? c with { Nullable = false } : c);
                await ExecuteAsync(connection, transaction, $"DROP TEMPORARY TABLE IF EXISTS {MergeStaging}", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, $"CREATE TEMPORARY TABLE {MergeStaging} ({ColumnList(keyed, request.PrimaryKey)}){TableOptions}", cancellationToken).ConfigureAwait(false);
            }

            return new MySqlStreamWriter(owner, session, transaction, request, columns, existing, insertTarget, staging);
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string TableOptions => " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

    public async ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_finished, this);
        var perStatement = Math.Max(1, Math.Min(MaxRowsPerStatement, MaxParametersPerStatement / Math.Max(1, _columns.Length)));
        var sql = new StringBuilder();
        await using var command = new MySqlCommand(null, _session.Connection, _transaction);
        var rowsInStatement = 0;
        var bytes = 0;
        var firstRow = 0;
        for (var row = 0; row < batch.RowCount; row++)
        {
            sql.Append(rowsInStatement == 0 ? _insertHead : ", ").Append('(');
            for (var c = 0; c < _writers.Length; c++)
            {
                var vector = batch.Columns[c];
                var value = vector.Nulls[row] ? DBNull.Value : _writers[c](vector, row);
                var name = "@p" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
                command.Parameters.AddWithValue(name, value);
                bytes += MySqlValueWriter.Size(value);
                sql.Append(c == 0 ? "" : ", ").Append(name);
            }

            sql.Append(')');
            rowsInStatement++;
            if (rowsInStatement >= perStatement || bytes >= MaxStatementBytes || row == batch.RowCount - 1)
            {
                command.CommandText = sql.Append(_insertTail).ToString();
                try
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (MySqlException e)
                {
                    var rows = rowsInStatement == 1
                        ? $"row {batch.FirstRowNumber + row}"
                        : $"rows {batch.FirstRowNumber + firstRow}–{batch.FirstRowNumber + row}";
                    throw Failure($"insert {rows} into", e);
                }

                command.Parameters.Clear();
                sql.Clear();
                rowsInStatement = 0;
                bytes = 0;
                firstRow = row + 1;
            }
        }

        _rows += batch.RowCount;
    }

    /// <inheritdoc/>
    /// <remarks>Deletes at once, inside the write transaction: the rows to publish are staged apart until commit.</remarks>
    public async ValueTask DeleteAsync(ColumnBatch keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_request.Mode == WriteMode.FullRefresh)
        {
            throw new InvalidOperationException($"A full refresh of {_request.Target} replaces the table; there is nothing to delete by key.");
        }

        var keyColumns = _request.PrimaryKey.Select(k => _columns.First(c => Same(c.Name, k))).ToList();
        var writers = keyColumns.Select(c => MySqlValueWriter.For(c.Type, message => Fail(c.Name, message))).ToArray();
        var match = string.Join(" AND ", keyColumns.Select((c, i) => $"{Quote(c.Name)} <=> @k{i.ToString(CultureInfo.InvariantCulture)}"));
        await using var command = new MySqlCommand($"DELETE FROM {_target} WHERE {match}", _session.Connection, _transaction);
        for (var i = 0; i < keyColumns.Count; i++)
        {
            command.Parameters.Add(new MySqlParameter("@k" + i.ToString(CultureInfo.InvariantCulture), null));
        }

        try
        {
            for (var row = 0; row < keys.RowCount; row++)
            {
                for (var i = 0; i < writers.Length; i++)
                {
                    command.Parameters[i].Value = keys.Columns[i].Nulls[row] ? DBNull.Value : writers[i](keys.Columns[i], row);
                }

                _deleted += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (MySqlException e)
        {
            throw Failure("delete rows from", e);
        }
    }

    public async Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        var now = DateTime.SpecifyKind(_owner.Now.UtcDateTime, DateTimeKind.Unspecified);
        try
        {
            long inserted = _rows, updated = 0, deleted = 0, unchanged = 0;
            switch (_request.Mode)
            {
                case WriteMode.FullRefresh when _staging is not null:
                    deleted = await KeepSoftDeletedAsync(now, cancellationToken).ConfigureAwait(false);
                    await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    _finished = true;
                    await SwapAsync(cancellationToken).ConfigureAwait(false);
                    if (state is not null)
                    {
                        await using var stateTransaction = await _session.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                        await _owner.SaveStateAsync(_session.Connection, stateTransaction, _request.SyncName, _request.StateKey, state, cancellationToken).ConfigureAwait(false);
                        await stateTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return new WriteResult(_rows, inserted, 0, deleted, 0);
                case WriteMode.Merge:
                    (inserted, updated, deleted, unchanged) = await MergeAsync(now, cancellationToken).ConfigureAwait(false);
                    break;
            }

            if (state is not null)
            {
                await _owner.SaveStateAsync(_session.Connection, _transaction, _request.SyncName, _request.StateKey, state, cancellationToken).ConfigureAwait(false);
            }

            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _finished = true;
            return new WriteResult(_rows, inserted, updated, deleted + _deleted, unchanged);
        }
        catch (MySqlException e)
        {
            throw Failure("commit rows to", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_finished)
            {
                _finished = true;
                await _transaction.RollbackAsync().ConfigureAwait(false);
            }

            if (_staging is not null)
            {
                await ExecuteAsync(_session.Connection, null, $"DROP TABLE IF EXISTS {_staging}", CancellationToken.None).ConfigureAwait(false);
            }

            if (_insertTarget == MergeStaging)
            {
                await ExecuteAsync(_session.Connection, null, $"DROP TEMPORARY TABLE IF EXISTS {MergeStaging}", CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException)
        {
            // A broken session: the pool discards it, and with it the transaction and the temporary table.
        }
        finally
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
            await _session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A hidden table or index name for <paramref name="table"/>: <c>_nagare_{kind}_</c> and a hash, so it fits 64 characters whatever the table's name.</summary>
    internal static string HiddenName(string kind, StreamId table)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(table.ToString())))[..16];
        return $"{MySqlServerConnection.InternalPrefix}{kind}_{hash}";
    }

    /// <summary>For a full refresh with delete detection: rows of the old table missing from the new rows (hard: counted; soft: kept, stamped).</summary>
    private async Task<long> KeepSoftDeletedAsync(DateTime now, CancellationToken cancellationToken)
    {
        if (_existing is null || _request.DeleteDetection == DeleteDetection.None)
        {
            return 0;
        }

        var missing = $"NOT EXISTS (SELECT 1 FROM {_staging} AS s WHERE {KeyMatch(_request.PrimaryKey, "s", "t")})";
        if (_request.DeleteDetection == DeleteDetection.Hard)
        {
            return Convert.ToInt64(await ScalarAsync(_session.Connection, _transaction, $"SELECT COUNT(*) FROM {_target} AS t WHERE {missing}", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        var soft = _request.SoftDeleteColumn;
        var kept = _columns.Where(c => !Same(c.Name, soft)).ToList();
        var values = kept.Select(c => _existing.Columns.Any(e => Same(e.Name, c.Name)) ? "t." + Quote(c.Name) : "NULL");
        var stamp = _existing.Columns.Any(c => Same(c.Name, soft)) ? $"COALESCE(t.{Quote(soft)}, @now)" : "@now";
        await using var insert = new MySqlCommand(
            $"INSERT INTO {_staging} ({Names(kept.Select(c => c.Name).Append(soft))}) SELECT {string.Join(", ", values)}, {stamp} FROM {_target} AS t WHERE {missing}",
            _session.Connection,
            _transaction);
        insert.Parameters.AddWithValue("@now", now);
        return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts the staging table in the target's place in one atomic RENAME TABLE, then drops the old table.</summary>
    private async Task SwapAsync(CancellationToken cancellationToken)
    {
        if (_existing is null)
        {
            await ExecuteAsync(_session.Connection, null, $"RENAME TABLE {_staging} TO {_target}", cancellationToken).ConfigureAwait(false);
            return;
        }

        var old = _owner.Table(_request.Target with { Name = HiddenName("o", _request.Target) });
        await ExecuteAsync(_session.Connection, null, $"DROP TABLE IF EXISTS {old}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(_session.Connection, null, $"RENAME TABLE {_target} TO {old}, {_staging} TO {_target}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(_session.Connection, null, $"DROP TABLE {old}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Upserts the staged rows by key; returns (inserted, updated, deleted, unchanged). A stored row whose values all
    /// equal the incoming row's (NULL-safe) is left alone and counted as unchanged.
    /// </summary>
    private async Task<(long Inserted, long Updated, long Deleted, long Unchanged)> MergeAsync(DateTime now, CancellationToken cancellationToken)
    {
        var keys = _request.PrimaryKey;
        var match = KeyMatch(keys, "s", "t");
        var soft = _request.DeleteDetection == DeleteDetection.Soft ? _request.SoftDeleteColumn : null;
        var valueColumns = _columns.Where(c => !keys.Any(k => Same(k, c.Name)) && (soft is null || !Same(c.Name, soft))).ToList();
        var differs = valueColumns.Select(c => $"NOT (t.{Quote(c.Name)} <=> s.{Quote(c.Name)})").ToList();
        var assignments = valueColumns.Select(c => $"{Quote(c.Name)} = VALUES({Quote(c.Name)})").ToList();
        if (soft is not null)
        {
            differs.Add($"t.{Quote(soft)} IS NOT NULL");
            assignments.Add($"{Quote(soft)} = NULL");
        }

        long staged, existing, updated;
        var differsSql = differs.Count == 0 ? "FALSE" : string.Join(" OR ", differs);
        await using (var count = new MySqlCommand(
            $"SELECT COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM {_target} AS t WHERE {match})), 0), " +
            $"COALESCE(SUM(EXISTS (SELECT 1 FROM {_target} AS t WHERE {match} AND ({differsSql}))), 0) FROM {MergeStaging} AS s",
            _session.Connection,
            _transaction))
        await using (var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            staged = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            existing = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            updated = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
        }

        var names = Names(_columns.Select(c => c.Name));
        var action = assignments.Count == 0
            ? $" ON DUPLICATE KEY UPDATE {Quote(keys[0])} = VALUES({Quote(keys[0])})"
            : " ON DUPLICATE KEY UPDATE " + string.Join(", ", assignments);
        await ExecuteAsync(_session.Connection, _transaction, $"INSERT INTO {_target} ({names}) SELECT {names} FROM {MergeStaging}{action}", cancellationToken).ConfigureAwait(false);
        long deleted = 0;
        // Rows another source owns are never this load's deletes.
        var missing = $"{(_request.Scope is { } scope ? Owned(scope, "t") + " AND " : string.Empty)}NOT EXISTS (SELECT 1 FROM {MergeStaging} AS s WHERE {KeyMatch(keys, "s", "t")})";
        if (_request.DeleteDetection == DeleteDetection.Hard)
        {
            deleted = await ExecuteAsync(_session.Connection, _transaction, $"DELETE t FROM {_target} AS t WHERE {missing}", cancellationToken).ConfigureAwait(false);
        }
        else if (soft is not null)
        {
            await using var command = new MySqlCommand($"UPDATE {_target} AS t SET t.{Quote(soft)} = @now WHERE t.{Quote(soft)} IS NULL AND {missing}", _session.Connection, _transaction);
            command.Parameters.AddWithValue("@now", now);
            deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return (staged - existing, updated, deleted, existing - updated);
    }

    /// <summary>The condition on <paramref name="alias"/>'s row that it belongs to the source <paramref name="scope"/> names.</summary>
    private static string Owned(WriteScope scope, string alias)
    {
        var prefix = MySqlDialect.Literal(scope.Prefix);
        return $"LEFT({alias}.{Quote(scope.Column)}, CHAR_LENGTH({prefix})) = {prefix}";
    }

    private static async Task PrepareTargetAsync(
        MySqlServerConnection owner, MySqlConnection connection, WriteRequest request, ImmutableArray<ColumnSchema> columns, StreamSchema? existing,
        bool softDelete, bool withKey, CancellationToken cancellationToken)
    {
        var target = owner.Table(request.Target);
        if (existing is null)
        {
            var all = softDelete && !columns.Any(c => Same(c.Name, request.SoftDeleteColumn))
                ? [.. columns, new ColumnSchema(request.SoftDeleteColumn, ColumnType.TimestampTz)]
                : columns;
            await ExecuteAsync(connection, null, $"CREATE TABLE IF NOT EXISTS {target} ({ColumnList(all, withKey ? request.PrimaryKey : [])}){TableOptions}", cancellationToken).ConfigureAwait(false);
            return;
        }

        var stored = columns.Select(c => c with { Type = MySqlDialect.StoredType(c.Type) }).ToList();
        var plan = SchemaEvolution.Compare(request.Target, existing.Columns, stored, request.SchemaChanges);
        var changes = new List<string>();
        changes.AddRange(plan.Added.Select(added => $"ADD COLUMN {Quote(added.Name)} {MySqlDialect.Instance.TypeName(columns.First(c => c.Name == added.Name).Type)}"));
        if (softDelete && existing.Columns.All(c => !Same(c.Name, request.SoftDeleteColumn)) && plan.Added.All(c => !Same(c.Name, request.SoftDeleteColumn)))
        {
            changes.Add($"ADD COLUMN {Quote(request.SoftDeleteColumn)} DATETIME(6)");
        }

        changes.AddRange(plan.Widened.Select(w => $"MODIFY COLUMN {Quote(w.Name)} {MySqlDialect.Instance.TypeName(w.To)}"));
        if (changes.Count > 0)
        {
            await ExecuteAsync(connection, null, $"ALTER TABLE {target} {string.Join(", ", changes)}", cancellationToken).ConfigureAwait(false);
        }
    }

    private static string ColumnList(IEnumerable<ColumnSchema> columns, ImmutableArray<string> primaryKey)
    {
        var keyCount = primaryKey.IsDefaultOrEmpty ? 0 : primaryKey.Length;
        var list = string.Join(", ", columns.Select(c =>
        {
            var key = keyCount > 0 && primaryKey.Any(k => Same(k, c.Name));
            var type = key ? MySqlDialect.Instance.KeyTypeName(c.Type, keyCount) : MySqlDialect.Instance.TypeName(c.Type);
            return Quote(c.Name) + " " + type + (key || !c.Nullable ? " NOT NULL" : " NULL");
        }));
        return keyCount == 0 ? list : list + ", PRIMARY KEY (" + Names(primaryKey) + ")";
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(Quote));

    private static string KeyMatch(IEnumerable<string> keys, string left, string right) =>
        string.Join(" AND ", keys.Select(k => $"{left}.{Quote(k)} = {right}.{Quote(k)}"));

    private static string Quote(string identifier) => MySqlDialect.Quote(identifier);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static async Task<int> ExecuteAsync(MySqlConnection connection, MySqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection, transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(MySqlConnection connection, MySqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private ConnectorException Failure(string action, MySqlException e)
    {
        var translated = _owner.Translate(e, $"{action} table {_request.Target}", _request.Target.ToString());
        return translated;
    }

    private ConnectorException Fail(string column, string message) =>
        new($"Cannot write column '{column}' of table {_request.Target} of {_owner.Name}: {message}") { Connection = _owner.Name, Stream = _request.Target.ToString() };
}
