namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>Which ticks of a schedule are due, given the last tick handled and the catch-up policy.</summary>
public static class DueTicks
{
    /// <summary>
    /// The ticks in (<paramref name="lastTick"/>, <paramref name="now"/>] to create runs for, by <paramref name="policy"/>:
    /// <list type="bullet">
    /// <item><see cref="CatchUp.All"/>: all of them, oldest first, at most <paramref name="maxRuns"/>; when some are left,
    /// <see cref="DueTicksResult.NewLastTick"/> is the last tick returned so the rest come on the next call.</item>
    /// <item><see cref="CatchUp.Latest"/>: only the newest.</item>
    /// <item><see cref="CatchUp.Skip"/>: only the newest, and only when <c>now - tick &lt;= skipGrace</c>; missed ticks are dropped.</item>
    /// </list>
    /// Otherwise <see cref="DueTicksResult.NewLastTick"/> is <paramref name="now"/>.
    /// When <paramref name="lastTick"/> is null (the first time a scheduler sees the pipeline) nothing is due and the
    /// mark becomes <paramref name="now"/>: history is not replayed (a backfill does that). When <paramref name="lastTick"/>
    /// is after <paramref name="now"/> (the clock went back) nothing is due and the mark stays, so no tick runs twice.
    /// </summary>
    /// <param name="schedule">The pipeline's schedule.</param>
    /// <param name="lastTick">The stored mark, or null.</param>
    /// <param name="now">The current time.</param>
    /// <param name="policy">What happens to missed ticks.</param>
    /// <param name="skipGrace">With <see cref="CatchUp.Skip"/>, how late a tick may still start (a scheduler's poll interval or so); not negative.</param>
    /// <param name="maxRuns">With <see cref="CatchUp.All"/>, the most ticks returned at once; at least 1.</param>
    public static DueTicksResult Compute(
        CronSchedule schedule, DateTimeOffset? lastTick, DateTimeOffset now, CatchUp policy, TimeSpan skipGrace, int maxRuns)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRuns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(skipGrace, TimeSpan.Zero);
        if (lastTick is not { } last)
        {
            return new([], now);
        }

        if (last >= now)
        {
            return new([], last);
        }

        switch (policy)
        {
            case CatchUp.All:
                var ticks = schedule.Between(last, now).Take(maxRuns + 1).ToList();
                return ticks.Count > maxRuns ? new([.. ticks.Take(maxRuns)], ticks[maxRuns - 1]) : new([.. ticks], now);

            case CatchUp.Latest or CatchUp.Skip:
                // Ticks have one-second precision, so "before now plus one tick" is "at or before now".
                var newest = schedule.PreviousBefore(now.AddTicks(1));
                var due = newest is { } tick && tick > last && (policy == CatchUp.Latest || now - tick <= skipGrace);
                return new(due ? [newest!.Value] : [], now);

            default:
                throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown catch-up policy.");
        }
    }
}
