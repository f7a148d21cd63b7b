namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// Spaces the starts of requests to at most <c>requests_per_second</c> (each start reserves the next slot, so
/// concurrent senders share one rate), and holds every sender back while the API asked to wait (a 429's
/// <c>Retry-After</c>). Waits on the run's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class HttpRequestPacer(double? requestsPerSecond, TimeProvider time)
{
    private readonly object gate = new();
    private readonly TimeSpan interval = requestsPerSecond is { } rate ? TimeSpan.FromSeconds(1 / rate) : TimeSpan.Zero;
    private DateTimeOffset next = DateTimeOffset.MinValue;
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;

    /// <summary>Waits for the next request's turn.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (gate)
        {
            var now = time.GetUtcNow();
            var start = now;
            start = next > start ? next : start;
            start = pausedUntil > start ? pausedUntil : start;
            next = start + interval;
            wait = start - now;
        }

        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Holds every request back until <paramref name="until"/>.</summary>
    public void PauseUntil(DateTimeOffset until)
    {
        lock (gate)
        {
            pausedUntil = until > pausedUntil ? until : pausedUntil;
        }
    }
}
