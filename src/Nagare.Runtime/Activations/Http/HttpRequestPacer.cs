namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// Keeps requests within <c>requests_per_second</c> as the API counts them, at their arrival, over any sliding
/// second: spaces the starts of requests (each start reserves the next slot, so concurrent senders share one rate),
/// and lets no request start while <see cref="Permits"/> others may still fall in the API's window. Holds every
/// sender back while the API asked to wait (a 429's <c>Retry-After</c>). Waits on the run's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Spacing starts alone does not keep the count at arrival: a request whose timer fired late, or that spent longer on
/// the way, arrives close to the ones after it, and a window of the API then holds one request too many. The API sees
/// a request at some moment between its start and its answer, so a request counts here from before its start until
/// one window after its answer: if <see cref="Permits"/> + 1 requests arrived within one window, the last of them
/// to start would have found all the others counted and waited. A whole <c>requests_per_second</c> is that many
/// requests in any second; another rate <c>r</c> is ⌊r⌋ requests (at least 1) in any ⌊r⌋ / r seconds.
/// </remarks>
internal sealed class HttpRequestPacer
{
    /// <summary>How far behind its schedule the pacer may start requests to catch up.</summary>
    internal static readonly TimeSpan CatchUp = TimeSpan.FromMilliseconds(50);

    private readonly object gate = new();
    private readonly TimeProvider time;
    private readonly TimeSpan interval;
    private readonly long windowTicks;
    private readonly Queue<long> leaving = new();
    private TaskCompletionSource? answered;
    private int inFlight;
    private DateTimeOffset next = DateTimeOffset.MinValue;
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;

    public HttpRequestPacer(double? requestsPerSecond, TimeProvider time)
    {
        this.time = time;
        if (requestsPerSecond is { } rate)
        {
            interval = TimeSpan.FromSeconds(1 / rate);
            Permits = Math.Max(1, (int)Math.Min(Math.Floor(rate), int.MaxValue));
            windowTicks = (long)Math.Ceiling(Permits / rate * time.TimestampFrequency);
        }
    }

    /// <summary>Most requests in any window (0: no rate).</summary>
    public int Permits { get; }

    /// <summary>
    /// Waits for the next request's turn. Every turn taken is given back by <see cref="Answered"/> once the attempt
    /// has its answer or failed.
    /// </summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        while (true)
        {
            Task? signal = null;
            lock (gate)
            {
                var now = time.GetTimestamp();
                while (leaving.Count > 0 && leaving.Peek() <= now)
                {
                    leaving.Dequeue();
                }

                if (Permits == 0 || inFlight + leaving.Count < Permits)
                {
                    inFlight++;
                    wait = Reserve();
                    break;
                }

                if (leaving.Count > 0)
                {
                    wait = Ticks(leaving.Peek() - now);
                }
                else
                {
                    // Every counted request is still waiting for its answer.
                    answered ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    signal = answered.Task;
                    wait = TimeSpan.Zero;
                }
            }

            await (signal?.WaitAsync(cancellationToken) ?? Task.Delay(wait, time, cancellationToken)).ConfigureAwait(false);
        }

        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Answered();
                throw;
            }
        }
    }

    /// <summary>An attempt got its answer (or failed): it leaves the window one window from now.</summary>
    public void Answered()
    {
        lock (gate)
        {
            inFlight--;
            if (Permits > 0)
            {
                leaving.Enqueue(time.GetTimestamp() + windowTicks);
            }

            answered?.TrySetResult();
            answered = null;
        }
    }

    /// <summary>Holds every request back until <paramref name="until"/>.</summary>
    public void PauseUntil(DateTimeOffset until)
    {
        lock (gate)
        {
            pausedUntil = until > pausedUntil ? until : pausedUntil;
        }
    }

    /// <summary>
    /// The next start slot, after any pause: how long from now. Slots missed by less than <see cref="CatchUp"/> (a
    /// timer that fired late, senders all busy) are still taken, at once, so the rate is kept over the run instead of
    /// every late start pushing all later ones back; the window above still caps any second at the limit.
    /// </summary>
    private TimeSpan Reserve()
    {
        var now = time.GetUtcNow();
        var start = next == DateTimeOffset.MinValue ? now : next;
        start = now - CatchUp > start ? now - CatchUp : start;
        start = pausedUntil > start ? pausedUntil : start;
        next = start + interval;
        return start > now ? start - now : TimeSpan.Zero;
    }

    /// <summary>
    /// Timestamp ticks as a wait, rounded up to whole milliseconds: a timer waits whole milliseconds, and a shorter
    /// wait rounded down would return at once and spin.
    /// </summary>
    private TimeSpan Ticks(long ticks) => TimeSpan.FromMilliseconds(Math.Ceiling(ticks * 1000.0 / time.TimestampFrequency));
}
