using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

// Writers and sync state.
public sealed partial class DuckDbWarehouseConnection
{
    /// <inheritdoc/>
    /// <remarks>A stream whose rows come in one batch is committed together with other such streams (<see cref="DuckDbGroupCommit"/>).</remarks>
    public async Task<IStreamWriter> OpenWriterAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckMode(request);
        ForgetSnapshotState(request);
        await EnsureStateTablesAsync().ConfigureAwait(false);
        return new DuckDbSmallStreamWriter(this, request);
    }

    /// <summary>A writer with a connection and transaction of its own, for a stream of more than one batch.</summary>
    internal async Task<IStreamWriter> OpenOwnWriterAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return DuckDbStreamWriter.Open(this, connection, request);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<IChunkedStreamWriter> OpenChunkedWriterAsync(WriteRequest request, StreamState checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(checkpoint);
        CheckMode(request);
        ForgetSnapshotState(request);
        await EnsureStateTablesAsync().ConfigureAwait(false);
        return await DuckDbChunkedWriter.OpenAsync(this, request, checkpoint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the database, creates the state tables and reads the sync's stored states.</summary>
    public async Task PrepareAsync(string syncName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        await EnsureStateTablesAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await StateSnapshotOf(syncName).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The state committed for the stream. While a chunked load is unfinished, its latest chunk checkpoint is
    /// returned instead, with every staged chunk in <see cref="StreamState.CompletedChunks"/>.
    /// </summary>
    public async Task<StreamState?> LoadStateAsync(string syncName, string stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncName);
        ArgumentNullException.ThrowIfNull(stream);
        await EnsureStateTablesAsync().ConfigureAwait(false);
        if (!_changedStates.ContainsKey((syncName, stream)))
        {
            var snapshot = await StateSnapshotOf(syncName).ConfigureAwait(false);
            if (snapshot.TryGet(stream, out var known))
            {
                return known;
            }
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ChunkedState(LoadChunks(connection, syncName, stream)) is { } chunked)
            {
                return chunked;
            }

            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT state_json FROM {StateSchema}.sync_state WHERE sync_name = $1 AND state_key = $2 ORDER BY updated_at DESC LIMIT 1";
            command.Parameters.AddPositional(syncName);
            command.Parameters.AddPositional(stream);
            return command.ExecuteScalar() is string json ? StreamStateJson.Deserialize(json) : null;
        }
        catch (DuckDbException e)
        {
            throw Error($"Cannot read the state of {syncName}/{stream}", e, stream);
        }
    }

    /// <summary>
    /// Every stream state of a sync, read with two queries the first time one is asked for (once per connection
    /// object): a sync of a million small tables would otherwise spend two point queries per table (milliseconds
    /// each) on state alone.
    /// </summary>
    private Task<StateSnapshot> StateSnapshotOf(string syncName) =>
        _stateSnapshots.GetOrAdd(syncName, name => new Lazy<Task<StateSnapshot>>(() => LoadSnapshotAsync(name))).Value;

    private async Task<StateSnapshot> LoadSnapshotAsync(string syncName)
    {
        await using var connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var snapshot = new StateSnapshot();
            using (var command = connection.CreateCommand())
            {
                // Writers only add state rows; superseded ones go here, in one statement per sync run.
                command.CommandText = $"""
                    DELETE FROM {StateSchema}.sync_state AS s WHERE s.sync_name = $1 AND EXISTS (
                        SELECT 1 FROM {StateSchema}.sync_state AS n
                        WHERE n.sync_name = s.sync_name AND n.state_key = s.state_key AND n.updated_at > s.updated_at)
                    """;
                command.Parameters.AddPositional(syncName);
                command.ExecuteNonQuery();
            }

            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"SELECT state_key, state_json FROM {StateSchema}.sync_state WHERE sync_name = $1 ORDER BY updated_at";
                command.Parameters.AddPositional(syncName);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    snapshot.States[reader.GetString(0)] = reader.GetString(1);
                }
            }

            using (var command = connection.CreateCommand())
            {
                command.CommandText = $"SELECT DISTINCT state_key FROM {StateSchema}.sync_chunks WHERE sync_name = $1";
                command.Parameters.AddPositional(syncName);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    // Unfinished chunked loads are rare: their keys are looked up one by one.
                    snapshot.Chunked.Add(reader.GetString(0));
                }
            }

            return snapshot;
        }
        catch (DuckDbException e)
        {
            throw Error($"Cannot read the state of sync {syncName}", e);
        }
    }

    /// <summary>A writer is about to change the stream's state: later reads must go to the table.</summary>
    private void ForgetSnapshotState(WriteRequest request) => _changedStates.TryAdd((request.SyncName, request.StateKey), true);

    /// <summary>The states of one sync as they were when first read.</summary>
    private sealed class StateSnapshot
    {
        public Dictionary<string, string> States { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Chunked { get; } = new(StringComparer.Ordinal);

        public bool TryGet(string key, out StreamState? state)
        {
            state = null;
            if (Chunked.Contains(key))
            {
                return false;
            }

            if (States.TryGetValue(key, out var json))
            {
                state = StreamStateJson.Deserialize(json);
            }

            return true;
        }
    }

    /// <summary>
    /// The state of an unfinished chunked load from its chunks' rows (null when there are none): each row holds the
    /// checkpoint plus that chunk's own values, so the state is their union with every chunk listed.
    /// </summary>
    internal static StreamState? ChunkedState(List<(int Index, StreamState State)> chunks) =>
        chunks.Count == 0
            ? null
            : chunks[^1].State with
            {
                CompletedChunks = [.. chunks.Select(c => c.Index).Order()],
                Extra = chunks.Aggregate(ImmutableDictionary<string, string>.Empty, (all, c) => all.SetItems(c.State.Extra)),
            };

    /// <summary>Staged chunks of an unfinished chunked load, oldest first.</summary>
    internal static List<(int Index, StreamState State)> LoadChunks(DuckDbConnection connection, string syncName, string stateKey)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT chunk_index, state_json FROM {StateSchema}.sync_chunks WHERE sync_name = $1 AND state_key = $2 ORDER BY updated_at, chunk_index";
        command.Parameters.AddPositional(syncName);
        command.Parameters.AddPositional(stateKey);
        using var reader = command.ExecuteReader();
        var chunks = new List<(int, StreamState)>();
        while (reader.Read())
        {
            chunks.Add((reader.GetInt32(0), StreamStateJson.Deserialize(reader.GetString(1))));
        }

        return chunks;
    }

    private void CheckMode(WriteRequest request)
    {
        if (request.ProblemFor(Capabilities) is { } problem)
        {
            throw new ConnectorException(problem) { Connection = Name, Stream = request.Target.ToString() };
        }
    }
}
