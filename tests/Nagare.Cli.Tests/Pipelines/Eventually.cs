using System.Diagnostics;

namespace Nagare.Cli.Tests.Pipelines;

/// <summary>Waits for something other processes do, with an upper bound so a broken build fails instead of hanging.</summary>
internal static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> explain)
        where T : class
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"gave up after {timeout}: {explain()}");
            }

            await Task.Delay(200);
        }
    }
}
