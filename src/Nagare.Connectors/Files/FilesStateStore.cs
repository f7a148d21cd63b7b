using System.Collections.Concurrent;
using System.Text.Json;
using Nagare.Connectors.Common;
using Nagare.Connectors.ObjectStorage;
using Nagare.Core.Connectors;
using Nagare.Core.Json;

namespace Nagare.Connectors.Files;

/// <summary>
/// Sync state of a files destination: <c>_nagare_state/&lt;sync&gt;.json</c> under the root (a folder, or the prefix of
/// an <c>s3://</c> location), <c>{"version": 1, "streams": {"&lt;state key&gt;": &lt;state&gt;}}</c> with each state in the
/// one form every destination keeps (<see cref="StreamStateJson"/>), replaced atomically: in a folder written to a
/// temporary file, then renamed over the old one; in S3 put in one request (an object is replaced whole). Files
/// written before the version field (a bare map of keys to states) are still read.
/// </summary>
internal sealed class FilesStateStore
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);
    private static readonly JsonSerializerOptions Json = JsonFormat.IndentedSerializer;
    private readonly string _root;
    private readonly S3ObjectStore? _store;

    /// <summary>State in the folder <paramref name="root"/>.</summary>
    public FilesStateStore(string root) => _root = root;

    /// <summary>State under the prefix of <paramref name="store"/>.</summary>
    public FilesStateStore(S3ObjectStore store)
    {
        _store = store;
        _root = store.Options.Display;
    }

    public async Task<StreamState?> LoadAsync(string sync, string key, CancellationToken cancellationToken)
    {
        var all = await ReadAsync(PathOf(sync), cancellationToken).ConfigureAwait(false);
        return all.TryGetValue(key, out var state) ? state : null;
    }

    public async Task SaveAsync(string sync, string key, StreamState state, CancellationToken cancellationToken)
    {
        var path = PathOf(sync);
        var gate = Locks.GetOrAdd(Shown(path), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var all = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
            all[key] = state;
            await WriteAsync(path, all, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task WriteAsync(string path, SortedDictionary<string, StreamState> all, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(content, JsonFormat.IndentedWriter))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", StreamStateJson.Version);
            writer.WriteStartObject("streams");
            foreach (var (key, state) in all)
            {
                writer.WritePropertyName(key);
                StreamStateJson.Write(writer, state);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (_store is not null)
        {
            await _store.PutAsync(path, content.GetBuffer().AsMemory(0, (int)content.Length), "application/json", cancellationToken).ConfigureAwait(false);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await stream.WriteAsync(content.GetBuffer().AsMemory(0, (int)content.Length), cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Every state of <paramref name="sync"/>, by key, with the state file's time.</summary>
    public async Task<IReadOnlyList<StoredStreamState>> ListAsync(string sync, CancellationToken cancellationToken)
    {
        var path = PathOf(sync);
        var all = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        DateTimeOffset? updated;
        if (_store is not null)
        {
            updated = null;
            await foreach (var item in _store.ListAsync(path, cancellationToken).ConfigureAwait(false))
            {
                updated = item.Key == path ? item.LastModified : updated;
            }
        }
        else
        {
            updated = File.Exists(path) ? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) : null;
        }

        return [.. all.Select(p => new StoredStreamState(p.Key, p.Value, updated))];
    }

    /// <summary>Removes the state of <paramref name="key"/>; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string sync, string key, CancellationToken cancellationToken)
    {
        var path = PathOf(sync);
        var gate = Locks.GetOrAdd(Shown(path), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var all = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
            if (!all.Remove(key))
            {
                return false;
            }

            await WriteAsync(path, all, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The state file's path, or in S3 its key.</summary>
    private string PathOf(string sync)
    {
        var relative = FileCatalog.StateFolder + "/" + sync.Replace('/', '_').Replace('\\', '_') + ".json";
        return _store is not null ? _store.Options.KeyOf(relative) : Path.Combine(_root, relative);
    }

    /// <summary>What the state file is called in messages.</summary>
    private string Shown(string path) => _store is null ? path : "s3://" + _store.Options.Bucket + "/" + path;

    private async Task<SortedDictionary<string, StreamState>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[]? stored = null;
        if (_store is not null ? (stored = await _store.ReadSmallAsync(path, cancellationToken).ConfigureAwait(false)) is null : !File.Exists(path))
        {
            return new SortedDictionary<string, StreamState>(StringComparer.Ordinal);
        }

        try
        {
            await using Stream stream = stored is not null ? new MemoryStream(stored, writable: false) : File.OpenRead(path);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            var all = new SortedDictionary<string, StreamState>(StringComparer.Ordinal);
            if (root.TryGetProperty("version", out _) && root.TryGetProperty("streams", out var streams))
            {
                foreach (var entry in streams.EnumerateObject())
                {
                    all[entry.Name] = StreamStateJson.Read(entry.Value);
                }
            }
            else
            {
                // Written before the state had one versioned form: the record as serialized by System.Text.Json.
                foreach (var (key, state) in root.Deserialize<Dictionary<string, StreamState>>(Json) ?? [])
                {
                    all[key] = state;
                }
            }

            return all;
        }
        catch (JsonException e)
        {
            throw new ConnectorException($"The state file '{Shown(path)}' is not valid JSON: {e.Message}", e);
        }
    }
}
