using System.Text.Json;

namespace Nagare.Server.Tests;

/// <summary>The list of syncs: every sync file, those with problems too, with what is wrong and where.</summary>
public sealed class SyncsApiTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync(root =>
    {
        Directory.CreateDirectory(Path.Combine(root, "connections"));
        Directory.CreateDirectory(Path.Combine(root, "syncs"));
        File.WriteAllText(Path.Combine(root, "connections", "appdb.yml"), "type: sqlite\npath: data/app.db\n");
        File.WriteAllText(Path.Combine(root, "syncs", "app_to_lake.yml"), "source: appdb\ndestination: warehouse\ntarget_schema: lake\nstreams:\n  - select: \"*\"\n");
        File.WriteAllText(Path.Combine(root, "syncs", "broken.yml"), "source: appdb\ndestination: warehouse\nstreamz:\n  - select: \"*\"\n");
    });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task List_HasBrokenSyncsWithTheirProblem_BesideTheWorkingOnes()
    {
        var items = JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/syncs")).RootElement.GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(["app_to_lake", "broken"], items.Select(i => i.GetProperty("name").GetString()));
        var working = items[0];
        Assert.Equal("appdb", working.GetProperty("source").GetString());
        Assert.Equal("lake", working.GetProperty("target_schema").GetString());
        Assert.Equal(1, working.GetProperty("streams").GetInt32());
        Assert.Equal(JsonValueKind.Null, working.GetProperty("problem").ValueKind);
        var broken = items[1];
        Assert.Equal(Path.Join("syncs", "broken.yml"), broken.GetProperty("file").GetString());
        Assert.Equal(0, broken.GetProperty("streams").GetInt32());
        var problem = broken.GetProperty("problem").GetString()!;
        Assert.StartsWith(Path.Join("syncs", "broken.yml") + ":3:1: streamz:", problem, StringComparison.Ordinal);
        Assert.Contains("streams", problem[(problem.IndexOf("streamz:", StringComparison.Ordinal) + 8)..], StringComparison.Ordinal);
    }
}
