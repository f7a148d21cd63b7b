using System.Text.Json;

namespace Nagare.Cli.Tests;

/// <summary>A merge's counts of inserted, updated and unchanged rows, through the CLI.</summary>
public sealed class SyncMergeCountsTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-merge-counts-" + Guid.NewGuid().ToString("N")[..10]);

    public SyncMergeCountsTests()
    {
        // The file's modification time changes with every rewrite; without that column, equal lines are equal rows.
        Write("nagare.yml", "name: merging\n");
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nstreams:\n  prices: prices.csv\n");
        Write("syncs/prices.yml", "name: prices\nsource: drop\ntarget_schema: lake\nstreams:\n  - select: prices\n    mode: merge\n    primary_key: [id]\n    columns:\n      _file_modified: { exclude: true }\n");
        Write("drop/prices.csv", "id,item,amount\n1,apple,1.50\n2,pear,2.50\n3,plum,3.00\n");
    }

    [Fact]
    public async Task Sync_MergeAgainWithOneChangedAndOneNewRow_ReportsInsertedUpdatedAndUnchanged()
    {
        var first = await CliRun.RunAsync("sync", "prices", "--project", dir, "--json");
        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        Write("drop/prices.csv", "id,item,amount\n1,apple,1.50\n2,pear,2.75\n3,plum,3.00\n4,fig,4.00\n");

        var json = await CliRun.RunAsync("sync", "prices", "--project", dir, "--json");
        var text = await CliRun.RunAsync("sync", "prices", "--project", dir);

        Assert.True(json.ExitCode == 0, json.Out + json.Error);
        var stream = JsonDocument.Parse(json.Out).RootElement.GetProperty("streams")[0];
        Assert.Equal(
            (4L, 1L, 1L, 2L, 0L),
            (stream.GetProperty("rows_written").GetInt64(), stream.GetProperty("rows_inserted").GetInt64(), stream.GetProperty("rows_updated").GetInt64(),
                stream.GetProperty("rows_unchanged").GetInt64(), stream.GetProperty("rows_deleted").GetInt64()));
        Assert.True(text.ExitCode == 0, text.Out + text.Error);
        Assert.Contains("inserted 0, updated 0, unchanged 4, deleted 0", text.Out, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(dir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
