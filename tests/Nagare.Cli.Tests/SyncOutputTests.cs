using System.Text.Json;

namespace Nagare.Cli.Tests;

/// <summary>What <c>nagare sync</c> prints and logs: a line per stream without a terminal, --quiet, --dry-run, the run log.</summary>
public sealed class SyncOutputTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-sync-output-" + Guid.NewGuid().ToString("N")[..10]);

    public SyncOutputTests()
    {
        Write("nagare.yml", "name: output\n");
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nstreams:\n  prices: prices.csv\n  stock: stock.csv\n");
        Write("syncs/prices.yml", "name: prices\nsource: drop\ntarget_schema: lake\nstreams:\n  - select: prices\n    mode: merge\n    primary_key: [id]\n    columns:\n      _file_modified: { exclude: true }\n  - select: stock\n");
        Write("drop/prices.csv", "id,item,amount\n1,apple,1.50\n2,pear,2.50\n3,plum,3.00\n");
        Write("drop/stock.csv", "item,count\napple,10\n");
    }

    [Fact]
    public async Task Sync_WithoutTerminal_PrintsOneLinePerFinishedStreamAndTheResult()
    {
        var run = await CliRun.RunAsync("sync", "prices", "--project", dir);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        var lines = run.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("ok        lake.prices ← prices · merge · read 3 · written 3 · ", StringComparison.Ordinal) && l.EndsWith(" · inserted 3, updated 0, unchanged 0, deleted 0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ok        lake.stock ← stock · full_refresh · read 1 · written 1 · ", StringComparison.Ordinal));
        Assert.StartsWith("prices: 2 of 2 streams ok, 4 rows in ", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_Quiet_PrintsOnlyTheResultLine()
    {
        var run = await CliRun.RunAsync("sync", "prices", "--project", dir, "--quiet");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.StartsWith("prices: 2 of 2 streams ok, 4 rows in ", Assert.Single(run.Out.TrimEnd('\n').Split('\n')), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_EveryRun_WritesATimestampedLogUnderTheProject()
    {
        var run = await CliRun.RunAsync("sync", "prices", "--project", dir, "--json");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        var log = Assert.Single(Directory.GetFiles(Path.Combine(dir, ".nagare", "logs"), "*.log"));
        Assert.Equal("20261120T030000Z-sync_prices.log", Path.GetFileName(log));
        var lines = File.ReadAllLines(log);
        Assert.Equal("2026-11-20T03:00:00.000Z nagare sync prices", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("2026-11-20T03:00:00.000Z ok        lake.prices ← prices · merge · read 3", StringComparison.Ordinal));
        Assert.StartsWith("2026-11-20T03:00:00.000Z prices: 2 of 2 streams ok, 4 rows", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_OldLogs_AreDeletedAfterThirtyDays()
    {
        var folder = Path.Combine(dir, ".nagare", "logs");
        Directory.CreateDirectory(folder);
        var old = Path.Combine(folder, "20260101T000000Z-sync_prices.log");
        var recent = Path.Combine(folder, "20261110T000000Z-sync_prices.log");
        File.WriteAllText(old, "old\n");
        File.WriteAllText(recent, "recent\n");
        File.SetLastWriteTimeUtc(old, CliRun.Now.UtcDateTime.AddDays(-31));
        File.SetLastWriteTimeUtc(recent, CliRun.Now.UtcDateTime.AddDays(-10));

        var run = await CliRun.RunAsync("sync", "prices", "--project", dir, "--quiet");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(recent));
    }

    [Fact]
    public async Task Sync_LogRetentionFromNagareYml_DeletesOlderLogs()
    {
        Write("nagare.yml", "name: output\ndefaults:\n  log_retention_days: 5\n");
        var folder = Path.Combine(dir, ".nagare", "logs");
        Directory.CreateDirectory(folder);
        var week = Path.Combine(folder, "20261113T000000Z-sync_prices.log");
        File.WriteAllText(week, "a week old\n");
        File.SetLastWriteTimeUtc(week, CliRun.Now.UtcDateTime.AddDays(-7));

        var run = await CliRun.RunAsync("sync", "prices", "--project", dir, "--quiet");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.False(File.Exists(week));
    }

    [Fact]
    public async Task Sync_DryRun_SaysWhatWouldHappenAndWritesNothing()
    {
        var before = await CliRun.RunAsync("sync", "prices", "--project", dir, "--dry-run", "--json");
        Assert.True(before.ExitCode == 0, before.Out + before.Error);
        Assert.False(File.Exists(Path.Combine(dir, ".nagare", "warehouse.duckdb")) && HasTable("lake", "prices"));
        var first = JsonDocument.Parse(before.Out).RootElement;
        Assert.True(first.GetProperty("dry_run").GetBoolean());
        Assert.Equal(
            ["lake.prices merge create", "lake.stock full_refresh create"],
            first.GetProperty("streams").EnumerateArray().Select(s => $"{s.GetProperty("table").GetString()} {s.GetProperty("mode").GetString()} {s.GetProperty("action").GetString()}"));

        Assert.Equal(0, (await CliRun.RunAsync("sync", "prices", "--project", dir, "--quiet")).ExitCode);
        Write("drop/prices.csv", "id,item,amount,origin\n1,apple,1.50,JP\n");
        var after = await CliRun.RunAsync("sync", "prices", "--project", dir, "--dry-run");

        Assert.True(after.ExitCode == 0, after.Out + after.Error);
        Assert.Contains("alter: add origin string", after.Out, StringComparison.Ordinal);
        Assert.Contains("replace", after.Out, StringComparison.Ordinal);
        Assert.Contains("prices: 2 streams from 'drop' into 'warehouse' (dry run: nothing was written)", after.Out, StringComparison.Ordinal);
        var again = await CliRun.RunAsync("query", "SELECT count(*) FROM information_schema.columns WHERE table_name = 'prices' AND column_name = 'origin'", "-p", dir, "--format", "csv");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.EndsWith("\n0\n", again.Out, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private bool HasTable(string schema, string table)
    {
        var run = CliRun.RunAsync("query", $"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{schema}' AND table_name = '{table}'", "-p", dir, "--format", "csv").GetAwaiter().GetResult();
        return run.Out.EndsWith("1\n", StringComparison.Ordinal);
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(dir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
