using System.Diagnostics;
using Nagare.DuckDb;

namespace Nagare.Runtime.Tests.Models;

/// <summary>SIGTERM during `nagare build`: the running statement is interrupted, the summary says what was cancelled, exit 130.</summary>
public sealed class BuildCancelTests : IDisposable
{
    private readonly Infrastructure.TempProject project = new();

    [Fact]
    public async Task Build_Sigterm_InterruptsTheRunningModelMarksNodesCancelledAndExitsOneThirty()
    {
        project
            .Write("nagare.yml", "name: slow\n")
            .Write("models/slow.sql", "{{ config(materialized='table') }}\nselect count(*) as n from range(200000000000) r(i) where i % 7 = 3\n")
            .Write("models/after.sql", "{{ config(materialized='table') }}\nselect n from {{ ref('slow') }}\n");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "nagare.dll"), "build", "--project", project.Root })
        {
            start.ArgumentList.Add(arg);
        }

        using var build = Process.Start(start)!;
        var logs = project.PathOf(".nagare/logs");
        var stopwatch = Stopwatch.StartNew();
        while (!build.HasExited && stopwatch.Elapsed < TimeSpan.FromMinutes(1) && !(Directory.Exists(logs) && Directory.EnumerateFiles(logs).Any()))
        {
            await Task.Delay(20);
        }

        // The log starts just before the first node; give the slow statement a moment to be under way.
        await Task.Delay(1000);
        Assert.False(build.HasExited, "the build ended before it was signalled");
        using (var kill = Process.Start("kill", ["-TERM", build.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var output = await build.StandardOutput.ReadToEndAsync();
        var error = await build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync();

        Assert.True(build.ExitCode == 130, $"exit {build.ExitCode}: {output}{error}");
        Assert.Contains("CANCELLED=2", output, StringComparison.Ordinal);
        Assert.Contains("nagare: cancelled", error, StringComparison.Ordinal);
        using var duck = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = project.PathOf(".nagare/warehouse.duckdb") }.ConnectionString);
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('slow', 'after')";
        Assert.Equal(0L, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose() => project.Dispose();
}
