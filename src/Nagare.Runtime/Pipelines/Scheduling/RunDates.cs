using System.Collections.Immutable;
using System.Globalization;

namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>
/// The dates of one run: its logical date, when it was scheduled and the data interval it covers, all on the wall
/// clocks of one time zone. Source of the template built-ins (<see cref="BuiltIns"/>).
/// </summary>
/// <param name="LogicalDate">The date the run is for: the date of its tick in the zone (for a manual run, the date asked for or today).</param>
/// <param name="ScheduledAt">When the run was due: its tick, the start of a manual run, or midnight of a date without a tick; in the zone's offset.</param>
/// <param name="DataIntervalStart">Start of the data the run covers: the previous tick for a scheduled run, else midnight of the logical date.</param>
/// <param name="DataIntervalEnd">End of the data the run covers: the tick for a scheduled run, else the next midnight.</param>
/// <param name="TimeZone">IANA id of the zone.</param>
public sealed record RunDates(
    DateOnly LogicalDate,
    DateTimeOffset ScheduledAt,
    DateTimeOffset DataIntervalStart,
    DateTimeOffset DataIntervalEnd,
    string TimeZone)
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string InstantFormat = "yyyy-MM-dd'T'HH:mm:sszzz";

    /// <summary>The run of a scheduled tick: the logical date is the tick's date in the schedule's zone; the data interval runs from the previous tick to this one (from midnight when there is no previous tick).</summary>
    /// <param name="schedule">The pipeline's schedule.</param>
    /// <param name="tick">A tick of <paramref name="schedule"/> (taken as given, not checked).</param>
    public static RunDates ForTick(CronSchedule schedule, DateTimeOffset tick)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return FromTick(schedule.Zone, tick, schedule.PreviousBefore(tick));
    }

    /// <summary>
    /// A manual or backfill run for <paramref name="date"/>. With a schedule it is the run of the schedule's first tick
    /// on that date (<see cref="ForTick"/>) and the schedule's zone is used; with no schedule, or no tick that date,
    /// it is scheduled at midnight and covers midnight to the next midnight in the zone.
    /// </summary>
    /// <param name="date">The logical date.</param>
    /// <param name="zone">The zone of a pipeline without a schedule (ignored when <paramref name="schedule"/> is given).</param>
    /// <param name="schedule">The pipeline's schedule, or null.</param>
    public static RunDates ForDate(DateOnly date, TimeZoneInfo zone, CronSchedule? schedule)
    {
        ArgumentNullException.ThrowIfNull(zone);
        zone = schedule?.Zone ?? zone;
        var start = ZoneTime.StartOfDay(date, zone);
        var end = ZoneTime.StartOfDay(date.AddDays(1), zone);
        if (schedule?.NextAfter(start.AddTicks(-1)) is { } tick && tick < end)
        {
            return ForTick(schedule, tick);
        }

        return new(date, start, start, end, zone.Id);
    }

    /// <summary>
    /// A manual run started at <paramref name="now"/>: the logical date is today in the zone (the schedule's, when given),
    /// and the data interval is today's midnight to the next midnight.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="zone">The zone of a pipeline without a schedule (ignored when <paramref name="schedule"/> is given).</param>
    /// <param name="schedule">The pipeline's schedule, or null.</param>
    public static RunDates ForNow(DateTimeOffset now, TimeZoneInfo zone, CronSchedule? schedule)
    {
        ArgumentNullException.ThrowIfNull(zone);
        zone = schedule?.Zone ?? zone;
        var date = ZoneTime.DateOf(now, zone);
        return new(date, TimeZoneInfo.ConvertTime(now, zone), ZoneTime.StartOfDay(date, zone), ZoneTime.StartOfDay(date.AddDays(1), zone), zone.Id);
    }

    /// <summary>
    /// The template built-ins of the run: <c>logical_date</c>, <c>ds</c> and <c>today</c> (the logical date, <c>yyyy-MM-dd</c>),
    /// <c>ds_nodash</c> (<c>yyyyMMdd</c>), <c>yesterday</c> and <c>tomorrow</c> (a day either side), <c>data_interval_start</c>,
    /// <c>data_interval_end</c> and <c>ts</c> (the scheduled time) as ISO 8601 with the zone's offset
    /// (<c>2026-03-10T03:00:00+09:00</c>), and <c>timezone</c> (the IANA id).
    /// </summary>
    public ImmutableSortedDictionary<string, string> BuiltIns()
    {
        var culture = CultureInfo.InvariantCulture;
        var date = LogicalDate.ToString(DateFormat, culture);
        var builtIns = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        builtIns["logical_date"] = date;
        builtIns["ds"] = date;
        builtIns["ds_nodash"] = LogicalDate.ToString("yyyyMMdd", culture);
        builtIns["today"] = date;
        builtIns["yesterday"] = LogicalDate.AddDays(-1).ToString(DateFormat, culture);
        builtIns["tomorrow"] = LogicalDate.AddDays(1).ToString(DateFormat, culture);
        builtIns["data_interval_start"] = DataIntervalStart.ToString(InstantFormat, culture);
        builtIns["data_interval_end"] = DataIntervalEnd.ToString(InstantFormat, culture);
        builtIns["ts"] = ScheduledAt.ToString(InstantFormat, culture);
        builtIns["timezone"] = TimeZone;
        return builtIns.ToImmutable();
    }

    /// <summary>The run of <paramref name="tick"/> whose previous tick is <paramref name="previous"/> (null: none).</summary>
    internal static RunDates FromTick(TimeZoneInfo zone, DateTimeOffset tick, DateTimeOffset? previous)
    {
        var at = TimeZoneInfo.ConvertTime(tick, zone);
        var date = DateOnly.FromDateTime(at.DateTime);
        var start = previous is { } p ? TimeZoneInfo.ConvertTime(p, zone) : ZoneTime.StartOfDay(date, zone);
        return new(date, at, start, at, zone.Id);
    }
}
