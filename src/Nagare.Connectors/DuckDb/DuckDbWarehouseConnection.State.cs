using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

// Listing and forgetting stored sync states.
public sealed partial class DuckDbWarehouseConnection : IStreamStateStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredStreamState>> ListStatesAsync(string syncName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Listing writes nothing: a warehouse no sync has written to yet has no states (and creating the tables here
            // would conflict with a first sync creating them at the same moment).
            if (!StateTablesExist(connection))
            {
                return [];
            }

            var states = new SortedDictionary<string, StoredStreamState>(StringComparer.Ordinal);
            using (var command = connection.CreateCommand())
            {
                // Writers add a row per commit; the newest row of each key is its state.
                command.CommandText = $"""
                    SELECT state_key, state_json, updated_at FROM {StateSchema}.sync_state WHERE sync_name = $1
                    QUALIFY row_number() OVER (PARTITION BY state_key ORDER BY updated_at DESC) = 1
                    """;
                command.Parameters.AddPositional(syncName);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    var key = reader.GetString(0);
                    states[key] = new StoredStreamState(key, StreamStateJson.Deserialize(reader.GetString(1)), reader.GetFieldValue<DateTimeOffset>(2));
                }
            }

            var chunked = new List<string>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"SELECT DISTINCT state_key FROM {StateSchema}.sync_chunks WHERE sync_name = $1";
                command.Parameters.AddPositional(syncName);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    chunked.Add(reader.GetString(0));
                }
            }

            foreach (var key in chunked)
            {
                // An unfinished chunked load: its checkpoints are the state until it is published.
                states[key] = new StoredStreamState(key, ChunkedState(LoadChunks(connection, syncName, key))!, states.GetValueOrDefault(key)?.UpdatedAt);
            }

            return [.. states.Values];
        }
        catch (DuckDbException e)
        {
            throw Error($"Cannot list the states of sync {syncName}", e);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> ResetStateAsync(string syncName, string stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        ArgumentNullException.ThrowIfNull(stream);
        await EnsureStateTablesAsync().ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = connection.BeginTransaction();
            long removed = 0;
            foreach (var table in new[] { "sync_state", "sync_chunks" })
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"DELETE FROM {StateSchema}.{table} WHERE sync_name = $1 AND state_key = $2";
                command.Parameters.AddPositional(syncName);
                command.Parameters.AddPositional(stream);
                removed += command.ExecuteNonQuery();
            }

            // Rows staged by an unfinished chunked load of the stream go with its checkpoints.
            var target = StreamId.Parse(stream);
            connection.ExecuteNonQuery($"DROP TABLE IF EXISTS {DuckDbDialect.Instance.QuoteTable(target.Namespace ?? "main", target.Name + StagingSuffix)}");
            transaction.Commit();
            _changedStates.TryAdd((syncName, stream), true);
            return removed > 0;
        }
        catch (DuckDbException e)
        {
            throw Error($"Cannot reset the state of {syncName}/{stream}", e, stream);
        }
    }
}
