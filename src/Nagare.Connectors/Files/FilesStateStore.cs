using System.Collections.Concurrent;
using System.Text.Json;
using Nagare.Core.Connectors;
using Nagare.Core.Json;

namespace Nagare.Connectors.Files;

/// <summary>
/// Sync state of a files destination: <c>_nagare_state/&lt;sync&gt;.json</c> under the root, one entry per state key,
/// replaced atomically (written to a temporary file, then renamed over the old one).
/// </summary>
internal sealed class FilesStateStore(string root)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);
    private static readonly JsonSerializerOptions Json = JsonFormat.IndentedSerializer;

    public async Task<StreamState?> LoadAsync(string sync, string key, CancellationToken cancellationToken)
    {
        var all = await ReadAsync(PathOf(sync), cancellationToken).ConfigureAwait(false);
        return all.TryGetValue(key, out var state) ? state : null;
    }

    public async Task SaveAsync(string sync, string key, StreamState state, CancellationToken cancellationToken)
    {
        var path = PathOf(sync);
        var gate = Locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
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

    private static async Task WriteAsync(string path, SortedDictionary<string, StreamState> all, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await JsonSerializer.SerializeAsync(stream, all, Json, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Every state of <paramref name="sync"/>, by key, with the state file's time.</summary>
    public async Task<IReadOnlyList<StoredStreamState>> ListAsync(string sync, CancellationToken cancellationToken)
    {
        var path = PathOf(sync);
        var all = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        DateTimeOffset? updated = File.Exists(path) ? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) : null;
        return [.. all.Select(p => new StoredStreamState(p.Key, p.Value, updated))];
    }

    /// <summary>Removes the state of <paramref name="key"/>; false when there was none.</summary>
    public async Task<bool> RemoveAsync(string sync, string key, CancellationToken cancellationToken)
    {
        var path = PathOf(sync);
        var gate = Locks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1));
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

    private string PathOf(string sync) =>
        Path.Combine(root, FileCatalog.StateFolder, sync.Replace('/', '_').Replace('\\', '_') + ".json");

    private static async Task<SortedDictionary<string, StreamState>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return new SortedDictionary<string, StreamState>(StringComparer.Ordinal);
        }

        try
        {
            await using var stream = File.OpenRead(path);
            var all = await JsonSerializer.DeserializeAsync<Dictionary<string, StreamState>>(stream, Json, cancellationToken).ConfigureAwait(false);
            return new SortedDictionary<string, StreamState>(all ?? [], StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new ConnectorException($"The state file '{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
