using Nagare.Connectors.Common;
using System.Text;
using System.Text.RegularExpressions;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Npgsql;
using NpgsqlTypes;

namespace Nagare.Connectors.Postgres;

/// <summary>
/// One stream's write, in ONE transaction from open to commit: DDL (create, evolve, staging), binary COPY of the
/// rows, publishing (swap, insert or upsert, delete detection) and the sync state. A killed run or a disposed
/// uncommitted writer rolls it all back.
/// </summary>
internal sealed partial class PostgresStreamWriter : IKeyDeletingWriter
{
    private const string TempStage = "_nagare_stage";

    /// <summary>Staged rows from which statistics are worth gathering before publishing.</summary>
    private const long AnalyzeThreshold = 10_000;

    private readonly PostgresConnection _owner;
    private readonly PostgresSession _session;
    private readonly WriteRequest _request;
    private readonly string _target;
    private readonly string _columnList;
    private readonly PostgresColumnWriter[] _writers;
    private readonly List<(long FirstLine, int Rows, long FirstRowNumber, string? Origin)> _batches = [];
    private NpgsqlTransaction? _transaction;
    private PostgresCopyWriter? _copy;
    private StreamSchema? _existing;
    private string _copyTarget = "";
    private string? _fullRefreshStaging;
    private bool _hasSoftColumn;
    private bool _keyPending;
    private long _rows;
    private int? _chunk;
    private string? _chunkStaging;
    private StreamState? _checkpoint;
    private Action<int>? _chunkCommitted;
    private string? _publishFrom;
    private readonly List<ColumnBatch> _deletes = [];
    private bool _failed;
    private bool _committed;

    public PostgresStreamWriter(PostgresConnection owner, PostgresSession session, WriteRequest request)
    {
        _owner = owner;
        _session = session;
        _request = request;
        _target = PostgresDialect.Instance.QuoteTable(request.Target.Namespace, request.Target.Name);
        _columnList = string.Join(", ", request.Columns.Select(c => PostgresDialect.Quote(c.Name)));
        _writers = [.. request.Columns.Select(c => PostgresColumnWriter.Create(c.Type))];
    }

    private NpgsqlConnection Connection => _session.Connection;

    /// <summary>A writer staging one chunk of a chunked load into <paramref name="staging"/> with its checkpoint.</summary>
    public static PostgresStreamWriter ForChunk(PostgresConnection owner, PostgresSession session, WriteRequest request, string staging, int chunk, StreamState checkpoint, Action<int> committed) =>
        new(owner, session, request) { _chunk = chunk, _chunkStaging = staging, _checkpoint = checkpoint, _chunkCommitted = committed };

    /// <summary>A writer publishing every staged chunk of <paramref name="staging"/> into the target with the request's mode, then dropping the staging.</summary>
    public static PostgresStreamWriter ForPublish(PostgresConnection owner, PostgresSession session, WriteRequest request, string staging) =>
        new(owner, session, request) { _publishFrom = staging };

    private bool SoftDeletes => _request.DeleteDetection == DeleteDetection.Soft;

    /// <summary>A full refresh of one source's rows in a table several sources fill: the others' rows stay.</summary>
    private bool ScopedRefresh => _request.Mode == WriteMode.FullRefresh && _request.Scope is not null;

    /// <summary>Checks a request before any session is taken.</summary>
    public static void Validate(WriteRequest request)
    {
        var target = request.Target.ToString();
        if (request.ProblemFor(PostgresConnection.DestinationCapabilities) is { } problem)
        {
            throw new ConnectorException(problem) { Stream = target };
        }

        PostgresDialect.EnsureFits(request.Target.Name, "table");
        if (request.Target.Namespace is { } schema)
        {
            PostgresDialect.EnsureFits(schema, "schema");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in request.Columns)
        {
            PostgresDialect.EnsureFits(column.Name, "column");
            if (!names.Add(column.Name))
            {
                throw new ConnectorException($"Writing {target}: column '{column.Name}' appears twice.") { Stream = target };
            }
        }

        foreach (var key in request.PrimaryKey.IsDefault ? [] : request.PrimaryKey)
        {
            if (!names.Contains(key))
            {
                throw new ConnectorException($"Writing {target}: primary key column '{key}' is not among the written columns.") { Stream = target };
            }
        }

        if (request.DeleteDetection == DeleteDetection.Soft)
        {
            PostgresDialect.EnsureFits(request.SoftDeleteColumn, "column");
        }
    }

