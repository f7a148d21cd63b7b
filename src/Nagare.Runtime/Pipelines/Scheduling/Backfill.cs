using System.Collections.Immutable;
using System.Globalization;

namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>The runs of a backfill: past logical dates run as if they had been scheduled.</summary>
public static class Backfill
{
    /// <summary>The most runs one backfill creates: 10,000.</summary>
    public const int MaxRuns = 10_000;

    // Past this the count in the error message is given as a lower bound rather than counted.
    private const int CountLimit = 1_000_000;

    /// <summary>
    /// The runs for logical dates <paramref name="from"/> to <paramref name="to"/>, both included, oldest first.
    /// With a schedule: one run per tick whose date in the schedule's zone is in the range (an hourly pipeline gives
    /// 24 a day, 23 or 25 on DST days), each with the data interval of <see cref="RunDates.ForTick"/>. Without one:
    /// one run per day, midnight to midnight in <paramref name="zone"/>.
    /// </summary>
    /// <param name="from">First logical date.</param>
    /// <param name="to">Last logical date, not before <paramref name="from"/>.</param>
    /// <param name="zone">The zone of a pipeline without a schedule (ignored when <paramref name="schedule"/> is given).</param>
    /// <param name="schedule">The pipeline's schedule, or null.</param>
    /// <exception cref="ArgumentException"><paramref name="from"/> is after <paramref name="to"/>, or the range has more than <see cref="MaxRuns"/> runs (the message says how many and suggests a range that fits).</exception>
    public static ImmutableArray<RunDates> Dates(DateOnly from, DateOnly to, TimeZoneInfo zone, CronSchedule? schedule)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (from > to)
        {
            throw new ArgumentException($"Backfill from {Text(from)} to {Text(to)} is empty: the first date is after the last.", nameof(from));
        }

        if (schedule is null)
        {
            var days = to.DayNumber - from.DayNumber + 1;
            if (days > MaxRuns)
            {
                throw TooMany(from, to, days.ToString("N0", CultureInfo.InvariantCulture), from.AddDays(MaxRuns - 1));
            }

            var runs = ImmutableArray.CreateBuilder<RunDates>(days);
            for (var date = from; date <= to; date = date.AddDays(1))
            {
                runs.Add(RunDates.ForDate(date, zone, null));
            }

            return runs.MoveToImmutable();
        }

        var start = ZoneTime.StartOfDay(from, schedule.Zone);
        var end = ZoneTime.StartOfDay(to.AddDays(1), schedule.Zone);

        // Between is (from, to]; ticks have one-second precision, so shifting both ends by a tick gives [start, end).
        var ticks = schedule.Between(start.AddTicks(-1), end.AddTicks(-1)).Take(MaxRuns + 1).ToList();
        if (ticks.Count > MaxRuns)
        {
            var total = schedule.Between(start.AddTicks(-1), end.AddTicks(-1)).Take(CountLimit + 1).Count();
            var count = total > CountLimit ? $"more than {CountLimit:N0}" : total.ToString("N0", CultureInfo.InvariantCulture);
            throw TooMany(from, to, count, ZoneTime.DateOf(ticks[MaxRuns], schedule.Zone).AddDays(-1));
        }

        var result = ImmutableArray.CreateBuilder<RunDates>(ticks.Count);
        DateTimeOffset? previous = ticks.Count > 0 ? schedule.PreviousBefore(ticks[0]) : null;
        foreach (var tick in ticks)
        {
            result.Add(RunDates.FromTick(schedule.Zone, tick, previous));
            previous = tick;
        }

        return result.MoveToImmutable();
    }

    private static ArgumentException TooMany(DateOnly from, DateOnly to, string count, DateOnly lastThatFits)
    {
        var hint = lastThatFits >= from
            ? $"backfill a smaller range, e.g. {Text(from)} to {Text(lastThatFits)}, then continue from {Text(lastThatFits.AddDays(1))}."
            : "a single day of this schedule has more runs than that; backfill with a less frequent schedule.";
        return new ArgumentException(
            $"Backfill from {Text(from)} to {Text(to)} would create {count} runs; at most {MaxRuns:N0} are allowed at once: {hint}",
            nameof(to));
    }

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
