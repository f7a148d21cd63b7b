using System.Collections.Concurrent;

namespace Nagare.Server.Auth;

/// <summary>
/// Slows password guessing: after <see cref="MaxFailures"/> failed sign-ins for one user name from one address within
/// <see cref="Window"/>, further tries from there are refused until the window has passed (a right password too).
/// </summary>
public sealed class SignInThrottle
{
    /// <summary>Failed sign-ins allowed in a window.</summary>
    public const int MaxFailures = 5;

    /// <summary>How long failures count.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<(string Name, string Address), (int Failures, DateTimeOffset First)> failures = new();
    private readonly TimeProvider time;

    /// <summary>Creates the throttle.</summary>
    public SignInThrottle(TimeProvider time)
    {
        this.time = time;
    }

    /// <summary>How long <paramref name="name"/> from <paramref name="address"/> must wait before trying again, or null when it may try now.</summary>
    public TimeSpan? WaitFor(string name, string? address)
    {
        var now = time.GetUtcNow();
        if (failures.TryGetValue((name, address ?? string.Empty), out var entry) && now - entry.First < Window && entry.Failures >= MaxFailures)
        {
            return entry.First + Window - now;
        }

        return null;
    }

    /// <summary>Counts a failed sign-in.</summary>
    public void Failed(string name, string? address)
    {
        var now = time.GetUtcNow();
        failures.AddOrUpdate((name, address ?? string.Empty), (1, now), (_, entry) => now - entry.First >= Window ? (1, now) : (entry.Failures + 1, entry.First));
    }

    /// <summary>Forgets the failures of a sign-in that succeeded.</summary>
    public void Succeeded(string name, string? address) => failures.TryRemove((name, address ?? string.Empty), out _);
}
