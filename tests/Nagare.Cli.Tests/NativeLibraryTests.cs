using System.Diagnostics;

namespace Nagare.Cli.Tests;

/// <summary>
/// The native library is loaded once per process, so these run the CLI as a child process
/// with <c>NAGARE_DUCKDB_LIBRARY</c> pointing somewhere wrong.
/// </summary>
public sealed class NativeLibraryTests
{
    [Fact]
    public async Task Query_LibraryPathMissing_ExitsOneSayingHowToFix()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"nagare-no-such-{Guid.NewGuid():N}", "libduckdb.so");

        var (code, _, error) = await RunCliAsync(missing, "query", "SELECT 1", "--db", ":memory:");

        Assert.Equal(1, code);
        Assert.Contains($"NAGARE_DUCKDB_LIBRARY names '{missing}', which does not exist", error, StringComparison.Ordinal);
        Assert.Contains("DuckDB.NET.Bindings.Full", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_LibraryIsNotDuckDb_ExitsOneNamingTheFile()
    {
        // A real shared library that is not DuckDB.
        var notDuckDb = new[] { "/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1" }.First(File.Exists);

        var (code, _, error) = await RunCliAsync(notDuckDb, "query", "SELECT 1", "--db", ":memory:");

        Assert.Equal(1, code);
        Assert.Contains($"'{notDuckDb}' is not a DuckDB library", error, StringComparison.Ordinal);
        Assert.Contains("DuckDB.NET.Bindings.Full", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_LibraryPathMissing_StillPrintsVersionAndTheProblem()
    {
        var (code, output, _) = await RunCliAsync("/nonexistent/libduckdb.so", "--version");

        Assert.Equal(0, code);
        Assert.StartsWith("0.1.0\nDuckDB: NAGARE_DUCKDB_LIBRARY names '/nonexistent/libduckdb.so'", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Out, string Error)> RunCliAsync(string library, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nagare.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NAGARE_DUCKDB_LIBRARY"] = library;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
