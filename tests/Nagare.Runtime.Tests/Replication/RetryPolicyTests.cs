using Nagare.Core.Connectors;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

public sealed class RetryPolicyTests
{
    [Fact]
    public async Task ExecuteAsync_TransientTwice_SucceedsOnThirdAttemptAfterBackOff()
    {
        var clock = new FakeTimeProvider();
        var policy = new RetryPolicy(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        var attempts = 0;

        var result = await policy.ExecuteAsync(
            (attempt, _) => ++attempts < 3 ? throw new ConnectorException("connection reset") { IsTransient = true } : Task.FromResult(attempt),
            clock,
            null,
            CancellationToken.None);

        Assert.Equal(3, result);
        Assert.Equal(2, clock.Waits.Count);
        Assert.InRange(clock.Waits[0].TotalMilliseconds, 500, 1000);
        Assert.InRange(clock.Waits[1].TotalMilliseconds, 1000, 2000);
    }

    [Fact]
    public async Task ExecuteAsync_PermanentError_IsNotRetried()
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;

        await Assert.ThrowsAsync<ConnectorException>(() => RetryPolicy.Default.ExecuteAsync<int>(
            (_, _) => { attempts++; throw new ConnectorException("bad password"); },
            clock,
            null,
            CancellationToken.None));

        Assert.Equal(1, attempts);
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task ExecuteAsync_AlwaysTransient_GivesUpAfterMaxAttempts()
    {
        var clock = new FakeTimeProvider();
        var attempts = 0;

        var e = await Assert.ThrowsAsync<ConnectorException>(() => new RetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)).ExecuteAsync<int>(
            (_, _) => { attempts++; throw new ConnectorException("timeout") { IsTransient = true }; },
            clock,
            null,
            CancellationToken.None));

        Assert.Equal("timeout", e.Message);
        Assert.Equal(3, attempts);
        Assert.Equal(2, clock.Waits.Count);
    }

    [Fact]
    public void DelayAfter_GrowsExponentiallyUpToMax()
    {
        var policy = new RetryPolicy(10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(1), policy.DelayAfter(1, 1));
        Assert.Equal(TimeSpan.FromSeconds(4), policy.DelayAfter(3, 1));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.DelayAfter(8, 1));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.DelayAfter(3, 0));
    }
}
