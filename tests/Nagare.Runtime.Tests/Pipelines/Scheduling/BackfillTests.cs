using System.Globalization;
using Nagare.Runtime.Pipelines.Scheduling;

namespace Nagare.Runtime.Tests.Pipelines.Scheduling;

public sealed class BackfillTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    private static DateOnly Day(string text) => DateOnly.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public void Dates_DailySchedule_OneRunPerDayChained()
    {
        var schedule = CronSchedule.Parse("0 3 * * *", "Asia/Tokyo");

        var runs = Backfill.Dates(Day("2026-03-01"), Day("2026-03-03"), Utc, schedule);

        Assert.Equal([Day("2026-03-01"), Day("2026-03-02"), Day("2026-03-03")], runs.Select(r => r.LogicalDate));
        Assert.Equal(DateTimeOffset.Parse("2026-02-28T03:00:00+09:00", CultureInfo.InvariantCulture), runs[0].DataIntervalStart);
        Assert.Equal(runs[0].DataIntervalEnd, runs[1].DataIntervalStart);
        Assert.Equal(runs[1].DataIntervalEnd, runs[2].DataIntervalStart);
        Assert.Equal(runs[0], RunDates.ForTick(schedule, runs[0].ScheduledAt));
    }

    [Fact]
    public void Dates_HourlySchedule_24RunsPerDay()
    {
        var schedule = CronSchedule.Parse("0 * * * *", "Europe/Berlin");

        var runs = Backfill.Dates(Day("2026-06-01"), Day("2026-06-02"), Utc, schedule);

        Assert.Equal(48, runs.Length);
        Assert.Equal(24, runs.Count(r => r.LogicalDate == Day("2026-06-01")));
        Assert.All(runs, r => Assert.Equal(TimeSpan.FromHours(1), r.DataIntervalEnd - r.DataIntervalStart));
    }

    [Fact]
    public void Dates_NoSchedule_OneMidnightRunPerDay()
    {
        var runs = Backfill.Dates(Day("2026-01-01"), Day("2026-01-31"), Utc, null);

        Assert.Equal(31, runs.Length);
        Assert.Equal(Day("2026-01-31"), runs[^1].LogicalDate);
        Assert.All(runs, r => Assert.Equal(TimeSpan.FromDays(1), r.DataIntervalEnd - r.DataIntervalStart));
    }

    [Fact]
    public void Dates_SameDay_OneRun()
    {
        var runs = Backfill.Dates(Day("2026-01-01"), Day("2026-01-01"), Utc, null);

        Assert.Single(runs);
    }

    [Fact]
    public void Dates_FromAfterTo_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Backfill.Dates(Day("2026-03-02"), Day("2026-03-01"), Utc, null));

        Assert.Contains("2026-03-02", error.Message, StringComparison.Ordinal);
        Assert.Contains("after", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_TooManyTicks_ThrowsWithCountAndSmallerRange()
    {
        var everyMinute = CronSchedule.Parse("* * * * *", "UTC");

        var error = Assert.Throws<ArgumentException>(() => Backfill.Dates(Day("2026-03-01"), Day("2026-03-10"), Utc, everyMinute));

        Assert.Contains("14,400 runs", error.Message, StringComparison.Ordinal);
        Assert.Contains("2026-03-01 to 2026-03-06", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_MoreThanMaxRunsOnOneDay_ThrowsSuggestingLessFrequentSchedule()
    {
        var everySecond = CronSchedule.Parse("* * * * * *", "UTC");

        var error = Assert.Throws<ArgumentException>(() => Backfill.Dates(Day("2026-03-01"), Day("2026-03-01"), Utc, everySecond));

        Assert.Contains("86,400 runs", error.Message, StringComparison.Ordinal);
        Assert.Contains("single day", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_TooManyDays_ThrowsWithCount()
    {
        var error = Assert.Throws<ArgumentException>(() => Backfill.Dates(Day("2000-01-01"), Day("2030-01-01"), Utc, null));

        Assert.Contains("10,959 runs", error.Message, StringComparison.Ordinal);
    }
}
