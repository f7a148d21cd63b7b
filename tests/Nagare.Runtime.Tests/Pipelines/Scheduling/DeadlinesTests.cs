using System.Globalization;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Scheduling;

namespace Nagare.Runtime.Tests.Pipelines.Scheduling;

public sealed class DeadlinesTests
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    private static DeadlineConfig Deadline(string? timeOfDay, string zone, TimeSpan? maxDuration = null) =>
        new(timeOfDay is null ? null : TimeOnly.Parse(timeOfDay, CultureInfo.InvariantCulture), zone, maxDuration, default!);

    [Fact]
    public void DeadlineFor_0800TokyoForRunAt0300_IsSameDay()
    {
        var deadline = Deadlines.DeadlineFor(Deadline("08:00", "Asia/Tokyo"), At("2026-03-10T03:00:00+09:00"), null);

        Assert.Equal(At("2026-03-10T08:00:00+09:00"), deadline);
    }

    [Fact]
    public void DeadlineFor_0800TokyoForRunAt0900_IsNextDay()
    {
        var deadline = Deadlines.DeadlineFor(Deadline("08:00", "Asia/Tokyo"), At("2026-03-10T09:00:00+09:00"), null);

        Assert.Equal(At("2026-03-11T08:00:00+09:00"), deadline);
    }

    [Fact]
    public void DeadlineFor_ScheduledExactlyAtTimeOfDay_IsThatInstant()
    {
        var deadline = Deadlines.DeadlineFor(Deadline("08:00", "Asia/Tokyo"), At("2026-03-10T08:00:00+09:00"), null);

        Assert.Equal(At("2026-03-10T08:00:00+09:00"), deadline);
    }

    [Fact]
    public void DeadlineFor_TimeInSpringForwardGapInNewYork_MovesForwardByTheGap()
    {
        var deadline = Deadlines.DeadlineFor(Deadline("02:30", "America/New_York"), At("2026-03-08T00:30:00-05:00"), null);

        Assert.Equal(At("2026-03-08T03:30:00-04:00"), deadline);
    }

    [Fact]
    public void DeadlineFor_ScheduledInUtc_ReadsTimeOfDayInDeadlineZone()
    {
        // 2026-03-09T20:00Z is 05:00 on the 10th in Tokyo.
        var deadline = Deadlines.DeadlineFor(Deadline("08:00", "Asia/Tokyo"), At("2026-03-09T20:00:00Z"), null);

        Assert.Equal(At("2026-03-10T08:00:00+09:00"), deadline);
    }

    [Fact]
    public void DeadlineFor_MaxDurationEarlierThanTimeOfDay_IsStartPlusDuration()
    {
        var deadline = Deadlines.DeadlineFor(
            Deadline("08:00", "Asia/Tokyo", TimeSpan.FromHours(2)), At("2026-03-10T03:00:00+09:00"), At("2026-03-10T03:10:00+09:00"));

        Assert.Equal(At("2026-03-10T05:10:00+09:00"), deadline);
    }

    [Fact]
    public void DeadlineFor_MaxDurationNotStarted_CountsFromScheduledTime()
    {
        var deadline = Deadlines.DeadlineFor(Deadline(null, "UTC", TimeSpan.FromHours(2)), At("2026-03-10T03:00:00Z"), null);

        Assert.Equal(At("2026-03-10T05:00:00Z"), deadline);
    }

    [Fact]
    public void DeadlineFor_TimeOfDayEarlierThanMaxDuration_IsTimeOfDay()
    {
        var deadline = Deadlines.DeadlineFor(
            Deadline("04:00", "Asia/Tokyo", TimeSpan.FromHours(2)), At("2026-03-10T03:00:00+09:00"), At("2026-03-10T03:00:00+09:00"));

        Assert.Equal(At("2026-03-10T04:00:00+09:00"), deadline);
    }

    [Fact]
    public void DeadlineFor_NeitherSet_IsNull()
    {
        Assert.Null(Deadlines.DeadlineFor(Deadline(null, "UTC"), At("2026-03-10T03:00:00Z"), null));
    }

    [Fact]
    public void DeadlineFor_UnknownZone_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => Deadlines.DeadlineFor(Deadline("08:00", "Nowhere/City"), At("2026-03-10T03:00:00Z"), null));

        Assert.Contains("Nowhere/City", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-03-10T07:00Z", "2026-03-10T07:30Z", null, SloStatus.OnTrack)]
    [InlineData("2026-03-10T07:00Z", "2026-03-10T08:30Z", null, SloStatus.AtRisk)]
    [InlineData("2026-03-10T08:01Z", "2026-03-10T08:30Z", null, SloStatus.Late)]
    [InlineData("2026-03-10T09:00Z", "2026-03-10T09:00Z", "2026-03-10T08:00Z", SloStatus.Met)]
    [InlineData("2026-03-10T09:00Z", "2026-03-10T09:00Z", "2026-03-10T08:00:01Z", SloStatus.Missed)]
    public void Evaluate_DeadlineAt0800_Status(string now, string eta, string? finishedAt, SloStatus expected)
    {
        var status = Deadlines.Evaluate(At("2026-03-10T08:00Z"), At(now), At(eta), finishedAt is null ? null : At(finishedAt));

        Assert.Equal(expected, status);
    }

    [Fact]
    public void Evaluate_NoDeadline_OnTrackOrMet()
    {
        Assert.Equal(SloStatus.OnTrack, Deadlines.Evaluate(null, At("2026-03-10T08:00Z"), At("2030-01-01T00:00Z"), null));
        Assert.Equal(SloStatus.Met, Deadlines.Evaluate(null, At("2026-03-10T08:00Z"), At("2026-03-10T08:00Z"), At("2026-03-10T08:00Z")));
    }
}
