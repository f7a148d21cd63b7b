using Nagare.Runtime.Pipelines.Scheduling;

namespace Nagare.Runtime.Tests.Pipelines.Scheduling;

public sealed class CronScheduleTests
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    // Ticks in [midnight, next midnight) on the zone's clocks (midnight is never in a gap in the zones used here).
    private static List<DateTimeOffset> TicksOnDay(CronSchedule schedule, DateOnly date)
    {
        DateTimeOffset Midnight(DateOnly d) =>
            new(d.ToDateTime(TimeOnly.MinValue), schedule.Zone.GetUtcOffset(d.ToDateTime(TimeOnly.MinValue)));

        return [.. schedule.Between(Midnight(date).AddTicks(-1), Midnight(date.AddDays(1)).AddTicks(-1))];
    }

    [Fact]
    public void Between_DailyAt0230OnSpringForwardInNewYork_RunsOnceAt0300()
    {
        var schedule = CronSchedule.Parse("30 2 * * *", "America/New_York");

        var ticks = schedule.Between(At("2026-03-07T12:00:00-05:00"), At("2026-03-09T12:00:00-04:00")).ToList();

        Assert.Equal([At("2026-03-08T03:00:00-04:00"), At("2026-03-09T02:30:00-04:00")], ticks);
        Assert.Equal(TimeSpan.FromHours(-4), ticks[0].Offset);
    }

    [Fact]
    public void Between_DailyAt0130OnFallBackInNewYork_RunsOnceAtFirstOccurrence()
    {
        var schedule = CronSchedule.Parse("30 1 * * *", "America/New_York");

        var ticks = schedule.Between(At("2026-10-31T12:00:00-04:00"), At("2026-11-01T12:00:00-05:00")).ToList();

        Assert.Equal([At("2026-11-01T01:30:00-04:00")], ticks);
    }

    [Fact]
    public void Between_DailyAt0230OnFallBackInNewYork_RunsOnce()
    {
        var schedule = CronSchedule.Parse("30 2 * * *", "America/New_York");

        var ticks = schedule.Between(At("2026-10-31T12:00:00-04:00"), At("2026-11-01T12:00:00-05:00")).ToList();

        Assert.Equal([At("2026-11-01T02:30:00-05:00")], ticks);
    }

    [Fact]
    public void Between_DailyAt0230OnSpringForwardInBerlin_RunsOnceAt0300()
    {
        var schedule = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");

        var ticks = schedule.Between(At("2026-03-28T12:00:00+01:00"), At("2026-03-29T12:00:00+02:00")).ToList();

        Assert.Equal([At("2026-03-29T03:00:00+02:00")], ticks);
    }

    [Fact]
    public void Between_DailyAt0230OnFallBackInBerlin_RunsOnceAtFirstOccurrence()
    {
        var schedule = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");

        var ticks = schedule.Between(At("2026-10-24T12:00:00+02:00"), At("2026-10-25T12:00:00+01:00")).ToList();

        Assert.Equal([At("2026-10-25T02:30:00+02:00")], ticks);
    }

    [Theory]
    [InlineData("America/New_York", "2026-03-08", 23)]
    [InlineData("America/New_York", "2026-11-01", 25)]
    [InlineData("America/New_York", "2026-06-15", 24)]
    [InlineData("Europe/Berlin", "2026-03-29", 23)]
    [InlineData("Europe/Berlin", "2026-10-25", 25)]
    public void Between_HourlyOnDstDays_HasOneTickPerElapsedHour(string zone, string day, int expected)
    {
        var schedule = CronSchedule.Parse("0 * * * *", zone);

        var ticks = TicksOnDay(schedule, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(expected, ticks.Count);
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.All(ticks.Zip(ticks.Skip(1)), pair => Assert.Equal(TimeSpan.FromHours(1), pair.Second - pair.First));
    }

    [Fact]
    public void NextAfter_TokyoWeekdayBusinessHoursOnFridayEvening_IsMondayMorning()
    {
        var schedule = CronSchedule.Parse("*/15 9-17 * * MON-FRI", "Asia/Tokyo");

        Assert.Equal(At("2026-03-16T09:00:00+09:00"), schedule.NextAfter(At("2026-03-13T17:45:00+09:00")));
        Assert.Equal(At("2026-03-13T17:45:00+09:00"), schedule.NextAfter(At("2026-03-13T17:30:00+09:00")));
        Assert.Equal(TimeSpan.FromHours(9), schedule.NextAfter(At("2026-03-13T00:00:00Z"))!.Value.Offset);
    }

    [Fact]
    public void Between_TokyoWeekdayBusinessHoursOverAWeek_Has36TicksPerWeekday()
    {
        var schedule = CronSchedule.Parse("*/15 9-17 * * MON-FRI", "Asia/Tokyo");

        var ticks = schedule.Between(At("2026-03-15T00:00:00+09:00"), At("2026-03-22T00:00:00+09:00")).ToList();

        Assert.Equal(5 * 36, ticks.Count);
        Assert.Equal(At("2026-03-16T09:00:00+09:00"), ticks[0]);
        Assert.Equal(At("2026-03-20T17:45:00+09:00"), ticks[^1]);
    }

    [Fact]
    public void NextAfter_LastDayOfMonth_IsMonthEnd()
    {
        var schedule = CronSchedule.Parse("0 0 L * *", "UTC");

        Assert.Equal(At("2026-02-28T00:00:00Z"), schedule.NextAfter(At("2026-02-01T00:00:00Z")));
        Assert.Equal(At("2026-03-31T00:00:00Z"), schedule.NextAfter(At("2026-02-28T00:00:00Z")));
        Assert.Equal(At("2028-02-29T00:00:00Z"), schedule.NextAfter(At("2028-02-01T00:00:00Z")));
    }

    [Fact]
    public void NextAfter_Day31_SkipsShortMonths()
    {
        var schedule = CronSchedule.Parse("0 0 31 * *", "UTC");

        Assert.Equal(At("2026-05-31T00:00:00Z"), schedule.NextAfter(At("2026-04-01T00:00:00Z")));
        Assert.Equal(At("2026-03-31T00:00:00Z"), schedule.NextAfter(At("2026-02-01T00:00:00Z")));
    }

    [Fact]
    public void NextAfter_February29_IsNextLeapYear()
    {
        var schedule = CronSchedule.Parse("0 0 29 2 *", "UTC");

        Assert.Equal(At("2028-02-29T00:00:00Z"), schedule.NextAfter(At("2026-03-01T00:00:00Z")));
    }

    [Fact]
    public void PreviousBefore_February29_IsLastLeapYear()
    {
        var schedule = CronSchedule.Parse("0 0 29 2 *", "UTC");

        Assert.Equal(At("2024-02-29T00:00:00Z"), schedule.PreviousBefore(At("2026-03-01T00:00:00Z")));
    }

    [Fact]
    public void PreviousBefore_Hourly_IsStrictlyBefore()
    {
        var schedule = CronSchedule.Parse("0 * * * *", "UTC");

        Assert.Equal(At("2026-03-10T10:00:00Z"), schedule.PreviousBefore(At("2026-03-10T10:30:00Z")));
        Assert.Equal(At("2026-03-10T09:00:00Z"), schedule.PreviousBefore(At("2026-03-10T10:00:00Z")));
    }

    [Fact]
    public void PreviousBefore_DailyInTokyo_IsYesterdaysTick()
    {
        var schedule = CronSchedule.Parse("0 3 * * *", "Asia/Tokyo");

        Assert.Equal(At("2026-03-09T03:00:00+09:00"), schedule.PreviousBefore(At("2026-03-10T02:00:00+09:00")));
        Assert.Equal(At("2026-03-10T03:00:00+09:00"), schedule.PreviousBefore(At("2026-03-10T03:00:01+09:00")));
    }

    [Fact]
    public void PreviousBefore_Yearly_IsNewYearOfThisYear()
    {
        var schedule = CronSchedule.Parse("0 0 1 1 *", "Europe/Berlin");

        Assert.Equal(At("2026-01-01T00:00:00+01:00"), schedule.PreviousBefore(At("2026-06-01T00:00:00+02:00")));
        Assert.Equal(At("2025-01-01T00:00:00+01:00"), schedule.PreviousBefore(At("2026-01-01T00:00:00+01:00")));
    }

    [Fact]
    public void PreviousBefore_AfterSpringForward_IsTheTickNextAfterGave()
    {
        var schedule = CronSchedule.Parse("30 2 * * *", "America/New_York");

        Assert.Equal(At("2026-03-08T03:00:00-04:00"), schedule.PreviousBefore(At("2026-03-09T02:30:00-04:00")));
    }

    [Fact]
    public void PreviousBefore_EverySecond_IsOneSecondEarlier()
    {
        var schedule = CronSchedule.Parse("* * * * * *", "UTC");

        Assert.Equal(At("2026-03-10T10:29:59Z"), schedule.PreviousBefore(At("2026-03-10T10:30:00Z")));
    }

    [Fact]
    public void PreviousBefore_SubSecondInstantJustAfterTick_IsThatTick()
    {
        var schedule = CronSchedule.Parse("0 * * * *", "UTC");

        Assert.Equal(At("2026-03-10T10:00:00Z"), schedule.PreviousBefore(At("2026-03-10T10:00:00Z").AddTicks(1)));
        Assert.Equal(At("2026-03-10T11:00:00Z"), schedule.NextAfter(At("2026-03-10T10:00:00Z").AddTicks(1)));
    }

    [Fact]
    public void PreviousBefore_NeverFiringCron_IsNull()
    {
        var schedule = CronSchedule.Parse("0 0 30 2 *", "UTC");

        Assert.Null(schedule.NextAfter(At("2026-03-10T10:00:00Z")));
        Assert.Null(schedule.PreviousBefore(At("2026-03-10T10:00:00Z")));
    }

    [Fact]
    public void NextAfter_SixFieldsWithSeconds_ReadsSecondsFirst()
    {
        var schedule = CronSchedule.Parse("30 0 0 * * *", "UTC");

        Assert.Equal(At("2026-03-10T00:00:30Z"), schedule.NextAfter(At("2026-03-10T00:00:00Z")));
    }

    [Fact]
    public void Parse_ExtraSpaces_NormalizesCron()
    {
        var schedule = CronSchedule.Parse("  0  3 * * *  ", "Asia/Tokyo");

        Assert.Equal("0 3 * * *", schedule.Cron);
        Assert.Equal("Asia/Tokyo", schedule.Zone.Id);
    }

    [Fact]
    public void Parse_ThreeFields_ThrowsNamingFieldCount()
    {
        var error = Assert.Throws<ArgumentException>(() => CronSchedule.Parse("0 0 *", "UTC"));

        Assert.Contains("3 field(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected 5", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 25 * * *", "hour field '25'")]
    [InlineData("61 0 * * *", "minute field '61'")]
    [InlineData("0 0 32 * *", "day of month field '32'")]
    [InlineData("0 0 * 13 *", "month field '13'")]
    [InlineData("0 0 * * FUNDAY", "day of week field 'FUNDAY'")]
    [InlineData("75 0 0 * * *", "second field '75'")]
    public void Parse_BadField_ThrowsNamingTheField(string cron, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => CronSchedule.Parse(cron, "UTC"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownZone_ThrowsNamingTheZone()
    {
        var error = Assert.Throws<ArgumentException>(() => CronSchedule.Parse("0 0 * * *", "Mars/Olympus_Mons"));

        Assert.Contains("Mars/Olympus_Mons", error.Message, StringComparison.Ordinal);
        Assert.Equal("timeZone", error.ParamName);
    }
}
