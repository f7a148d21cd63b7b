using System.Text.Json;

namespace Nagare.Cli.Tests;

/// <summary>The files connector's <c>primary_keys</c> and <c>file_columns</c> keys, as discovery reports them.</summary>
public sealed class ConnectionFilesKeysTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-files-keys-" + Guid.NewGuid().ToString("N")[..10]);

    public ConnectionFilesKeysTests()
    {
        Write("nagare.yml", "name: keys\n");
        Write("drop/lines.csv", "order_id,line_no,sku\n1,1,a\n1,2,b\n2,1,c\n");
        Write("drop/skus.csv", "sku,title\na,Apple\nb,Pear\n");
    }

    [Fact]
    public async Task Discover_FilesWithPrimaryKeysAndNoFileColumns_ReportsKeysAndOnlyFileFields()
    {
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nfile_columns: false\nprimary_keys:\n  lines: \"order_id, line_no\"\n  skus: sku\n");

        var run = await CliRun.RunAsync("connection", "discover", "drop", "--json", "--project", dir);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var streams = json.RootElement.EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(["order_id", "line_no"], streams["lines"].GetProperty("primary_key").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["sku"], streams["skus"].GetProperty("primary_key").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(["order_id", "line_no", "sku"], streams["lines"].GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Discover_FilesByDefault_ListsFileColumnsAndNoKeys()
    {
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\n");

        var run = await CliRun.RunAsync("connection", "discover", "drop", "--json", "--project", dir);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var skus = json.RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "skus");
        Assert.Empty(skus.GetProperty("primary_key").EnumerateArray());
        Assert.Equal(["sku", "title", "_file", "_file_modified"], skus.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
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
