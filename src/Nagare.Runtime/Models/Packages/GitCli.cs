using System.Diagnostics;
using System.Text;

namespace Nagare.Runtime.Models.Packages;

/// <summary>Runs the git command line (any URL git accepts, its credentials helpers and proxies included).</summary>
internal static class GitCli
{
    /// <summary>Runs <c>git args…</c> and returns its standard output.</summary>
    /// <exception cref="ModelProjectException">git is missing or failed; the message quotes its error output.</exception>
    public static async Task<string> RunAsync(string? workingDirectory, CancellationToken cancellationToken, params string[] args)
    {
        var info = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        // Never wait for a password on a terminal nobody watches.
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new ModelProjectException("could not start git");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ModelProjectException($"git is needed to install packages but could not be run: {e.Message}", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var stdout = await output.ConfigureAwait(false);
            var stderr = await error.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                var shown = new StringBuilder("git ").AppendJoin(' ', args.Where(a => !a.StartsWith("-c", StringComparison.Ordinal)));
                throw new ModelProjectException($"{shown} failed (exit {process.ExitCode}): {stderr.Trim()}");
            }

            return stdout;
        }
    }
}
