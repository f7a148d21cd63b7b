namespace Nagare.Runtime.Notifications;

/// <summary>
/// Retries of a notice whose delivery failed for a reason that may pass (network errors, HTTP 5xx, 408 and 429,
/// SMTP 4xx replies). The wait before retry n is <see cref="FirstBackoff"/> × 2^(n-1), ±20 % at random so that many
/// notices failing together do not retry together.
/// </summary>
/// <param name="Attempts">Attempts in all, the first included; at least 1. Default 4.</param>
/// <param name="FirstBackoff">Wait before the first retry; zero or more. Default 2 s.</param>
public sealed record NoticeRetry(int Attempts, TimeSpan FirstBackoff)
{
    /// <summary>4 attempts, waiting about 2 s, 4 s and 8 s between them.</summary>
    public static NoticeRetry Default { get; } = new(4, TimeSpan.FromSeconds(2));
}
