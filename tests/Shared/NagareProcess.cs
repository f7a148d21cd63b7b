using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Nagare.Testing;

/// <summary>A real <c>nagare</c> process (the built command line beside the tests, e.g. <c>serve</c> or <c>worker</c>) whose output is collected as it comes.</summary>
public sealed class NagareProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private NagareProcess(Process process)
    {
        this.process = process;
    }

    /// <summary>Standard output and standard error so far, line by line as they came.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Starts <c>nagare ARGS</c> without the caller's store, token or web root settings, which would point it elsewhere.</summary>
    public static NagareProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nagare.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("NAGARE_STORE");
        start.Environment.Remove("NAGARE_TOKEN");
        start.Environment.Remove("NAGARE_WEB_ROOT");
        var process = new Process { StartInfo = start };
        var started = new NagareProcess(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Runs a short command to its end (at most <paramref name="timeout"/>) and fails unless it exits with 0.</summary>
    public static async Task<string> RunAsync(TimeSpan timeout, params string[] args)
    {
        await using var command = Start(args);
        var code = await command.WaitForExitAsync(timeout);
        return code == 0 ? command.Output : throw new InvalidOperationException($"nagare {string.Join(' ', args)} exited with code {code}:\n{command.Output}");
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until the output has a match of <paramref name="pattern"/>.</summary>
    public async Task<Match> WaitForOutputAsync(string pattern, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var match = Regex.Match(Output, pattern);
            if (match.Success)
            {
                return match;
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"nagare exited with code {process.ExitCode} before printing /{pattern}/:\n{Output}");
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"nagare did not print /{pattern}/ within {timeout}:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The exit code, once the process ended (at most <paramref name="timeout"/> from now).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"nagare did not exit within {timeout}:\n{Output}");
        }

        // The parameterless wait also waits for the last redirected lines.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Ends the process with SIGKILL (no chance to clean up), as a crash or the OOM killer would.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>Asks the process to stop with SIGTERM, as a service manager or Ctrl+C does.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>
    /// Asks the process to stop with SIGTERM, as Ctrl+C does, so that it closes the warehouse and removes
    /// <c>.nagare/server.json</c>; kills it when it has not ended within <paramref name="grace"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }
    }
}
