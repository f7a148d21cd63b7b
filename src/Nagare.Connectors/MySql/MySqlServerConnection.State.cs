using MySqlConnector;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.MySql;

public sealed partial class MySqlServerConnection
{
    /// <summary>The table holding sync state, in the connection's database.</summary>
    public const string StateTable = "_nagare_sync_state";

    private int _stateReady;

    /// <summary><c>`database`.`_nagare_sync_state`</c>.</summary>
    internal string StateTableName => MySqlDialect.Instance.QuoteTable(Options.Database, StateTable);

    /// <inheritdoc/>
    public async Task<StreamState?> LoadStateAsync(string syncName, string stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        ArgumentNullException.ThrowIfNull(stream);
        await using var session = await OpenSessionAsync("loading sync state", cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureStateTableAsync(session.Connection, cancellationToken).ConfigureAwait(false);
            await using var command = Command($"SELECT state_json FROM {StateTableName} WHERE sync_name = @sync AND state_key = @key", session.Connection);
            command.Parameters.AddWithValue("@sync", syncName);
            command.Parameters.AddWithValue("@key", stream);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? StreamStateJson.Deserialize(json) : null;
        }
        catch (MySqlException e)
        {
            throw Translate(e, "loading sync state", stream);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredStreamState>> ListStatesAsync(string syncName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        await using var session = await OpenSessionAsync("listing sync state", cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureStateTableAsync(session.Connection, cancellationToken).ConfigureAwait(false);
            await using var command = Command($"SELECT state_key, state_json, updated_at FROM {StateTableName} WHERE sync_name = @sync ORDER BY state_key", session.Connection);
            command.Parameters.AddWithValue("@sync", syncName);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var states = new List<StoredStreamState>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var updated = reader.GetMySqlDateTime(2) is { IsValidDateTime: true } at ? new DateTimeOffset(DateTime.SpecifyKind(at.GetDateTime(), DateTimeKind.Unspecified), TimeSpan.Zero) : (DateTimeOffset?)null;
                states.Add(new StoredStreamState(reader.GetString(0), StreamStateJson.Deserialize(reader.GetString(1)), updated));
            }

            return states;
        }
        catch (MySqlException e)
        {
            throw Translate(e, "listing sync state", null);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> ResetStateAsync(string syncName, string stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        ArgumentNullException.ThrowIfNull(stream);
        await using var session = await OpenSessionAsync("resetting sync state", cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureStateTableAsync(session.Connection, cancellationToken).ConfigureAwait(false);
            await using var command = Command($"DELETE FROM {StateTableName} WHERE sync_name = @sync AND state_key = @key", session.Connection);
            command.Parameters.AddWithValue("@sync", syncName);
            command.Parameters.AddWithValue("@key", stream);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (MySqlException e)
        {
            throw Translate(e, "resetting sync state", stream);
        }
    }

    /// <summary>Creates the state table once per connection object (DDL commits on its own, so never inside a write transaction).</summary>
    internal async Task EnsureStateTableAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _stateReady) == 1)
        {
            return;
        }

        await using var command = Command(
            $"""
            CREATE TABLE IF NOT EXISTS {StateTableName} (
                sync_name VARCHAR(255) NOT NULL, state_key VARCHAR(512) NOT NULL, state_json LONGTEXT NOT NULL, updated_at DATETIME(6) NOT NULL,
                PRIMARY KEY (sync_name, state_key)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
            """,
            connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _stateReady, 1);
    }

    /// <summary>Stores <paramref name="state"/> inside <paramref name="transaction"/>.</summary>
    internal async Task SaveStateAsync(MySqlConnection connection, MySqlTransaction transaction, string syncName, string key, StreamState state, CancellationToken cancellationToken)
    {
        await using var command = Command(
            $"INSERT INTO {StateTableName} (sync_name, state_key, state_json, updated_at) VALUES (@sync, @key, @json, @now) " +
            "ON DUPLICATE KEY UPDATE state_json = VALUES(state_json), updated_at = VALUES(updated_at)",
            connection,
            transaction);
        command.Parameters.AddWithValue("@sync", syncName);
        command.Parameters.AddWithValue("@key", key);
        command.Parameters.AddWithValue("@json", StreamStateJson.Serialize(state));
        command.Parameters.AddWithValue("@now", DateTime.SpecifyKind(Now.UtcDateTime, DateTimeKind.Unspecified));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
