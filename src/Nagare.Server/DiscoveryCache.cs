using System.Collections.Concurrent;
using Nagare.Core.Schema;

namespace Nagare.Server;

/// <summary>
/// The streams a discovery found, kept for the pages after the first: the first page of a listing discovers anew,
/// and the next pages (<c>after=</c>) read the same sorted list instead of asking the source again. Discovering
/// 100,000 tables takes seconds, and a table picker scrolls through hundreds of pages.
/// </summary>
public sealed class DiscoveryCache
{
    /// <summary>How long a listing's pages are served from one discovery.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(5);

    private const int MaxListings = 32;
    private readonly ConcurrentDictionary<(string Connection, string? Select), Listing> listings = new();
    private readonly TimeProvider time;

    /// <summary>Creates an empty cache.</summary>
    public DiscoveryCache(TimeProvider time)
    {
        this.time = time;
    }

    /// <summary>
    /// The streams of <paramref name="connection"/> matching <paramref name="select"/>, sorted by id: discovered now
    /// when <paramref name="fresh"/> or nothing recent is kept, else the list of the last discovery.
    /// </summary>
    public async Task<IReadOnlyList<StreamSchema>> GetAsync(string connection, string? select, bool fresh, Func<Task<IReadOnlyList<StreamSchema>>> discover)
    {
        ArgumentNullException.ThrowIfNull(discover);
        var key = (connection, select);
        var now = time.GetUtcNow();
        if (!fresh && listings.TryGetValue(key, out var kept) && now - kept.At < FreshFor)
        {
            return kept.Streams;
        }

        var streams = (await discover().ConfigureAwait(false)).OrderBy(s => s.Id.ToString(), StringComparer.Ordinal).ToArray();
        if (listings.Count >= MaxListings)
        {
            // The expired ones first; then the oldest, so that the cache stays small whatever callers ask.
            foreach (var old in listings.OrderBy(l => now - l.Value.At < FreshFor ? 1 : 0).ThenBy(l => l.Value.At).Take(listings.Count - MaxListings + 1).ToList())
            {
                listings.TryRemove(old.Key, out _);
            }
        }

        listings[key] = new Listing(now, streams);
        return streams;
    }

    /// <summary>Forgets what was discovered through <paramref name="connection"/> (its settings changed or it was deleted).</summary>
    public void Forget(string connection)
    {
        foreach (var key in listings.Keys.Where(k => k.Connection == connection).ToList())
        {
            listings.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets every listing (connection files were edited by hand, so any of them may have changed).</summary>
    public void ForgetAll() => listings.Clear();

    private sealed record Listing(DateTimeOffset At, IReadOnlyList<StreamSchema> Streams);
}
