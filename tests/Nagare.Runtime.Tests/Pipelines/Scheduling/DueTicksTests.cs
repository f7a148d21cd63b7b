using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Scheduling;

namespace Nagare.Runtime.Tests.Pipelines.Scheduling;

public sealed class DueTicksTests
{
    private static readonly CronSchedule Hourly = CronSchedule.Parse("0 * * * *", "UTC");
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(15);

    private static DateTimeOffset At(int hour, int minute = 0) => new(2026, 3, 10, hour, minute, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(CatchUp.Skip)]
    [InlineData(CatchUp.Latest)]
    [InlineData(CatchUp.All)]
    public void Compute_FirstSight_NoTicksAndMarkIsNow(CatchUp policy)
    {
        var result = DueTicks.Compute(Hourly, null, At(5, 30), policy, Grace, 100);

        Assert.Empty(result.Ticks);
        Assert.Equal(At(5, 30), result.NewLastTick);
    }

    [Fact]
    public void Compute_AllWithMissedTicks_ReturnsEveryTickOldestFirst()
    {
        var result = DueTicks.Compute(Hourly, At(0), At(5, 30), CatchUp.All, Grace, 100);

        Assert.Equal<DateTimeOffset>([At(1), At(2), At(3), At(4), At(5)], result.Ticks);
        Assert.Equal(At(5, 30), result.NewLastTick);
    }

    [Fact]
    public void Compute_AllBeyondMaxRuns_ReturnsOldestAndMarksLastReturned()
    {
        var first = DueTicks.Compute(Hourly, At(0), At(5, 30), CatchUp.All, Grace, 2);
        var second = DueTicks.Compute(Hourly, first.NewLastTick, At(5, 31), CatchUp.All, Grace, 2);
        var third = DueTicks.Compute(Hourly, second.NewLastTick, At(5, 32), CatchUp.All, Grace, 2);

        Assert.Equal<DateTimeOffset>([At(1), At(2)], first.Ticks);
        Assert.Equal(At(2), first.NewLastTick);
        Assert.Equal<DateTimeOffset>([At(3), At(4)], second.Ticks);
        Assert.Equal(At(4), second.NewLastTick);
        Assert.Equal<DateTimeOffset>([At(5)], third.Ticks);
        Assert.Equal(At(5, 32), third.NewLastTick);
    }

    [Fact]
    public void Compute_AllWithTickExactlyAtNow_IncludesIt()
    {
        var result = DueTicks.Compute(Hourly, At(4, 30), At(5), CatchUp.All, Grace, 100);

        Assert.Equal<DateTimeOffset>([At(5)], result.Ticks);
        Assert.Equal(At(5), result.NewLastTick);
    }

    [Theory]
    [InlineData(CatchUp.Skip)]
    [InlineData(CatchUp.Latest)]
    [InlineData(CatchUp.All)]
    public void Compute_NowExactlyAtTick_ReturnsIt(CatchUp policy)
    {
        var result = DueTicks.Compute(Hourly, At(4), At(5), policy, Grace, 100);

        Assert.Equal<DateTimeOffset>([At(5)], result.Ticks);
        Assert.Equal(At(5), result.NewLastTick);
    }

    [Theory]
    [InlineData(CatchUp.Skip)]
    [InlineData(CatchUp.Latest)]
    [InlineData(CatchUp.All)]
    public void Compute_SubSecondTimes_ReturnsTheWholeSecondTick(CatchUp policy)
    {
        var last = At(4).AddMilliseconds(250);
        var now = At(5).AddMilliseconds(750);

        var result = DueTicks.Compute(Hourly, last, now, policy, Grace, 100);

        Assert.Equal<DateTimeOffset>([At(5)], result.Ticks);
        Assert.Equal(now, result.NewLastTick);
    }

    [Fact]
    public void Compute_LatestWithMissedTicks_ReturnsOnlyNewest()
    {
        var result = DueTicks.Compute(Hourly, At(0), At(5, 30), CatchUp.Latest, Grace, 100);

        Assert.Equal<DateTimeOffset>([At(5)], result.Ticks);
        Assert.Equal(At(5, 30), result.NewLastTick);
    }

    [Fact]
    public void Compute_SkipWithinGrace_ReturnsNewest()
    {
        var result = DueTicks.Compute(Hourly, At(0), At(5, 10), CatchUp.Skip, Grace, 100);

        Assert.Equal<DateTimeOffset>([At(5)], result.Ticks);
        Assert.Equal(At(5, 10), result.NewLastTick);
    }

    [Fact]
    public void Compute_SkipPastGrace_DropsMissedTicks()
    {
        var result = DueTicks.Compute(Hourly, At(0), At(5, 30), CatchUp.Skip, Grace, 100);

        Assert.Empty(result.Ticks);
        Assert.Equal(At(5, 30), result.NewLastTick);
    }

    [Theory]
    [InlineData(CatchUp.Skip)]
    [InlineData(CatchUp.Latest)]
    [InlineData(CatchUp.All)]
    public void Compute_NoTickSinceLast_NoTicksAndMarkIsNow(CatchUp policy)
    {
        var result = DueTicks.Compute(Hourly, At(5), At(5, 59), policy, Grace, 100);

        Assert.Empty(result.Ticks);
        Assert.Equal(At(5, 59), result.NewLastTick);
    }

    [Fact]
    public void Compute_LastTickAfterNow_KeepsMarkSoNothingRunsTwice()
    {
        var result = DueTicks.Compute(Hourly, At(6), At(5, 30), CatchUp.All, Grace, 100);

        Assert.Empty(result.Ticks);
        Assert.Equal(At(6), result.NewLastTick);
    }

    [Fact]
    public void Compute_ZeroMaxRuns_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DueTicks.Compute(Hourly, At(0), At(5), CatchUp.All, Grace, 0));
    }
}
