using System.Globalization;
using Nagare.Web.Tests.Infrastructure;

namespace Nagare.Web.Tests.Harness;

/// <summary>
/// The served project the browser tests stand on, checked through the API alone: its PostgreSQL connection reaches the
/// test database, and a sync started through the API is a run that can be waited for and whose result can be queried.
/// When one of these fails, the page tests that build on it would fail for a reason that is not the UI's.
/// </summary>
[Collection(WebCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ServedProjectTests(WebFixture web)
{
    [Fact]
    public async Task SourceConnection_Test_ReachesTheTestDatabase()
    {
        var test = await web.ApiAsync(HttpMethod.Post, $"connections/{ServedProject.SourceConnection}/test");

        Assert.True(test.GetProperty("ok").GetBoolean(), test.ToString());
        Assert.Equal(3L, await web.Database.ScalarAsync<long>($"SELECT count(*) FROM {web.Database.Schema}.customers"));
    }

    [Fact]
    public async Task SyncRun_StartedThroughTheApi_IsWaitedForAndItsMaskedResultQueried()
    {
        await web.ApiAsync(HttpMethod.Put, "project/files/syncs/harness_customers.yml", new
        {
            Content = $"""
                name: harness_customers
                source: {ServedProject.SourceConnection}
                destination: warehouse
                target_schema: harness_lake
                streams:
                  - select: "{web.Database.Schema}.customers"
                    mode: incremental
                    cursor: updated_at
                columns:
                  "*.email": {"{"} mask: sha256 {"}"}

                """,
        });

        var started = await web.ApiAsync(HttpMethod.Post, "syncs/harness_customers/runs", new { });
        var run = await web.WaitForRunAsync(started.GetProperty("id").GetInt64());
        var result = await web.ApiAsync(HttpMethod.Post, "query", new { Sql = "SELECT name, email FROM harness_lake.customers ORDER BY id" });

        Assert.True(run.GetProperty("run").GetProperty("state").GetString() == "succeeded", run.ToString());
        var rows = result.GetProperty("rows").EnumerateArray().Select(r => (Name: r[0].GetString(), Email: r[1].GetString())).ToList();
        Assert.Equal(["Aiko Tanaka", "Ben Carter", "佐藤 花子"], rows.Select(r => r.Name));
        Assert.All(rows, r => Assert.DoesNotContain("@", r.Email, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WaitForRun_UnknownRun_FailsInsteadOfWaiting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => web.WaitForRunAsync(987_654, TimeSpan.FromSeconds(5)));

        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"runs/{987_654} answered 404"), error.Message, StringComparison.Ordinal);
    }
}
