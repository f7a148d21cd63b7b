using Nagare.Connectors.Common;
using System.Collections.Immutable;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Npgsql;
using NpgsqlTypes;

namespace Nagare.Connectors.Postgres;

public sealed partial class PostgresConnection
{
    private int _stateTableReady;

    /// <inheritdoc/>
    public async Task<StreamSchema?> DescribeAsync(StreamId table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await using var session = await OpenSessionAsync($"describing {table}", cancellationToken).ConfigureAwait(false);
        return await DescribeAsync(session.Connection, null, table, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StreamState?> LoadStateAsync(string syncName, string stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        ArgumentNullException.ThrowIfNull(stream);
        await using var session = await OpenSessionAsync("loading sync state", cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = Command(session.Connection, PostgresDialect.LoadStateQuery);
            command.Parameters.Add(new NpgsqlParameter("sync", NpgsqlDbType.Text) { Value = syncName });
            command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = stream });
            var json = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            return json is null ? null : StreamStateJson.Deserialize(json);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Translate(e, "loading sync state", stream);
        }
    }

    /// <summary>
    /// Opens a writer holding one transaction: the target is created or evolved, rows are copied in binary into
    /// staging (or straight into the target when appending rows of exactly its types), and
    /// <see cref="IStreamWriter.CommitAsync"/> publishes them with the state. Disposing without commit rolls
    /// everything back, leaving the target as it was.
    /// </summary>
    public async Task<IStreamWriter> OpenWriterAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        PostgresStreamWriter.Validate(request);
        await EnsureStateTableAsync(cancellationToken).ConfigureAwait(false);
        var session = await OpenSessionAsync($"writing {request.Target}", cancellationToken).ConfigureAwait(false);
        var writer = new PostgresStreamWriter(this, session, request);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            return writer;
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Opens or resumes a chunked load staged in <c>_nagare.chunks_&lt;hash of sync and state key&gt;</c>. Staged
    /// chunks listed in <paramref name="checkpoint"/> are kept when the staging table still has the request's
    /// columns; other staged rows are discarded, and so is the whole staging table when the columns changed.
    /// </summary>
    public async Task<IChunkedStreamWriter> OpenChunkedWriterAsync(WriteRequest request, StreamState checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(checkpoint);
        PostgresStreamWriter.Validate(request);
        await EnsureStateTableAsync(cancellationToken).ConfigureAwait(false);
        var stagingName = ChunkStagingName(request.SyncName, request.StateKey);
        var staging = PostgresDialect.Instance.QuoteTable(PostgresDialect.StateSchema, stagingName);
        var dialect = PostgresDialect.Instance;
        ImmutableArray<string> expected = [.. request.Columns.Select(c => c.Name + " " + PostgresDialect.StoredType(c.Type)), PostgresDialect.ChunkColumn + " int32"];

        await using var session = await OpenSessionAsync($"preparing the chunked load of {request.Target}", cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = await session.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var existing = await DescribeAsync(session.Connection, transaction, new StreamId(PostgresDialect.StateSchema, stagingName), cancellationToken).ConfigureAwait(false);
            var kept = checkpoint.CompletedChunks.IsDefault ? [] : checkpoint.CompletedChunks;
            var sql = new System.Text.StringBuilder();
            if (existing is not null && !existing.Columns.Select(c => c.Name + " " + c.Type).SequenceEqual(expected))
            {
                sql.Append($"DROP TABLE {staging};");
                existing = null;
            }

            if (existing is null)
            {
                kept = [];
                var definitions = string.Join(", ", request.Columns.Select(c => $"{PostgresDialect.Quote(c.Name)} {dialect.TypeName(c.Type)}"));
                sql.Append($"CREATE TABLE {staging} ({definitions}, {PostgresDialect.ChunkColumn} integer NOT NULL);");
            }
            else
            {
                // NOT IN over an empty list would need NULL, and NOT IN (NULL) keeps every row.
                sql.Append(kept.IsEmpty
                    ? $"TRUNCATE {staging};"
                    : $"DELETE FROM {staging} WHERE {PostgresDialect.ChunkColumn} NOT IN ({string.Join(", ", kept.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)))}) OR {PostgresDialect.ChunkColumn} IS NULL;");
            }

            await using (var command = Command(session.Connection, sql.ToString(), transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var resumed = checkpoint with { CompletedChunks = kept };
            await using (var save = Command(session.Connection, PostgresDialect.SaveStateCommand, transaction))
            {
                save.Parameters.Add(new NpgsqlParameter("sync", NpgsqlDbType.Text) { Value = request.SyncName });
                save.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = request.StateKey });
                save.Parameters.Add(new NpgsqlParameter("state", NpgsqlDbType.Jsonb) { Value = StreamStateJson.Serialize(resumed) });
                save.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = Now });
                await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresChunkedWriter(this, request, staging, resumed);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Translate(e, "preparing the chunked load", request.Target.ToString());
        }
    }

    /// <summary>The table's columns and key, read inside <paramref name="transaction"/>; null when it does not exist.</summary>
    internal async Task<StreamSchema?> DescribeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StreamId table, CancellationToken cancellationToken)
    {
        var parameters = new List<NpgsqlParameter>
        {
            new("schema", NpgsqlDbType.Text) { Value = table.Namespace ?? "public" },
            new("table", NpgsqlDbType.Text) { Value = table.Name },
        };
        await foreach (var stream in QueryCatalogAsync(connection, transaction, PostgresDialect.OneTableCondition, parameters, $"describing {table}", cancellationToken).ConfigureAwait(false))
        {
            return stream;
        }

        return null;
    }

    // Created outside the writers' transactions, once per connection: concurrent CREATE ... IF NOT EXISTS can
    // still collide, so a loser of that race simply finds the table there.
    private async Task EnsureStateTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _stateTableReady) != 0)
        {
            return;
        }

        await using var session = await OpenSessionAsync("creating the sync state table", cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var command = Command(session.Connection, PostgresDialect.CreateStateTable);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (PostgresException e) when (attempt < 3 && e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateSchema)
            {
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                throw Translate(e, "creating the sync state table _nagare.sync_state", null);
            }
        }

        Volatile.Write(ref _stateTableReady, 1);
    }
}
