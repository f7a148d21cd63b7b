using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Npgsql;
using NpgsqlTypes;

namespace Nagare.Connectors.Postgres;

// Listing and forgetting stored sync states.
public sealed partial class PostgresConnection : IStreamStateStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredStreamState>> ListStatesAsync(string syncName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        await using var session = await OpenSessionAsync("listing sync states", cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = Command(session.Connection, "SELECT state_key, state_json::text, updated_at FROM _nagare.sync_state WHERE sync_name = @sync ORDER BY state_key COLLATE \"C\"");
            command.Parameters.Add(new NpgsqlParameter("sync", NpgsqlDbType.Text) { Value = syncName });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var states = new List<StoredStreamState>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                states.Add(new StoredStreamState(reader.GetString(0), StreamStateJson.Deserialize(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2)));
            }

            return states;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return [];
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Translate(e, "listing sync states", null);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> ResetStateAsync(string syncName, string stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        ArgumentNullException.ThrowIfNull(stream);
        await using var session = await OpenSessionAsync($"resetting the state of {stream}", cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = await session.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var delete = Command(session.Connection, "DELETE FROM _nagare.sync_state WHERE sync_name = @sync AND state_key = @key", transaction);
            delete.Parameters.Add(new NpgsqlParameter("sync", NpgsqlDbType.Text) { Value = syncName });
            delete.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = stream });
            var removed = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            // Rows staged by an unfinished chunked load of the stream go with its checkpoint.
            await using var drop = Command(session.Connection, $"DROP TABLE IF EXISTS {PostgresDialect.Instance.QuoteTable(PostgresDialect.StateSchema, ChunkStagingName(syncName, stream))}", transaction);
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return removed > 0;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return false;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw Translate(e, "resetting sync state", stream);
        }
    }

    /// <summary>The staging table of a chunked load: a hash keeps any sync and table name within PostgreSQL's 63 bytes.</summary>
    private static string ChunkStagingName(string syncName, string stateKey) =>
        "chunks_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(syncName + "\0" + stateKey)))[..24];
}
