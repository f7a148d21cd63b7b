using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nagare.Runtime.Pipelines;

namespace Nagare.Server.Tests;

/// <summary>The server owns the warehouse: a sync and queries run side by side in it.</summary>
public sealed class WarehouseOwnerTests : IAsyncLifetime
{
    private const int Rows = 200_000;
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync(root =>
    {
        var app = Path.Combine(root, "app.db");
        using (var sqlite = new SqliteConnection($"Data Source={app}"))
        {
            sqlite.Open();
            using var command = sqlite.CreateCommand();
            command.CommandText = $"""
                CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, amount INTEGER NOT NULL);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
                INSERT INTO events SELECT i, 'kind' || (i % 7), i % 1000 FROM n;
                """;
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        Directory.CreateDirectory(Path.Combine(root, "connections"));
        Directory.CreateDirectory(Path.Combine(root, "syncs"));
        File.WriteAllText(Path.Combine(root, "connections", "app.yml"), $"name: app\ntype: sqlite\npath: {app}\n");
        File.WriteAllText(Path.Combine(root, "syncs", "app_to_lake.yml"), "name: app_to_lake\nsource: app\ndestination: warehouse\ntarget_schema: lake\nstreams:\n  - select: main.events\n    mode: full_refresh\n");
        File.WriteAllText(Path.Combine(root, "pipelines", "load.yml"), "name: load\nsteps:\n  - sync: app_to_lake\n");
    });

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task SyncAndQueries_SideBySide_BothSucceed()
    {
        var analyst = harness.As("analyst");
        var started = await analyst.PostAsync("/api/v1/pipelines/load/runs", ServerHarness.Json("{}"));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        var sync = harness.Service.RunToEndAsync(id, new WorkerOptions { Slots = 1, Warehouse = true }, CancellationToken.None);
        var queries = 0;
        do
        {
            var response = await analyst.PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT region, count(*) FROM mart_sales.orders GROUP BY region"}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            queries++;
        }
        while (!sync.IsCompleted);

        var run = await sync;
        Assert.True(run.State == "succeeded", run.Error);
        Assert.True(queries >= 2, $"only {queries} queries ran while the sync ran");
        var count = JsonDocument.Parse(await (await analyst.PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT count(*) AS n, sum(amount) AS s FROM lake.events"}"""))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Rows, count.GetProperty("rows")[0][0].GetInt64());
    }

    [Fact]
    public async Task SyncRun_NeedsWriteOnItsDataset_ThenRunsAsARun()
    {
        var refused = await harness.As("analyst").PostAsync("/api/v1/syncs/app_to_lake/runs", ServerHarness.Json("{}"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("may not write dataset lake", (await ServerHarness.ProblemAsync(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var started = await harness.As("editor").PostAsync("/api/v1/syncs/app_to_lake/runs", ServerHarness.Json("""{"select":"main.events"}"""));

        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var run = await harness.Service.RunToEndAsync(id, new WorkerOptions { Slots = 1, Warehouse = true }, CancellationToken.None);
        Assert.True(run.State == "succeeded", run.Error);
        Assert.Equal("sync:app_to_lake", run.Pipeline);
        var logs = await harness.As("viewer").GetStringAsync($"/api/v1/runs/{id}/logs");
        Assert.Contains("main.events -> ", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncState_ReadNeedsReadOnItsDataset_ResetNeedsWrite()
    {
        var id = JsonDocument.Parse(await (await harness.As("editor").PostAsync("/api/v1/syncs/app_to_lake/runs", ServerHarness.Json("{}"))).Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        await harness.Service.RunToEndAsync(id, new WorkerOptions { Slots = 1, Warehouse = true }, CancellationToken.None);

        var viewer = await harness.As("viewer").GetAsync("/api/v1/syncs/app_to_lake/state");
        var analyst = await harness.As("analyst").GetAsync("/api/v1/syncs/app_to_lake/state");
        var analystReset = await harness.As("analyst").DeleteAsync("/api/v1/syncs/app_to_lake/state/lake.events");

        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, analyst.StatusCode);
        Assert.Contains("lake.events", await analyst.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, analystReset.StatusCode);
    }
}
