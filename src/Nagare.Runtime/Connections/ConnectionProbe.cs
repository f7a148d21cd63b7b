using System.Buffers;
using System.Text.Json;
using Nagare.Core;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Json;
using Nagare.Core.Schema;
using Nagare.Core.Text;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Connections;

/// <summary>What the command line (<c>nagare connection test|discover</c>) and the server do with one connection: open it and test it, list its streams, or sample one.</summary>
public static class ConnectionProbe
{
    /// <summary>Opens connection <paramref name="name"/> of <paramref name="project"/> and tests it.</summary>
    /// <exception cref="ConfigException">No such connection, or its file has problems.</exception>
    /// <exception cref="NagareException">The connection cannot be reached or used.</exception>
    public static async Task<ConnectionTestReport> TestAsync(ConnectorRegistry registry, ProjectConfig project, string name, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(time);
        var connection = registry.Create(project, name, time);
        await using (connection.ConfigureAwait(false))
        {
            var started = time.GetTimestamp();
            var result = await connection.TestAsync(cancellationToken).ConfigureAwait(false);
            return new ConnectionTestReport(connection.Capabilities.Type, time.GetElapsedTime(started), result);
        }
    }

    /// <summary>The streams of connection <paramref name="name"/> whose <c>schema.table</c> matches <paramref name="glob"/> (all when null), sorted.</summary>
    /// <exception cref="ConfigException">No such connection, or its file has problems.</exception>
    /// <exception cref="NagareException">The connection cannot be read from, reached or used.</exception>
    public static async Task<IReadOnlyList<StreamSchema>> DiscoverAsync(ConnectorRegistry registry, ProjectConfig project, string name, string? glob, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var connection = registry.Create(project, name, time);
        await using (connection.ConfigureAwait(false))
        {
            var streams = await DiscoverAsync(Source(connection, name), glob, cancellationToken).ConfigureAwait(false);
            streams.Sort((a, b) => a.Id.CompareTo(b.Id));
            return streams;
        }
    }

    /// <summary>
    /// At most <paramref name="limit"/> rows of stream <paramref name="stream"/> (<c>schema.table</c>, as discovery names it)
    /// of connection <paramref name="name"/>, every column, as JSON values; null when the connection has no such stream.
    /// The limit goes into the source's query, and no more rows are taken than asked for whatever the source returns.
    /// </summary>
    /// <param name="registry">Creates the connection.</param>
    /// <param name="project">The project defining it.</param>
    /// <param name="name">The connection.</param>
    /// <param name="stream">The stream's id exactly as discovery names it.</param>
    /// <param name="limit">How many rows at most; zero or more.</param>
    /// <param name="time">The clock the connection uses.</param>
    /// <param name="cancellationToken">Stops discovery and the read.</param>
    /// <exception cref="ConfigException">No such connection, or its file has problems.</exception>
    /// <exception cref="NagareException">The connection cannot be read from, reached or used.</exception>
    public static async Task<StreamSample?> SampleAsync(ConnectorRegistry registry, ProjectConfig project, string name, string stream, int limit, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var connection = registry.Create(project, name, time);
        await using (connection.ConfigureAwait(false))
        {
            var source = Source(connection, name);
            // Discovery of the one stream: its exact name as a glob lets the source narrow its catalog query to it.
            var found = (await DiscoverAsync(source, GlobPattern.Escape(stream), cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(s => string.Equals(s.Id.ToString(), stream, StringComparison.Ordinal));
            if (found is null)
            {
                return null;
            }

            var columns = found.Columns;
            var buffer = new ArrayBufferWriter<byte>();
            var rows = 0;
            using (var json = new Utf8JsonWriter(buffer, JsonFormat.Writer))
            {
                json.WriteStartArray();
                var request = new ReadRequest(found, [], BatchSize: Math.Clamp(limit, 1, ColumnBatch.DefaultCapacity), Limit: limit);
                await foreach (var batch in source.ReadAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    for (var row = 0; row < batch.RowCount && rows < limit; row++, rows++)
                    {
                        json.WriteStartArray();
                        foreach (var column in batch.Columns)
                        {
                            ValueFormat.WriteJson(json, column, row);
                        }

                        json.WriteEndArray();
                    }

                    if (rows >= limit)
                    {
                        // A source that returned more than asked is not read further.
                        break;
                    }
                }

                json.WriteEndArray();
            }

            // One document for all rows; its root is cloned so the values outlive the parse.
            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            var values = document.RootElement.Clone().EnumerateArray().Select(r => (IReadOnlyList<JsonElement>)[.. r.EnumerateArray()]).ToList();
            return new StreamSample(found, [.. columns.Select(c => new SampleColumn(c.Name, c.Type.ToString()))], values);
        }
    }

    private static ISource Source(IConnection connection, string name) =>
        connection as ISource ?? throw new NagareException($"Connection '{name}' ({connection.Capabilities.Type}) cannot be read from, so it has no streams to discover.");

    private static async Task<List<StreamSchema>> DiscoverAsync(ISource source, string? glob, CancellationToken cancellationToken)
    {
        var streams = new List<StreamSchema>();
        await foreach (var stream in source.DiscoverAsync(new DiscoverRequest(null, glob), cancellationToken).ConfigureAwait(false))
        {
            // The pattern is only a hint to the source; the match is decided here.
            if (glob is null || GlobPattern.IsMatch(glob, stream.Id.ToString()))
            {
                streams.Add(stream);
            }
        }

        return streams;
    }
}
