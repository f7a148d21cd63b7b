using System.Globalization;
using Nagare.Runtime.Pipelines.Scheduling;

namespace Nagare.Runtime.Tests.Pipelines.Scheduling;

public sealed class RunDatesTests
{
    private static readonly CronSchedule TokyoAt3 = CronSchedule.Parse("0 3 * * *", "Asia/Tokyo");
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    [Fact]
    public void BuiltIns_TickAt0300InTokyo_UseTheJapaneseDateAndPreviousTick()
    {
        // 03:00 JST is still the previous day in UTC: the logical date must be read in the schedule's zone.
        var run = RunDates.ForTick(TokyoAt3, At("2026-03-09T18:00:00Z"));

        var builtIns = run.BuiltIns();

        Assert.Equal(new DateOnly(2026, 3, 10), run.LogicalDate);
        Assert.Equal("2026-03-10", builtIns["logical_date"]);
        Assert.Equal("2026-03-10", builtIns["ds"]);
        Assert.Equal("2026-03-10", builtIns["today"]);
        Assert.Equal("20260310", builtIns["ds_nodash"]);
        Assert.Equal("2026-03-09", builtIns["yesterday"]);
        Assert.Equal("2026-03-11", builtIns["tomorrow"]);
        Assert.Equal("2026-03-09T03:00:00+09:00", builtIns["data_interval_start"]);
        Assert.Equal("2026-03-10T03:00:00+09:00", builtIns["data_interval_end"]);
        Assert.Equal("2026-03-10T03:00:00+09:00", builtIns["ts"]);
        Assert.Equal("Asia/Tokyo", builtIns["timezone"]);
        Assert.Equal(10, builtIns.Count);
    }

    [Fact]
    public void ForTick_HourlyTick_IntervalIsPreviousHour()
    {
        var schedule = CronSchedule.Parse("0 * * * *", "Europe/Berlin");

        var run = RunDates.ForTick(schedule, At("2026-03-10T14:00:00+01:00"));

        Assert.Equal(At("2026-03-10T13:00:00+01:00"), run.DataIntervalStart);
        Assert.Equal(At("2026-03-10T14:00:00+01:00"), run.DataIntervalEnd);
        Assert.Equal(run.DataIntervalEnd, run.ScheduledAt);
    }

    [Fact]
    public void ForDate_ScheduleTicksThatDay_IsTheRunOfTheFirstTick()
    {
        var run = RunDates.ForDate(new DateOnly(2026, 3, 10), NewYork, TokyoAt3);

        Assert.Equal(At("2026-03-10T03:00:00+09:00"), run.ScheduledAt);
        Assert.Equal(At("2026-03-09T03:00:00+09:00"), run.DataIntervalStart);
        Assert.Equal("Asia/Tokyo", run.TimeZone);
    }

    [Fact]
    public void ForDate_NoTickThatDay_CoversMidnightToMidnight()
    {
        var weekdays = CronSchedule.Parse("0 3 * * MON-FRI", "Asia/Tokyo");

        var run = RunDates.ForDate(new DateOnly(2026, 3, 14), Tokyo, weekdays);

        Assert.Equal(new DateOnly(2026, 3, 14), run.LogicalDate);
        Assert.Equal(At("2026-03-14T00:00:00+09:00"), run.ScheduledAt);
        Assert.Equal(At("2026-03-14T00:00:00+09:00"), run.DataIntervalStart);
        Assert.Equal(At("2026-03-15T00:00:00+09:00"), run.DataIntervalEnd);
    }

    [Fact]
    public void ForDate_NoScheduleOnSpringForwardDay_IntervalIs23Hours()
    {
        var run = RunDates.ForDate(new DateOnly(2026, 3, 8), NewYork, null);

        Assert.Equal(At("2026-03-08T00:00:00-05:00"), run.DataIntervalStart);
        Assert.Equal(At("2026-03-09T00:00:00-04:00"), run.DataIntervalEnd);
        Assert.Equal(TimeSpan.FromHours(23), run.DataIntervalEnd - run.DataIntervalStart);
        Assert.Equal("America/New_York", run.TimeZone);
    }

    [Fact]
    public void ForNow_EveningInUtc_LogicalDateIsTodayInTokyo()
    {
        var run = RunDates.ForNow(At("2026-03-09T20:00:00Z"), Tokyo, null);

        Assert.Equal(new DateOnly(2026, 3, 10), run.LogicalDate);
        Assert.Equal(At("2026-03-10T05:00:00+09:00"), run.ScheduledAt);
        Assert.Equal(TimeSpan.FromHours(9), run.ScheduledAt.Offset);
        Assert.Equal(At("2026-03-10T00:00:00+09:00"), run.DataIntervalStart);
        Assert.Equal(At("2026-03-11T00:00:00+09:00"), run.DataIntervalEnd);
        Assert.Equal("2026-03-10T05:00:00+09:00", run.BuiltIns()["ts"]);
    }

    [Fact]
    public void ForNow_WithSchedule_UsesTheSchedulesZone()
    {
        var run = RunDates.ForNow(At("2026-03-09T20:00:00Z"), NewYork, TokyoAt3);

        Assert.Equal(new DateOnly(2026, 3, 10), run.LogicalDate);
        Assert.Equal("Asia/Tokyo", run.TimeZone);
    }
}
