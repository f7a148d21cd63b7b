using System.Text.Json;

namespace Nagare.Cli.Tests;

/// <summary><c>nagare activate</c>: the dry run's JSON predicts the run's counts, and a run after it sends nothing.</summary>
public sealed class ActivateCommandTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-activate-" + Guid.NewGuid().ToString("N")[..10]);

    public ActivateCommandTests()
    {
        Write("nagare.yml", "name: activating\n");
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nstreams:\n  prices: prices.csv\n");
        Write("connections/app.yml", "type: sqlite\npath: app.db\n");
        Write("syncs/prices.yml", "name: prices\nsource: drop\ntarget_schema: lake\nstreams:\n  - select: prices\n    columns:\n      _file_modified: { exclude: true }\n      _file: { exclude: true }\n");
        Write("activations/prices.yml", "query: select id, item, amount from lake.prices\ndestination: { connection: app, table: prices, mode: mirror, key: [id] }\n");
        Write("drop/prices.csv", "id,item,amount\n1,apple,1.50\n2,pear,2.50\n3,plum,3.00\n");
    }

    [Fact]
    public async Task Activate_DryRunJsonThenRun_CountsAgreeAndNothingIsSentTwice()
    {
        Assert.Equal(0, (await CliRun.RunAsync("sync", "prices", "--project", dir, "--json")).ExitCode);
        await CliRun.RunAsync("activate", "prices", "--project", dir, "--json");
        Write("drop/prices.csv", "id,item,amount\n1,apple,1.75\n3,plum,3.00\n4,fig,9.00\n");
        Assert.Equal(0, (await CliRun.RunAsync("sync", "prices", "--project", dir, "--json")).ExitCode);

        var dry = await CliRun.RunAsync("activate", "prices", "--project", dir, "--dry-run", "--json");
        var run = await CliRun.RunAsync("activate", "prices", "--project", dir, "--json");
        var after = await CliRun.RunAsync("activate", "prices", "--project", dir, "--dry-run", "--json");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        using var plan = JsonDocument.Parse(dry.Out);
        using var result = JsonDocument.Parse(run.Out);
        Assert.True(plan.RootElement.GetProperty("dry_run").GetBoolean());
        Assert.Equal((1, 1, 1), (plan.RootElement.GetProperty("inserts").GetInt32(), plan.RootElement.GetProperty("updates").GetInt32(), plan.RootElement.GetProperty("deletes").GetInt32()));
        Assert.Equal(
            (plan.RootElement.GetProperty("inserts").GetInt32(), plan.RootElement.GetProperty("updates").GetInt32(), plan.RootElement.GetProperty("deletes").GetInt32()),
            (result.RootElement.GetProperty("inserted").GetInt32(), result.RootElement.GetProperty("updated").GetInt32(), result.RootElement.GetProperty("deleted").GetInt32()));
        Assert.Equal("4", plan.RootElement.GetProperty("samples").GetProperty("insert")[0].GetProperty("id").GetString());
        Assert.Equal("2", plan.RootElement.GetProperty("samples").GetProperty("delete")[0].GetProperty("id").GetString());
        using var nothing = JsonDocument.Parse(after.Out);
        Assert.Equal(0, nothing.RootElement.GetProperty("records_sent").GetInt32());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a native library; the temporary folder is cleaned later.
        }
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
