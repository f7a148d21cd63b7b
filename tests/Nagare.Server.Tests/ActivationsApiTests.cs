using System.Net;
using System.Text.Json;
using Nagare.Runtime.Pipelines;

namespace Nagare.Server.Tests;

/// <summary>Activations over the API: listed, a dry run that predicts the run, a run started like any other.</summary>
public sealed class ActivationsApiTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync(root =>
    {
        Directory.CreateDirectory(Path.Combine(root, "connections"));
        Directory.CreateDirectory(Path.Combine(root, "activations"));
        File.WriteAllText(Path.Combine(root, "connections", "appdb.yml"), "type: sqlite\npath: data/app.db\n");
        File.WriteAllText(Path.Combine(root, "activations", "export.yml"), "description: orders to the app\nquery: select id, region, amount from mart_sales.orders\ndestination: { connection: appdb, table: t, mode: mirror, key: [id] }\n");
    });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task List_NamesEachWithDestinationModeAndProblems()
    {
        var items = JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/activations")).RootElement.GetProperty("items");

        var export = Assert.Single(items.EnumerateArray());
        Assert.Equal("export", export.GetProperty("name").GetString());
        Assert.Equal("mirror", export.GetProperty("mode").GetString());
        Assert.Contains("appdb", export.GetProperty("destination").GetString(), StringComparison.Ordinal);
        Assert.Equal("orders to the app", export.GetProperty("description").GetString());
        Assert.Equal(Path.Join("activations", "export.yml"), export.GetProperty("file").GetString());
        Assert.Equal(JsonValueKind.Null, export.GetProperty("problem").ValueKind);
        Assert.Equal("database", export.GetProperty("destination_type").GetString());
    }

    [Fact]
    public async Task Rejected_OfADatabaseDestination_IsEmpty_AndViewersAreRefused()
    {
        var rejected = JsonDocument.Parse(await harness.As("editor").GetStringAsync("/api/v1/activations/export/rejected?limit=5")).RootElement;

        Assert.Equal(0, rejected.GetProperty("total").GetInt64());
        Assert.Equal(0, rejected.GetProperty("items").GetArrayLength());
        using var viewer = await harness.As("viewer").GetAsync("/api/v1/activations/export/rejected");
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        using var missing = await harness.As("editor").GetAsync("/api/v1/activations/nope/rejected");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Plan_BeforeFirstRun_InsertsAll_AfterRun_NothingChanged()
    {
        var editor = harness.As("editor");

        var before = await PlanAsync(editor);

        Assert.Equal("export", before.GetProperty("activation").GetString());
        Assert.Equal(3, before.GetProperty("result_rows").GetInt64());
        Assert.Equal("database", before.GetProperty("destination_type").GetString());
        Assert.Equal(3, before.GetProperty("inserts").GetInt64());
        Assert.True(before.GetProperty("first_run").GetBoolean());
        var samples = before.GetProperty("samples");
        Assert.Equal(3, samples.GetProperty("insert").GetArrayLength());
        Assert.Equal(0, samples.GetProperty("delete").GetArrayLength());
        Assert.Contains(samples.GetProperty("insert").EnumerateArray(), r => r.GetProperty("region").GetString() == "osaka");
        Assert.Equal(3, (await PlanAsync(editor)).GetProperty("inserts").GetInt64());

        var started = await editor.PostAsync("/api/v1/activations/export/runs", ServerHarness.Json("""{"full":false}"""));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var finished = await harness.Service.RunToEndAsync(id, new WorkerOptions { Slots = 1 }, CancellationToken.None);
        Assert.Equal("succeeded", finished.State);

        var after = await PlanAsync(editor);

        Assert.False(after.GetProperty("first_run").GetBoolean());
        Assert.Equal(0, after.GetProperty("inserts").GetInt64() + after.GetProperty("updates").GetInt64() + after.GetProperty("deletes").GetInt64());
        Assert.Equal(3, after.GetProperty("unchanged").GetInt64());
        var audit = await harness.As("admin").GetStringAsync("/api/v1/audit");
        Assert.Contains("activation.run", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Viewer_Refused()
    {
        var response = await harness.As("viewer").PostAsync("/api/v1/activations/export/plan", ServerHarness.Json("{}"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task PlanAndRun_Unknown_NotFound()
    {
        var editor = harness.As("editor");

        var plan = await editor.PostAsync("/api/v1/activations/nope/plan", ServerHarness.Json("{}"));
        var run = await editor.PostAsync("/api/v1/activations/nope/runs", ServerHarness.Json("{}"));

        Assert.Equal(HttpStatusCode.NotFound, plan.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
        Assert.Contains("nope", (await ServerHarness.ProblemAsync(run)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> PlanAsync(HttpClient client)
    {
        var response = await client.PostAsync("/api/v1/activations/export/plan", ServerHarness.Json("""{"full":false}"""));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }
}
