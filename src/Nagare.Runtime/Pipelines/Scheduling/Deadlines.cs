namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>When a run (or step) must be finished by, and how it stands against that.</summary>
public static class Deadlines
{
    /// <summary>
    /// The deadline of a run scheduled at <paramref name="scheduledAt"/>: the earlier of
    /// <list type="bullet">
    /// <item>the first <see cref="DeadlineConfig.TimeOfDay"/> in <see cref="DeadlineConfig.TimeZone"/> at or after
    /// <paramref name="scheduledAt"/> (a time inside a DST gap moves forward by the gap: 02:30 on a 02:00→03:00 day is 03:30;
    /// a time in an overlap is its first occurrence), and</item>
    /// <item><see cref="DeadlineConfig.MaxDuration"/> after <paramref name="startedAt"/>; before the run has started,
    /// after <paramref name="scheduledAt"/>, so time spent queued counts against the budget and a run that never
    /// starts still becomes late.</item>
    /// </list>
    /// Null when neither is set.
    /// </summary>
    /// <exception cref="ArgumentException">The deadline's time zone is unknown.</exception>
    public static DateTimeOffset? DeadlineFor(DeadlineConfig deadline, DateTimeOffset scheduledAt, DateTimeOffset? startedAt)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        DateTimeOffset? byTime = null;
        if (deadline.TimeOfDay is { } timeOfDay)
        {
            var zone = ZoneTime.Find(deadline.TimeZone, nameof(deadline));
            var date = ZoneTime.DateOf(scheduledAt, zone);
            var candidate = ZoneTime.AtLocal(date.ToDateTime(timeOfDay), zone);
            byTime = candidate >= scheduledAt ? candidate : ZoneTime.AtLocal(date.AddDays(1).ToDateTime(timeOfDay), zone);
        }

        DateTimeOffset? byDuration = deadline.MaxDuration is { } max ? (startedAt ?? scheduledAt) + max : null;
        return (byTime, byDuration) switch
        {
            ({ } t, { } d) => t <= d ? t : d,
            _ => byTime ?? byDuration,
        };
    }

    /// <summary>
    /// How a run stands: finished (<paramref name="finishedAt"/> set) → <see cref="SloStatus.Met"/> when at or before
    /// the deadline, else <see cref="SloStatus.Missed"/>; unfinished → <see cref="SloStatus.Late"/> when
    /// <paramref name="now"/> is past the deadline, <see cref="SloStatus.AtRisk"/> when <paramref name="eta"/> is, else
    /// <see cref="SloStatus.OnTrack"/>. Without a deadline: <see cref="SloStatus.Met"/> or <see cref="SloStatus.OnTrack"/>.
    /// </summary>
    /// <param name="deadline">From <see cref="DeadlineFor"/>, or null.</param>
    /// <param name="now">The current time.</param>
    /// <param name="eta">The expected finish time (<see cref="EtaEstimator.Estimate"/>).</param>
    /// <param name="finishedAt">When the run finished, or null.</param>
    public static SloStatus Evaluate(DateTimeOffset? deadline, DateTimeOffset now, DateTimeOffset eta, DateTimeOffset? finishedAt)
    {
        if (finishedAt is { } finished)
        {
            return deadline is not { } d || finished <= d ? SloStatus.Met : SloStatus.Missed;
        }

        return deadline switch
        {
            null => SloStatus.OnTrack,
            { } d when now > d => SloStatus.Late,
            { } d when eta > d => SloStatus.AtRisk,
            _ => SloStatus.OnTrack,
        };
    }
}
