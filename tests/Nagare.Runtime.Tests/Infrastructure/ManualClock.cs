namespace Nagare.Runtime.Tests.Infrastructure;

/// <summary>
/// A clock that moves only when the test moves it: <see cref="Set"/> and <see cref="Advance"/> change the time and fire
/// the timers that came due (<c>Task.Delay</c>, <c>CancellationTokenSource(TimeSpan, TimeProvider)</c>), on the thread
/// pool, so code waiting on this clock waits until the test says the time has come. Unlike
/// <see cref="FakeTimeProvider"/>, nothing advances by itself.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now;

    public ManualClock(DateTimeOffset start)
    {
        now = start;
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers waiting to fire.</summary>
    public int PendingTimers
    {
        get
        {
            lock (gate)
            {
                return timers.Count;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate)
        {
            return now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves the clock to <paramref name="time"/> (never back) and fires the timers now due.</summary>
    public void Set(DateTimeOffset time)
    {
        List<ManualTimer> due;
        lock (gate)
        {
            if (time < now)
            {
                throw new InvalidOperationException($"the clock does not go back: {time:O} is before {now:O}");
            }

            now = time;
            due = [.. timers.Where(t => t.Due <= now)];
            foreach (var timer in due)
            {
                timer.Fired(now);
                if (timer.Due is null)
                {
                    timers.Remove(timer);
                }
            }
        }

        foreach (var timer in due)
        {
            ThreadPool.QueueUserWorkItem(_ => timer.Callback(timer.State));
        }
    }

    public void Advance(TimeSpan by) => Set(GetUtcNow() + by);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Schedule(ManualTimer timer)
    {
        bool fireNow;
        lock (gate)
        {
            timers.Remove(timer);
            fireNow = timer.Due <= now;
            if (fireNow)
            {
                timer.Fired(now);
            }

            if (timer.Due is not null)
            {
                timers.Add(timer);
            }
        }

        if (fireNow)
        {
            ThreadPool.QueueUserWorkItem(_ => timer.Callback(timer.State));
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (gate)
        {
            timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan period = Timeout.InfiniteTimeSpan;

        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        /// <summary>When it fires next, or null when it does not.</summary>
        public DateTimeOffset? Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            this.period = period;
            Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
            clock.Schedule(this);
            return true;
        }

        /// <summary>Called under the clock's lock when the timer fires at <paramref name="at"/>.</summary>
        public void Fired(DateTimeOffset at) =>
            Due = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : at + period;

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