    /// <summary>Begins the transaction, prepares the target and staging, and starts the COPY.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            _transaction = await Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // Loads may legitimately run longer than the read statement_timeout.
            await ExecuteAsync("SET LOCAL statement_timeout = 0", cancellationToken).ConfigureAwait(false);
            if (_chunk is { } chunk)
            {
                // A failed earlier attempt at this chunk was rolled back; this only guards against a stale checkpoint.
                await ExecuteAsync($"DELETE FROM {_chunkStaging} WHERE {PostgresDialect.ChunkColumn} = {chunk}", cancellationToken).ConfigureAwait(false);
                _copyTarget = _chunkStaging!;
                await BeginCopyAsync($"COPY {_copyTarget} ({_columnList}, {PostgresDialect.ChunkColumn}) FROM STDIN (FORMAT BINARY)", chunk, cancellationToken).ConfigureAwait(false);
                return;
            }

            _existing = await _owner.DescribeAsync(Connection, _transaction, _request.Target, cancellationToken).ConfigureAwait(false);
            if (_existing is null && _request.Target.Namespace is { } schema && !await SchemaExistsAsync(schema, cancellationToken).ConfigureAwait(false))
            {
                // Created outside the load's transaction: loads of several tables into one new schema would
                // otherwise wait on each other's uncommitted CREATE SCHEMA and then fail on its duplicate name.
                await _transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                await _transaction.DisposeAsync().ConfigureAwait(false);
                _transaction = null;
                await CreateSchemaAsync(schema, cancellationToken).ConfigureAwait(false);
                _transaction = await Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync("SET LOCAL statement_timeout = 0", cancellationToken).ConfigureAwait(false);
            }

            if (_request.Mode == WriteMode.FullRefresh && !ScopedRefresh)
            {
                await PrepareFullRefreshAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await PrepareTargetAsync(cancellationToken).ConfigureAwait(false);
            }

