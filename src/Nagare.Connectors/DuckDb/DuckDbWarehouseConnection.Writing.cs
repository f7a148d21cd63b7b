using System.Collections.Immutable;
using Nagare.Connectors.Common;
using Nagare.Core.Connectors;
using Nagare.DuckDb;

namespace Nagare.Connectors.DuckDb;

// Writers and sync state.
public sealed partial class DuckDbWarehouseConnection
{
    /// <inheritdoc/>
    public async Task<IStreamWriter> OpenWriterAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckMode(request);
        await EnsureStateTablesAsync().ConfigureAwait(false);
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
        await EnsureStateTablesAsync().ConfigureAwait(false);
        return await DuckDbChunkedWriter.OpenAsync(this, request, checkpoint, cancellationToken).ConfigureAwait(false);
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
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var chunks = LoadChunks(connection, syncName, stream);
            if (chunks.Count > 0)
            {
                var latest = chunks[^1].State;
                return latest with { CompletedChunks = [.. chunks.Select(c => c.Index).Order()] };
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
        if (request.Columns.IsDefaultOrEmpty)
        {
            throw new ConnectorException($"Nothing to write into {request.Target}: the request has no columns.") { Connection = Name, Stream = request.Target.ToString() };
        }

        if ((request.Mode == WriteMode.Merge || request.DeleteDetection != DeleteDetection.None) && request.PrimaryKey.IsDefaultOrEmpty)
        {
            var what = request.Mode == WriteMode.Merge ? "Merge" : $"Delete detection ({request.DeleteDetection})";
            throw new ConnectorException($"{what} into {request.Target} needs a primary key; set primary_key for the stream.")
            {
                Connection = Name,
                Stream = request.Target.ToString(),
            };
        }
    }
}
