namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>Wall-clock arithmetic in a <see cref="TimeZoneInfo"/>, with one rule for DST gaps and overlaps.</summary>
internal static class ZoneTime
{
    /// <summary>The zone with IANA id <paramref name="id"/> (or <c>UTC</c>); <see cref="ArgumentException"/> naming it when unknown.</summary>
    public static TimeZoneInfo Find(string id, string paramName)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("A time zone is required: use an IANA id such as 'Europe/Berlin' or 'UTC'.", paramName);
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"Unknown time zone '{id}': use an IANA id such as 'Europe/Berlin', 'America/New_York' or 'UTC'.", paramName, e);
        }
    }

    /// <summary>The calendar date of <paramref name="instant"/> on the wall clocks of <paramref name="zone"/>.</summary>
    public static DateOnly DateOf(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>The first instant of <paramref name="date"/> in <paramref name="zone"/> (later than 00:00 where midnight falls in a DST gap).</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone) => AtLocal(date.ToDateTime(TimeOnly.MinValue), zone);

    /// <summary>
    /// The instant a wall-clock time names in <paramref name="zone"/>. A time inside a DST gap moves forward by the gap
    /// (02:30 on a 02:00→03:00 day is 03:30); a time inside an overlap is its first occurrence (the earlier instant).
    /// </summary>
    public static DateTimeOffset AtLocal(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // Read with the offset in force before the gap, the instant lands after it, `gap` later on the clock.
            // Gaps are at most a day long (Samoa 2011), so a day earlier is before the transition.
            var before = zone.GetUtcOffset(local.AddDays(-1));
            return TimeZoneInfo.ConvertTime(new DateTimeOffset(local, before), zone);
        }

        if (zone.IsAmbiguousTime(local))
        {
            return new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Max());
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
