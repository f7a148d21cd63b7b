using System.Diagnostics;

namespace Nagare.Cli.Tests;

/// <summary>
/// A second <c>nagare</c> process that holds a DuckDB file open: its query reads a named pipe that this side opens
/// and never writes, so it waits without using the CPU until it is killed.
/// </summary>
internal sealed class WarehouseHolder : IDisposable
{
    private readonly Process _process;
    private readonly FileStream _pipe;

    private WarehouseHolder(Process process, FileStream pipe)
    {
        _process = process;
        _pipe = pipe;
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the holder on <paramref name="database"/> and returns once it has the file open.</summary>
    public static async Task<WarehouseHolder> StartAsync(string database, bool readOnly = false)
    {
        var pipe = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(database))!, "hold-" + Guid.NewGuid().ToString("N")[..8] + ".fifo");
        using (var mkfifo = Process.Start("mkfifo", [pipe]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nagare.dll"));
        foreach (var arg in new[] { "query", $"SELECT * FROM read_csv('{pipe}')", "--db", database })
        {
            start.ArgumentList.Add(arg);
        }

        if (readOnly)
        {
            start.ArgumentList.Add("--read-only");
        }

        var process = Process.Start(start)!;

        // Opening a pipe for writing returns when a reader opens it: the holder's query runs, so it has the database.
        var opening = Task.Run(() => new FileStream(pipe, FileMode.Open, FileAccess.Write));
        try
        {
            return new WarehouseHolder(process, await opening.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();

            // Open the reading end ourselves so that the blocked open returns.
            using var reader = new FileStream(pipe, FileMode.Open, FileAccess.Read);
            (await opening).Dispose();
            throw new InvalidOperationException("The holder never opened the database: " + await process.StandardError.ReadToEndAsync());
        }
    }

    /// <summary>Ends the holder, which frees the file.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _pipe.Dispose();
    }
}
