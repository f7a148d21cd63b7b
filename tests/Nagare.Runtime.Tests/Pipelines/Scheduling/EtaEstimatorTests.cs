using System.Collections.Immutable;
using Nagare.Runtime.Pipelines.Scheduling;

namespace Nagare.Runtime.Tests.Pipelines.Scheduling;

public sealed class EtaEstimatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 3, 0, 0, TimeSpan.Zero);

    private static EtaStep Step(string name, EtaStepState state, TimeSpan expected, DateTimeOffset? startedAt = null, params string[] after) =>
        new(name, [.. after], state, startedAt, expected);

    private static TimeSpan Minutes(double m) => TimeSpan.FromMinutes(m);

    [Fact]
    public void Estimate_DiamondWithOneRunningStep_WaitsForSlowestBranch()
    {
        // extract → (load, check) → report; load has run 10 of its 30 minutes.
        EtaStep[] steps =
        [
            Step("report", EtaStepState.Waiting, Minutes(10), null, "load", "check"),
            Step("load", EtaStepState.Running, Minutes(30), Now - Minutes(10), "extract"),
            Step("check", EtaStepState.Waiting, Minutes(5), null, "extract"),
            Step("extract", EtaStepState.Done, Minutes(60)),
        ];

        Assert.Equal(Now + Minutes(30), EtaEstimator.Estimate(steps, Now));
    }

    [Fact]
    public void Estimate_RunningStepOverdue_FinishesNoEarlierThanNow()
    {
        EtaStep[] steps =
        [
            Step("load", EtaStepState.Running, Minutes(30), Now - Minutes(45)),
            Step("report", EtaStepState.Waiting, Minutes(10), null, "load"),
        ];

        Assert.Equal(Now + Minutes(10), EtaEstimator.Estimate(steps, Now));
    }

    [Fact]
    public void Estimate_AllDone_IsNow()
    {
        EtaStep[] steps = [Step("a", EtaStepState.Done, Minutes(5)), Step("b", EtaStepState.Done, Minutes(5), null, "a")];

        Assert.Equal(Now, EtaEstimator.Estimate(steps, Now));
        Assert.Equal(Now, EtaEstimator.Estimate([], Now));
    }

    [Fact]
    public void Estimate_ChainOf10000StepsInReverseOrder_SumsWithoutRecursion()
    {
        var steps = Enumerable.Range(0, 10_000)
            .Reverse()
            .Select(i => new EtaStep($"s{i}", i == 0 ? [] : [$"s{i - 1}"], EtaStepState.Waiting, null, TimeSpan.FromSeconds(1)))
            .ToList();

        Assert.Equal(Now + TimeSpan.FromSeconds(10_000), EtaEstimator.Estimate(steps, Now));
    }

    [Fact]
    public void Estimate_DefaultAfter_TreatedAsNone()
    {
        EtaStep[] steps = [new("a", default, EtaStepState.Waiting, null, Minutes(5))];

        Assert.Equal(Now + Minutes(5), EtaEstimator.Estimate(steps, Now));
    }

    [Fact]
    public void Estimate_Cycle_Throws()
    {
        EtaStep[] steps =
        [
            Step("a", EtaStepState.Waiting, Minutes(1), null, "b"),
            Step("b", EtaStepState.Waiting, Minutes(1), null, "a"),
        ];

        var error = Assert.Throws<ArgumentException>(() => EtaEstimator.Estimate(steps, Now));

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimate_UnknownAfter_ThrowsNamingIt()
    {
        EtaStep[] steps = [Step("a", EtaStepState.Waiting, Minutes(1), null, "ghost")];

        var error = Assert.Throws<ArgumentException>(() => EtaEstimator.Estimate(steps, Now));

        Assert.Contains("'ghost'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(90, 9)]
    [InlineData(50, 5)]
    [InlineData(70, 7)]
    [InlineData(100, 10)]
    [InlineData(0, 1)]
    [InlineData(91, 10)]
    public void Percentile_OneToTenMinutesShuffled_NearestRank(double p, int expectedMinutes)
    {
        TimeSpan[] samples = [.. new[] { 7, 3, 10, 1, 9, 2, 8, 5, 4, 6 }.Select(m => Minutes(m))];

        Assert.Equal(Minutes(expectedMinutes), EtaEstimator.Percentile(samples, p));
    }

    [Fact]
    public void Percentile_NoSamples_IsZero()
    {
        Assert.Equal(TimeSpan.Zero, EtaEstimator.Percentile([], 90));
    }

    [Fact]
    public void Percentile_OneSample_IsThatSample()
    {
        Assert.Equal(Minutes(4), EtaEstimator.Percentile([Minutes(4)], 90));
    }

    [Fact]
    public void Percentile_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EtaEstimator.Percentile([Minutes(4)], 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => EtaEstimator.Percentile([Minutes(4)], double.NaN));
    }

    [Fact]
    public void Estimate_StepsAsImmutableList_Accepted()
    {
        var steps = ImmutableList.Create(Step("a", EtaStepState.Waiting, Minutes(2)));

        Assert.Equal(Now + Minutes(2), EtaEstimator.Estimate(steps, Now));
    }
}
