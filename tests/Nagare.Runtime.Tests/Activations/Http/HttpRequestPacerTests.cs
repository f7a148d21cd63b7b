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
