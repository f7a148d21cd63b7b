using Nagare.Runtime.Activations.Http;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Activations.Http;

/// <summary>The pacer on a clock the test moves: starts spaced, and a request counted until a window after its answer.</summary>
public sealed class HttpRequestPacerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(50.0, 50)]
    [InlineData(2.5, 2)]
    [InlineData(0.5, 1)]
    public void Permits_AreTheWholeRequestsOfTheRate_AtLeastOne(double rate, int permits) =>
        Assert.Equal(permits, new HttpRequestPacer(rate, new ManualClock(Start)).Permits);

    [Fact]
    public async Task WaitAsync_AllCounted_WaitsUntilAWindowAfterAnAnswer_NotOnlyForTheSpacing()
    {
        var clock = new ManualClock(Start);
        var pacer = new HttpRequestPacer(2, clock);

        await pacer.WaitAsync(CancellationToken.None);
        var second = pacer.WaitAsync(CancellationToken.None);
        await WhenTimersAsync(clock, 1);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        await second.WaitAsync(TimeSpan.FromSeconds(10));

        // Two requests in flight: the spacing would allow a third at 1 s, the window does not while they count.
        var third = pacer.WaitAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        Assert.False(third.IsCompleted);

        pacer.Answered();
        await WhenTimersAsync(clock, 1);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(50);
        Assert.False(third.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await third.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(20, 20)] // behind by 20 slots: all taken at once
    [InlineData(1000, 51)] // behind by a second: only the slots of the last 50 ms, and the one now
    public async Task WaitAsync_BehindItsSchedule_TakesTheSlotsMissedWithinTheCatchUpAtOnce(int stalledMs, int atOnce)
    {
        var clock = new ManualClock(Start);
        var pacer = new HttpRequestPacer(1000, clock);
        await pacer.WaitAsync(CancellationToken.None);
        pacer.Answered();

        // The senders were all busy (or a timer fired late): the slots of that time were not used.
        clock.Advance(TimeSpan.FromMilliseconds(stalledMs));
        for (var i = 0; i < atOnce; i++)
        {
            var turn = pacer.WaitAsync(CancellationToken.None);
            Assert.True(turn.IsCompleted, $"turn {i + 1} waited");
            await turn;
            pacer.Answered();
        }

        var next = pacer.WaitAsync(CancellationToken.None);
        Assert.False(next.IsCompleted);
        await WhenTimersAsync(clock, 1);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WaitAsync_OnSchedule_SpacesStartsOneIntervalApartFromTheFirst()
    {
        var clock = new ManualClock(Start);
        var pacer = new HttpRequestPacer(1000, clock);

        await pacer.WaitAsync(CancellationToken.None);
        var second = pacer.WaitAsync(CancellationToken.None);

        Assert.False(second.IsCompleted);
        await WhenTimersAsync(clock, 1);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WaitAsync_NoRate_NeverWaits()
    {
        var pacer = new HttpRequestPacer(null, new ManualClock(Start));

        for (var i = 0; i < 1000; i++)
        {
            var turn = pacer.WaitAsync(CancellationToken.None);
            Assert.True(turn.IsCompleted);
            await turn;
        }
    }

    /// <summary>Until the pacer's waiters have set their timers (they do so on the thread pool).</summary>
    private static async Task WhenTimersAsync(ManualClock clock, int count)
    {
        for (var i = 0; i < 1000 && clock.PendingTimers < count; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(count, clock.PendingTimers);
    }
}