            if (_publishFrom is null)
            {
                await BeginCopyAsync($"COPY {_copyTarget} ({_columnList}) FROM STDIN (FORMAT BINARY)", null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            _failed = true;
            throw _owner.Translate(e, "preparing the write", _request.Target.ToString());
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(ColumnBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        EnsureWritable();
        if (batch.Columns.Length != _writers.Length)
        {
            _failed = true;
            throw new ConnectorException($"Writing {_request.Target}: the batch has {batch.Columns.Length} columns but the writer was opened for {_writers.Length}.") { Stream = _request.Target.ToString() };
        }

        if (_copy is null)
        {
            throw new InvalidOperationException($"This writer publishes staged chunks of {_request.Target}; it takes no rows.");
        }

        _batches.Add((_rows + 1, batch.RowCount, batch.FirstRowNumber, batch.Origin));
        var copy = _copy;
        try
        {
            await copy.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException or ArgumentException or FormatException or NotSupportedException)
        {
            _failed = true;
            throw BadValue(_rows + copy.Row + 1, _request.Columns[Math.Min(copy.Column, _writers.Length - 1)].Name, e.Message.TrimEnd('.'), e);
        }
        catch (PostgresException e)
        {
            _failed = true;
            throw CopyError(e);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            _failed = true;
            throw _owner.Translate(e, "writing rows", _request.Target.ToString());
        }

        _rows += batch.RowCount;
    }

    /// <inheritdoc/>
    public async Task<WriteResult> CommitAsync(StreamState? state, CancellationToken cancellationToken)
    {
        EnsureWritable();
        try
        {
            if (_copy is not null)
            {
                try
                {
                    var copy = _copy;
                    _copy = null;
                    try
                    {
                        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        await copy.DisposeAsync().ConfigureAwait(false);
                    }
                }
                catch (PostgresException e)
                {
                    throw CopyError(e);
                }
            }

            if (_chunk is { } chunk)
            {
                var chunkState = _checkpoint! with { CompletedChunks = [chunk], Extra = state is null ? _checkpoint.Extra : _checkpoint.Extra.SetItems(state.Extra) };
                await SaveStateAsync(PostgresDialect.SaveCheckpointCommand, chunkState, cancellationToken).ConfigureAwait(false);
                await _transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
                _committed = true;
                _chunkCommitted?.Invoke(chunk);
                return new WriteResult(_rows, _rows);
            }

            if (_publishFrom is not null)
            {
                await using var copy = _owner.Command(Connection, $"INSERT INTO {_copyTarget} ({_columnList}) SELECT {_columnList} FROM {_publishFrom} ORDER BY {PostgresDialect.ChunkColumn}", _transaction);
                _rows = await copy.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var deleted = await DeleteKeysAsync(cancellationToken).ConfigureAwait(false);
            var result = _request.Mode switch
            {
                // This source's old rows were deleted before the copy; its new ones are in place or staged.
                WriteMode.FullRefresh when ScopedRefresh => await PublishAppendAsync(cancellationToken).ConfigureAwait(false),
                WriteMode.FullRefresh => await PublishFullRefreshAsync(cancellationToken).ConfigureAwait(false),
                WriteMode.Merge => await PublishMergeAsync(cancellationToken).ConfigureAwait(false),
                _ => await PublishAppendAsync(cancellationToken).ConfigureAwait(false),
            };
            result = result with { RowsDeleted = result.RowsDeleted + deleted };
            if (state is not null)
            {
                await SaveStateAsync(PostgresDialect.SaveStateCommand, state, cancellationToken).ConfigureAwait(false);
            }

            if (_publishFrom is not null)
            {
                await ExecuteAsync($"DROP TABLE {_publishFrom}", cancellationToken).ConfigureAwait(false);
            }

            await _transaction!.CommitAsync(cancellationToken).ConfigureAwait(false);
            _committed = true;
            return result;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            _failed = true;
            throw _owner.Translate(e, "committing the write", _request.Target.ToString());
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The rows' COPY holds the session until commit, so the keys are kept until then, copied into a temporary table
    /// and deleted with one statement before the rows are published.
    /// </remarks>
    public ValueTask DeleteAsync(ColumnBatch keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        EnsureWritable();
        if (_request.Mode == WriteMode.FullRefresh || _chunk is not null)
        {
            throw new InvalidOperationException($"This write of {_request.Target} replaces the table or stages a chunk; there is nothing to delete by key.");
        }

        if (keys.RowCount > 0)
        {
            _deletes.Add(keys.Copy());
        }

        return ValueTask.CompletedTask;
    }

    private async Task<long> DeleteKeysAsync(CancellationToken cancellationToken)
    {
        // A table this write created holds only this write's rows: no key to delete can be in it.
        if (_deletes.Count == 0 || _keyPending || _existing is null)
        {
            return 0;
        }

        const string KeyTable = "_nagare_deletes";
        var keyColumns = _request.PrimaryKey.Select(k => _request.Columns.First(c => c.Name == k)).ToList();
        var definitions = string.Join(", ", keyColumns.Select(c => $"{PostgresDialect.Quote(c.Name)} {PostgresDialect.Instance.TypeName(c.Type)}"));
        await ExecuteAsync($"CREATE TEMP TABLE {PostgresDialect.Quote(KeyTable)} ({definitions}) ON COMMIT DROP", cancellationToken).ConfigureAwait(false);
        _owner.CountCommand();
        var stream = await Connection.BeginRawBinaryCopyAsync(
            $"COPY {PostgresDialect.Quote(KeyTable)} ({string.Join(", ", keyColumns.Select(c => PostgresDialect.Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (var copy = new PostgresCopyWriter(stream, [.. keyColumns.Select(c => PostgresColumnWriter.Create(c.Type))], null))
        {
            foreach (var batch in _deletes)
            {
                await copy.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        _deletes.Clear();
        await using var command = _owner.Command(Connection, $"DELETE FROM {_target} AS t USING {PostgresDialect.Quote(KeyTable)} AS d WHERE {KeyMatch("d", "t")}", _transaction);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            try
            {
                // Disposing an unfinished COPY cancels it; the transaction is rolled back below.
                await _copy.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                // The session is discarded below if the cancel left it broken.
            }

            _copy = null;
        }

        if (_transaction is not null)
        {
            try
            {
                await _transaction.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                // Rollback failed because the session broke; the server rolls back when the session ends.
            }

            _transaction = null;
        }

        await _session.DisposeAsync().ConfigureAwait(false);
    }

    private async Task BeginCopyAsync(string sql, int? chunk, CancellationToken cancellationToken)
    {
        _owner.CountCommand();
        var stream = await Connection.BeginRawBinaryCopyAsync(sql, cancellationToken).ConfigureAwait(false);
        _copy = new PostgresCopyWriter(stream, _writers, chunk);
    }

    private async Task SaveStateAsync(string sql, StreamState state, CancellationToken cancellationToken)
    {
        await using var command = _owner.Command(Connection, sql, _transaction);
        command.Parameters.Add(new NpgsqlParameter("sync", NpgsqlDbType.Text) { Value = _request.SyncName });
        command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = _request.StateKey });
        command.Parameters.Add(new NpgsqlParameter("state", NpgsqlDbType.Jsonb) { Value = StreamStateJson.Serialize(state) });
        command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = _owner.Now });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task PrepareFullRefreshAsync(CancellationToken cancellationToken)
    {
        if (_existing is not null && _request.SchemaChanges == SchemaChangePolicy.Fail)
        {
            SchemaEvolution.Compare(_request.Target, _existing.Columns, StoredColumns(), SchemaChangePolicy.Fail);
        }

        _fullRefreshStaging = PostgresDialect.Instance.SanitizeIdentifier(_request.Target.Name + "_nagare_new");
        var staging = PostgresDialect.Instance.QuoteTable(_request.Target.Namespace, _fullRefreshStaging);
        _hasSoftColumn = SoftDeletes;
        await ExecuteAsync($"DROP TABLE IF EXISTS {staging}; CREATE TABLE {staging} ({ColumnDefinitions(SoftDeletes, key: false)})", cancellationToken).ConfigureAwait(false);
        _copyTarget = staging;
    }

    private async Task PrepareTargetAsync(CancellationToken cancellationToken)
    {
        var direct = _request.Mode != WriteMode.Merge;
        var softNeeded = SoftDeletes && _request.Mode == WriteMode.Merge;
        if (_existing is null)
        {
            // A merge into a table created here copies straight into it and adds the key afterwards: one bulk index
            // build instead of a staging table, an upsert and per-row index maintenance.
            _keyPending = _request.Mode == WriteMode.Merge;
            await ExecuteAsync($"CREATE TABLE {_target} ({ColumnDefinitions(softNeeded, key: !_keyPending)})", cancellationToken).ConfigureAwait(false);
            _hasSoftColumn = softNeeded;
            direct = true;
        }
        else
        {
            var plan = SchemaEvolution.Compare(_request.Target, _existing.Columns, StoredColumns(), _request.SchemaChanges);
            var changes = new StringBuilder();
            foreach (var added in plan.Added)
            {
                changes.Append($"ALTER TABLE {_target} ADD COLUMN {PostgresDialect.Quote(added.Name)} {PostgresDialect.Instance.TypeName(added.Type)};");
            }

            foreach (var widened in plan.Widened)
            {
                var name = PostgresDialect.Quote(widened.Name);
                var type = PostgresDialect.Instance.TypeName(widened.To);
                changes.Append($"ALTER TABLE {_target} ALTER COLUMN {name} TYPE {type} USING {name}::{type};");
            }

            _hasSoftColumn = _existing.Find(_request.SoftDeleteColumn) is not null;
            if (softNeeded && !_hasSoftColumn)
            {
                changes.Append($"ALTER TABLE {_target} ADD COLUMN {PostgresDialect.Quote(_request.SoftDeleteColumn)} timestamptz;");
                _hasSoftColumn = true;
            }

            if (changes.Length > 0)
            {
                await ExecuteAsync(changes.ToString(), cancellationToken).ConfigureAwait(false);
            }

            if (_request.Mode == WriteMode.Merge)
            {
                await EnsureUniqueKeyAsync(cancellationToken).ConfigureAwait(false);
            }

            direct = direct && plan.Widened.Count == 0 && _request.Columns.All(c =>
                _existing.Find(c.Name) is not { } current ||
                string.Equals(current.NativeType, PostgresDialect.Instance.FormatTypeName(c.Type), StringComparison.Ordinal));
        }

        if (ScopedRefresh && _existing is not null)
        {
            // This source's old rows go in the load's transaction; its new ones are appended after them.
            await using var delete = _owner.Command(Connection, $"DELETE FROM {_target} AS t WHERE {Owned("t")}", _transaction);
            AddScope(delete);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (direct)
        {
            _copyTarget = _target;
            return;
        }

        await ExecuteAsync($"CREATE TEMP TABLE {PostgresDialect.Quote(TempStage)} ({ColumnDefinitions(soft: false, key: false)}) ON COMMIT DROP", cancellationToken).ConfigureAwait(false);
        _copyTarget = PostgresDialect.Quote(TempStage);
    }

    private async Task EnsureUniqueKeyAsync(CancellationToken cancellationToken)
    {
        await using var command = _owner.Command(Connection, PostgresDialect.UniqueKeyExistsQuery, _transaction);
        command.Parameters.Add(new NpgsqlParameter("schema", NpgsqlDbType.Text) { Value = _request.Target.Namespace ?? "public" });
        command.Parameters.Add(new NpgsqlParameter("table", NpgsqlDbType.Text) { Value = _request.Target.Name });
        command.Parameters.Add(new NpgsqlParameter("columns", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _request.PrimaryKey.Order(StringComparer.Ordinal).ToArray() });
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
        {
            throw new ConnectorException($"Merging into {_request.Target} needs a primary key or unique index on ({string.Join(", ", _request.PrimaryKey)}), and the table has none.")
            {
                Stream = _request.Target.ToString(),
                Hint = $"Add one: ALTER TABLE {_target} ADD PRIMARY KEY ({KeyList()});",
            };
        }
    }

    private async Task<WriteResult> PublishFullRefreshAsync(CancellationToken cancellationToken)
    {
        var staging = PostgresDialect.Instance.QuoteTable(_request.Target.Namespace, _fullRefreshStaging!);
        long deleted = 0;
        if (SoftDeletes && _existing is not null)
        {
            // Rows gone from the source stay, marked deleted (keeping the time they were first seen gone).
            var common = _request.Columns.Where(c => _existing.Find(c.Name) is not null).Select(c => PostgresDialect.Quote(c.Name)).ToList();
            var soft = PostgresDialect.Quote(_request.SoftDeleteColumn);
            var deletedAt = _existing.Find(_request.SoftDeleteColumn) is not null ? $"COALESCE(o.{soft}, @now)" : "@now";
            await using var command = _owner.Command(
                Connection,
                $"INSERT INTO {staging} ({string.Join(", ", common)}, {soft}) SELECT {string.Join(", ", common.Select(c => "o." + c))}, {deletedAt} FROM {_target} AS o WHERE NOT EXISTS (SELECT 1 FROM {staging} AS s WHERE {KeyMatch("s", "o")})",
                _transaction);
            command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = _owner.Now });
            deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var sql = new StringBuilder($"DROP TABLE IF EXISTS {_target};");
        if (!_request.PrimaryKey.IsDefaultOrEmpty)
        {
            var constraint = PostgresDialect.Quote(PostgresDialect.Instance.SanitizeIdentifier(_request.Target.Name + "_pkey"));
            sql.Append($"ALTER TABLE {staging} ADD CONSTRAINT {constraint} PRIMARY KEY ({KeyList()});");
        }

        sql.Append($"ALTER TABLE {staging} RENAME TO {PostgresDialect.Quote(_request.Target.Name)};");
        await ExecuteAsync(sql.ToString(), cancellationToken).ConfigureAwait(false);
        return new WriteResult(_rows, _rows, 0, deleted);
    }

    /// <summary>The condition on <paramref name="alias"/>'s row that it belongs to this load's source (always true without a scope).</summary>
    private string Owned(string alias) => _request.Scope is { } scope ? $"starts_with({alias}.{PostgresDialect.Quote(scope.Column)}, @scope)" : "true";

    private void AddScope(NpgsqlCommand command)
    {
        if (_request.Scope is { } scope)
        {
            command.Parameters.Add(new NpgsqlParameter("scope", NpgsqlDbType.Text) { Value = scope.Prefix });
        }
    }

    private async Task<WriteResult> PublishAppendAsync(CancellationToken cancellationToken)
    {
        if (_copyTarget == _target)
        {
            return new WriteResult(_rows, _rows);
        }

        await using var command = _owner.Command(Connection, $"INSERT INTO {_target} ({_columnList}) SELECT {_columnList} FROM {_copyTarget}", _transaction);
        var inserted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new WriteResult(_rows, inserted);
    }

    private async Task<WriteResult> PublishMergeAsync(CancellationToken cancellationToken)
    {
        if (_keyPending)
        {
            return await PublishMergeIntoNewTargetAsync(cancellationToken).ConfigureAwait(false);
        }

        var keys = KeyList();
        var valueColumns = _request.Columns.Where(c => !_request.PrimaryKey.Contains(c.Name)).ToList();
        var updates = valueColumns
            .Select(c => $"{PostgresDialect.Quote(c.Name)} = EXCLUDED.{PostgresDialect.Quote(c.Name)}")
            .ToList();
        var changed = valueColumns.Select(Differs).ToList();
        if (_hasSoftColumn && _request.Columns.All(c => c.Name != _request.SoftDeleteColumn))
        {
            // A row that comes back is no longer deleted.
            updates.Add($"{PostgresDialect.Quote(_request.SoftDeleteColumn)} = NULL");
            changed.Add($"t.{PostgresDialect.Quote(_request.SoftDeleteColumn)} IS NOT NULL");
        }

        // A row whose values are all the same is left alone: no new row version, no index entries, no WAL, no
        // update triggers, and it counts as unchanged rather than updated.
        var onConflict = updates.Count == 0
            ? "DO NOTHING"
            : $"DO UPDATE SET {string.Join(", ", updates)} WHERE {string.Join(" OR ", changed)}";

        if (_rows >= AnalyzeThreshold && _request.DeleteDetection != DeleteDetection.None)
        {
            // Temporary tables get no automatic statistics; the delete anti-join plans better with them. The upsert
            // itself is one scan of the staging whatever the statistics say.
            await ExecuteAsync($"ANALYZE {_copyTarget}", cancellationToken).ConfigureAwait(false);
        }

        long inserted, updated, considered = _rows;
        if (_rows < 2 || updates.Count == 0)
        {
            // Nothing to repeat, or DO NOTHING, which takes repeated keys (all copies are alike) without complaint.
            (inserted, updated, _) = await UpsertAsync($"SELECT {_columnList} FROM {_copyTarget}", onConflict, countOffered: false, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Loads rarely repeat a key, so the upsert is tried as is: a repeated key makes PostgreSQL refuse it
            // (a row cannot be updated twice by one command), and only then is the staging sorted by key to keep the
            // last copy of each (ctid follows COPY order in a fresh table). A separate check for repeated keys would
            // cost a hash pass over every staged key on every merge.
            const string Savepoint = "nagare_upsert";
            await _transaction!.SaveAsync(Savepoint, cancellationToken).ConfigureAwait(false);
            try
            {
                (inserted, updated, _) = await UpsertAsync($"SELECT {_columnList} FROM {_copyTarget}", onConflict, countOffered: false, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CardinalityViolation)
            {
                await _transaction.RollbackAsync(Savepoint, cancellationToken).ConfigureAwait(false);
                (inserted, updated, considered) = await UpsertAsync(
                    $"SELECT DISTINCT ON ({keys}) {_columnList} FROM {_copyTarget} ORDER BY {keys}, ctid DESC",
                    onConflict,
                    countOffered: true,
                    cancellationToken).ConfigureAwait(false);
            }

            await _transaction.ReleaseAsync(Savepoint, cancellationToken).ConfigureAwait(false);
        }

        long deleted = 0;
        if (_request.DeleteDetection != DeleteDetection.None)
        {
            var gone = $"NOT EXISTS (SELECT 1 FROM {_copyTarget} AS s WHERE {KeyMatch("s", "t")})";
            var soft = PostgresDialect.Quote(_request.SoftDeleteColumn);
            // Rows another source owns are never this load's deletes.
            await using var command = _owner.Command(
                Connection,
                _request.DeleteDetection == DeleteDetection.Hard
                    ? $"DELETE FROM {_target} AS t WHERE {Owned("t")} AND {gone}"
                    : $"UPDATE {_target} AS t SET {soft} = @now WHERE t.{soft} IS NULL AND {Owned("t")} AND {gone}",
                _transaction);
            command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = _owner.Now });
            AddScope(command);
            deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Rows not inserted nor updated met an equal row (or, with DO NOTHING, any row) under their key.
        return new WriteResult(_rows, inserted, updated, deleted, considered - inserted - updated);
    }

    /// <summary>
    /// The condition under which column <paramref name="column"/> of the stored row <c>t</c> differs from the incoming
    /// row: <c>IS DISTINCT FROM</c> (NULLs are equal to each other), compared as text for types without equality.
    /// </summary>
    private string Differs(ColumnSchema column)
    {
        var name = PostgresDialect.Quote(column.Name);
        var native = _existing?.Find(column.Name)?.NativeType ?? PostgresDialect.Instance.FormatTypeName(column.Type);
        return NoEquality(native)
            ? $"t.{name}::text IS DISTINCT FROM EXCLUDED.{name}::text"
            : $"t.{name} IS DISTINCT FROM EXCLUDED.{name}";
    }

    /// <summary>Built-in types PostgreSQL cannot compare with <c>=</c> (and arrays of them).</summary>
    private static bool NoEquality(string nativeType) =>
        nativeType.TrimEnd('[', ']') is "json" or "xml" or "point" or "line" or "lseg" or "box" or "path" or "polygon" or "circle";

    /// <summary>Publishes a merge into a table created by this write: the rows are already in it; only the key is missing.</summary>
    private async Task<WriteResult> PublishMergeIntoNewTargetAsync(CancellationToken cancellationToken)
    {
        const string Savepoint = "nagare_key";
        var addKey = $"ALTER TABLE {_target} ADD PRIMARY KEY ({KeyList()})";
        long repeated = 0;
        await _transaction!.SaveAsync(Savepoint, cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(addKey, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The load repeats a key: keep its last copy (ctid follows COPY order in a table created here), then add the key.
            await _transaction.RollbackAsync(Savepoint, cancellationToken).ConfigureAwait(false);
            var keys = KeyList();
            await using (var command = _owner.Command(
                Connection,
                $"DELETE FROM {_target} WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER (PARTITION BY {keys} ORDER BY ctid DESC) AS copy FROM {_target}) AS r WHERE r.copy > 1)",
                _transaction))
            {
                repeated = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(addKey, cancellationToken).ConfigureAwait(false);
        }

        await _transaction.ReleaseAsync(Savepoint, cancellationToken).ConfigureAwait(false);
        return new WriteResult(_rows, _rows - repeated);
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> into the target, resolving existing keys with <paramref name="onConflict"/>;
    /// returns (inserted, updated, rows offered). The offered rows are counted only when asked (<paramref
    /// name="countOffered"/>): that keeps them in a work table; otherwise the offered count is -1.
    /// </summary>
    private async Task<(long Inserted, long Updated, long Offered)> UpsertAsync(string rows, string onConflict, bool countOffered, CancellationToken cancellationToken)
    {
        var sql = $"""
            WITH {(countOffered ? $"offered AS MATERIALIZED ({rows})," : "")}
            merged AS (
                INSERT INTO {_target} AS t ({_columnList})
                {(countOffered ? $"SELECT {_columnList} FROM offered" : rows)}
                ON CONFLICT ({KeyList()}) {onConflict}
                RETURNING (xmax = 0) AS inserted)
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted), {(countOffered ? "(SELECT count(*) FROM offered)" : "-1")} FROM merged
            """;
        await using var command = _owner.Command(Connection, sql, _transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private List<ColumnSchema> StoredColumns() =>
        [.. _request.Columns.Select(c => c with { Type = PostgresDialect.StoredType(c.Type) })];

    private string ColumnDefinitions(bool soft, bool key)
    {
        var definitions = _request.Columns
            .Select(c => $"{PostgresDialect.Quote(c.Name)} {PostgresDialect.Instance.TypeName(c.Type)}")
            .ToList();
        if (soft && _request.Columns.All(c => c.Name != _request.SoftDeleteColumn))
        {
            definitions.Add($"{PostgresDialect.Quote(_request.SoftDeleteColumn)} timestamptz");
        }

        if (key && !_request.PrimaryKey.IsDefaultOrEmpty)
        {
            definitions.Add($"PRIMARY KEY ({KeyList()})");
        }

        return string.Join(", ", definitions);
    }

    private string KeyList() => string.Join(", ", _request.PrimaryKey.Select(PostgresDialect.Quote));

    private string KeyMatch(string left, string right) =>
        string.Join(" AND ", _request.PrimaryKey.Select(k => $"{left}.{PostgresDialect.Quote(k)} = {right}.{PostgresDialect.Quote(k)}"));

    private async Task<bool> SchemaExistsAsync(string schema, CancellationToken cancellationToken)
    {
        await using var command = _owner.Command(Connection, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = @schema)", _transaction);
        command.Parameters.Add(new NpgsqlParameter("schema", NpgsqlDbType.Text) { Value = schema });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task CreateSchemaAsync(string schema, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {PostgresDialect.Quote(schema)}", cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateSchema)
        {
            // Another load created it between our check and our command: the schema is there, which is all we need.
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = _owner.Command(Connection, sql, _transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_session.Connection.State == System.Data.ConnectionState.Closed, this);
        if (_committed)
        {
            throw new InvalidOperationException($"The write to {_request.Target} is already committed.");
        }

        if (_failed)
        {
            throw new InvalidOperationException($"The write to {_request.Target} failed earlier and was rolled back; open a new writer.");
        }
    }

    /// <summary>A value the target cannot take, found while encoding row <paramref name="line"/> of this write.</summary>
    private ConnectorException BadValue(long line, string? column, string reason, Exception inner)
    {
        var where = DescribeRow(line);
        var columnText = column is null ? "" : $", column '{column}'";
        return new ConnectorException($"Cannot write {where}{columnText} to table {_request.Target}: {reason}. Nothing was written.", inner)
        {
            Connection = _owner.Name,
            Stream = _request.Target.ToString(),
            Hint = "Fix the value at the source, or change the column's type (a column rule such as { cast: string }) in the sync.",
        };
    }

    /// <summary>The server rejected a copied value: PostgreSQL names the COPY line and column in its context.</summary>
    private ConnectorException CopyError(PostgresException error)
    {
        var match = error.Where is null ? Match.Empty : CopyContext().Match(error.Where);
        if (!match.Success)
        {
            return _owner.Translate(error, "writing rows", _request.Target.ToString());
        }

        var line = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var rest = match.Groups[2].Value;
        var column = error.ColumnName ?? _request.Columns
            .Select(c => c.Name)
            .Where(n => rest.StartsWith(n, StringComparison.Ordinal))
            .OrderByDescending(n => n.Length)
            .FirstOrDefault();
        return BadValue(line, column, $"{error.MessageText} (SQLSTATE {error.SqlState})", error);
    }

    private string DescribeRow(long line)
    {
        foreach (var batch in _batches)
        {
            if (line >= batch.FirstLine && line < batch.FirstLine + batch.Rows)
            {
                var inBatch = line - batch.FirstLine + 1;
                var source = batch.FirstRowNumber > 0
                    ? $" (row {batch.FirstRowNumber + inBatch - 1}{(batch.Origin is null ? "" : " of " + batch.Origin)})"
                    : batch.Origin is null ? "" : $" (from {batch.Origin})";
                return $"row {inBatch} of the batch{source}";
            }
        }

        return $"row {line}";
    }

    [GeneratedRegex(@"^COPY .*?, line (\d+)(?:, column (.*))?", RegexOptions.Singleline)]
    private static partial Regex CopyContext();
}
