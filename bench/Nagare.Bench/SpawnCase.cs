using System.Diagnostics;
using System.Globalization;

namespace Nagare.Bench;

/// <summary>
/// The floor under a pipeline of command tasks: .NET starting a program and reading its output, as a command step
/// does, with nothing of Nagare around it.
/// </summary>
internal static class SpawnCase
{
    public static async Task<int> RunAsync(int count, int parallel)
    {
        var next = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var start = new ProcessStartInfo("true") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
                using var process = Process.Start(start)!;
                process.StandardInput.Close();
                var output = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync().ConfigureAwait(false);
                await Task.WhenAll(output, errors).ConfigureAwait(false);
                process.StandardOutput.Dispose();
                process.StandardError.Dispose();
            }
        }))).ConfigureAwait(false);
        Console.WriteLine(watch.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
        return 0;
    }
}
