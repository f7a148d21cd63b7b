using Nagare.Core.Connectors;

namespace Nagare.Runtime.Replication;

/// <summary>
/// Retries an operation that failed with a transient <see cref="ConnectorException"/> (time-out, dropped
/// connection, lock conflict), waiting with exponential back-off and jitter between attempts.
/// </summary>
/// <param name="MaxAttempts">Attempts in all, including the first (default 4).</param>
/// <param name="BaseDelay">Wait before the second attempt; doubled for each further one (default 1 s).</param>
/// <param name="MaxDelay">Longest wait (default 30 s).</param>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <summary>4 attempts, 1 s doubling up to 30 s.</summary>
    public static RetryPolicy Default { get; } = new(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based): full back-off times a jitter factor in [0.5, 1).</summary>
    public TimeSpan DelayAfter(int attempt, double jitter)
    {
        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Math.Clamp(jitter, 0, 1) / 2)));
    }

    /// <summary>Runs <paramref name="operation"/> (given the attempt number) until it succeeds, fails permanently or attempts run out.</summary>
    public async Task<T> ExecuteAsync<T>(Func<int, CancellationToken, Task<T>> operation, TimeProvider time, Action<int, TimeSpan, ConnectorException>? onRetry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(time);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectorException e) when (e.IsTransient && attempt < MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                var delay = DelayAfter(attempt, Random.Shared.NextDouble());
                onRetry?.Invoke(attempt, delay, e);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
