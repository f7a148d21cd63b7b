namespace Nagare.Cli.Tests;

public sealed class InitCommandTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-init-" + Guid.NewGuid().ToString("N")[..10]);

    [Fact]
    public async Task Init_EmptyFolder_CreatesProjectThatLoads()
    {
        var run = await CliRun.RunAsync("init", dir);

        Assert.Equal(0, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(dir, "nagare.yml")));
        Assert.True(File.Exists(Path.Combine(dir, "connections", "app_db.yml")));
        Assert.True(File.Exists(Path.Combine(dir, "syncs", "example.yml")));
        var config = Runtime.Configuration.ProjectLoader.Load(dir, environment: _ => null);
        Assert.Equal(["app_db", "warehouse"], config.Connections.Keys);
        Assert.Equal("app_db", config.Syncs["example"].Source);
        var pipeline = config.GetPipeline("daily");
        Assert.Equal(["example", "build"], pipeline.Steps.Select(s => s.Name));
        Assert.Equal<string>(["example"], pipeline.Steps[1].After);
    }

    [Fact]
    public async Task Init_ExampleModel_CompilesIntoTheMartSchema()
    {
        await CliRun.RunAsync("init", dir);

        var run = await CliRun.RunAsync("compile", "--project", dir, "--select", "orders_daily");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("from lake_app.orders", run.Out, StringComparison.Ordinal);
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "target", "manifest.json")));
        var model = Assert.Single(manifest.RootElement.GetProperty("nodes").EnumerateObject(), n => n.Name.EndsWith(".orders_daily", StringComparison.Ordinal)).Value;
        Assert.Equal("mart", model.GetProperty("schema").GetString());
        Assert.Equal("table", model.GetProperty("config").GetProperty("materialized").GetString());
    }

    [Fact]
    public async Task Init_Twice_RefusesToOverwrite()
    {
        await CliRun.RunAsync("init", dir);
        File.AppendAllText(Path.Combine(dir, "nagare.yml"), "# mine\n");

        var run = await CliRun.RunAsync("init", dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already exists; init does not overwrite files", run.Error, StringComparison.Ordinal);
        Assert.EndsWith("# mine\n", File.ReadAllText(Path.Combine(dir, "nagare.yml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_UnknownKeyInProject_ExitsOneWithFileLineAndKey()
    {
        await CliRun.RunAsync("init", dir);
        File.WriteAllText(Path.Combine(dir, "syncs", "bad.yml"), "name: bad\nsource: app_db\nstreams:\n  - selct: \"*\"\n");

        var run = await CliRun.RunAsync("sync", "bad", "--project", dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("syncs/bad.yml:4:5: streams[0].selct: unknown key (did you mean 'select'?)", run.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
