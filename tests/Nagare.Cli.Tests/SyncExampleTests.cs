using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nagare.DuckDb;

namespace Nagare.Cli.Tests;

/// <summary>The replication example of <c>examples/replication</c>, run as a user would run it.</summary>
public sealed class SyncExampleTests : IDisposable
{
    private const string AdaHash = "b5fc85e55755f9e0d030a10ab4429b6b2944855f9a0d60077fe832becbc41d72";
    private const string GraceHash = "b533d4547eaa5a0fa955965a1ca393ccd2ea013032a105726f232eb41bddc4fa";
    private const string AdaNewHash = "e952fe66325c794b42e94999419d37f3451aa4e43aa45d29159b0a07a86301de";

    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-example-" + Guid.NewGuid().ToString("N")[..10]);

    public SyncExampleTests()
    {
        CopyFolder(FindExample(), dir);
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        ExecuteSqlite(File.ReadAllText(Path.Combine(dir, "seed.sql")));
    }

    [Fact]
    public async Task Sync_Example_CopiesMasksThenCopiesOnlyChanges()
    {
        var first = await CliRun.RunAsync("sync", "app_to_lake", "--project", dir);

        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        Assert.Equal((3L, 5L, 3L), (Count("lake.plans"), Count("lake.events"), Count("lake.customers")));
        Assert.Equal(61.50m, Scalar<decimal>("SELECT sum(monthly_price) FROM lake.plans"));
        Assert.Equal(AdaHash, Scalar<string>("SELECT email FROM lake.customers WHERE id = 1"));
        Assert.Equal(GraceHash, Scalar<string>("SELECT email FROM lake.customers WHERE id = 2"));
        Assert.Equal(0L, Scalar<long>("SELECT count(*) FROM lake.customers WHERE email LIKE '%@%'"));

        ExecuteSqlite("""
            INSERT INTO events (id, customer_id, kind, created_at) VALUES (6, 3, 'upgrade', '2026-02-01 08:00:00'), (7, 1, 'invite', '2026-02-01 09:00:00');
            UPDATE customers SET email = 'ada@new.example.com', plan_id = 3, updated_at = '2026-02-01 10:00:00' WHERE id = 1;
            UPDATE plans SET monthly_price = '15.00' WHERE id = 2;
            """);
        var second = await CliRun.RunAsync("sync", "app_to_lake", "--project", dir, "--json");

        Assert.True(second.ExitCode == 0, second.Out + second.Error);
        using var json = JsonDocument.Parse(second.Out);
        var streams = json.RootElement.GetProperty("streams").EnumerateArray()
            .ToDictionary(s => s.GetProperty("stream").GetString()!, s => (Mode: s.GetProperty("mode").GetString(), Read: s.GetProperty("rows_read").GetInt64(), Status: s.GetProperty("status").GetString()));
        Assert.Equal(["main.customers", "main.events", "main.plans"], streams.Keys.Order(StringComparer.Ordinal));
        Assert.True(json.RootElement.GetProperty("succeeded").GetBoolean());
        Assert.Equal(("incremental", 2L, "succeeded"), streams["main.events"]);
        Assert.Equal(("merge", 1L, "succeeded"), streams["main.customers"]);
        Assert.Equal(("full_refresh", 3L, "succeeded"), streams["main.plans"]);
        Assert.Equal((3L, 7L, 3L), (Count("lake.plans"), Count("lake.events"), Count("lake.customers")));
        Assert.Equal(7L, Scalar<long>("SELECT count(DISTINCT id) FROM lake.events"));
        Assert.Equal(28L, Scalar<long>("SELECT sum(id)::BIGINT FROM lake.events"));
        Assert.Equal(AdaNewHash, Scalar<string>("SELECT email FROM lake.customers WHERE id = 1"));
        Assert.Equal(3L, Scalar<long>("SELECT plan_id FROM lake.customers WHERE id = 1"));
        Assert.Equal(GraceHash, Scalar<string>("SELECT email FROM lake.customers WHERE id = 2"));
        Assert.Equal(64.00m, Scalar<decimal>("SELECT sum(monthly_price) FROM lake.plans"));
    }

    [Fact]
    public async Task Connection_ExampleSqlite_TestAndDiscoverListTables()
    {
        var test = await CliRun.RunAsync("connection", "test", "app", "--project", dir);
        var discover = await CliRun.RunAsync("connection", "discover", "app", "--json", "--project", dir);

        Assert.True(test.ExitCode == 0, test.Out + test.Error);
        Assert.StartsWith("ok: app (sqlite)", test.Out, StringComparison.Ordinal);
        Assert.True(discover.ExitCode == 0, discover.Out + discover.Error);
        using var json = JsonDocument.Parse(discover.Out);
        var streams = json.RootElement.EnumerateArray().ToDictionary(s => s.GetProperty("stream").GetString()!);
        Assert.Equal(["main.customers", "main.events", "main.plans"], streams.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["id"], streams["main.customers"].GetProperty("primary_key").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(
            ["id", "name", "email", "plan_id", "updated_at"],
            streams["main.customers"].GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task State_ListShowAndResetOneStream_NextRunReadsOnlyThatStreamFromTheStart()
    {
        Assert.Equal(0, (await CliRun.RunAsync("sync", "app_to_lake", "--project", dir, "--quiet")).ExitCode);

        var list = await CliRun.RunAsync("state", "list", "app_to_lake", "--project", dir, "--json");
        var show = await CliRun.RunAsync("state", "show", "app_to_lake", "--stream", "lake.events", "--project", dir);
        var typo = await CliRun.RunAsync("state", "reset", "app_to_lake", "--stream", "lake.event", "--project", dir);
        var reset = await CliRun.RunAsync("state", "reset", "app_to_lake", "--stream", "lake.customers", "--project", dir);
        var after = await CliRun.RunAsync("state", "list", "app_to_lake", "--project", dir);
        var rerun = await CliRun.RunAsync("sync", "app_to_lake", "--project", dir, "--json");

        Assert.True(list.ExitCode == 0, list.Out + list.Error);
        var streams = JsonDocument.Parse(list.Out).RootElement.GetProperty("streams").EnumerateArray()
            .Select(s => $"{s.GetProperty("stream").GetString()} {s.GetProperty("cursor_column").GetString()} {s.GetProperty("cursor").GetString()}").ToList();
        Assert.Equal(["lake.customers updated_at 2026-01-07T11:15:00", "lake.events id 5", "lake.plans  "], streams);
        Assert.True(show.ExitCode == 0, show.Out + show.Error);
        Assert.Equal("5", JsonDocument.Parse(show.Out).RootElement.GetProperty("streams")[0].GetProperty("cursor").GetString());
        Assert.Equal(1, typo.ExitCode);
        Assert.Contains("Sync 'app_to_lake' has no stored state for 'lake.event' (did you mean 'lake.events'?)", typo.Error, StringComparison.Ordinal);
        Assert.Equal("reset lake.customers: the next run of app_to_lake reads it from the start\n", reset.Out);
        Assert.DoesNotContain("lake.customers", after.Out, StringComparison.Ordinal);
        Assert.Contains("app_to_lake: 2 stream states", after.Out, StringComparison.Ordinal);
        Assert.True(rerun.ExitCode == 0, rerun.Out + rerun.Error);
        var read = JsonDocument.Parse(rerun.Out).RootElement.GetProperty("streams").EnumerateArray()
            .ToDictionary(s => s.GetProperty("table").GetString()!, s => s.GetProperty("rows_read").GetInt64());
        Assert.Equal((3L, 0L), (read["lake.customers"], read["lake.events"]));
    }

    [Fact]
    public async Task PipelineRun_ExampleNightly_SyncsBuildsFansOutAndRecordsTheRun()
    {
        var run = await CliRun.RunAsync("pipeline", "run", "nightly", "--param", "report_date=2026-01-31", "--project", dir);
        var logs = await CliRun.RunAsync("runs", "logs", "1", "--project", dir);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("run 1 succeeded: 4 of 4 steps succeeded", run.Out, StringComparison.Ordinal);
        Assert.Equal((3L, 5L, 3L), (Count("lake.plans"), Count("lake.events"), Count("lake.customers")));
        Assert.Equal(61.50m, Scalar<decimal>("SELECT sum(monthly_revenue) FROM mart.plan_revenue"));
        Assert.Equal("2026-01-31", Scalar<string>("SELECT DISTINCT strftime(report_date, '%Y-%m-%d') FROM mart.plan_revenue"));
        Assert.True(logs.ExitCode == 0, logs.Out + logs.Error);
        Assert.Contains("per_plan[business] #1: plan business checked for 2026-01-31", logs.Out, StringComparison.Ordinal);
        Assert.Contains("per_plan[free] #1: plan free checked for 2026-01-31", logs.Out, StringComparison.Ordinal);
        Assert.Matches(@"announce #1: nightly run 1 for \d{4}-\d{2}-\d{2} done", logs.Out);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string FindExample()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "examples", "replication");
            if (File.Exists(Path.Combine(candidate, "nagare.yml")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"examples/replication not found above {AppContext.BaseDirectory}");
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.StartsWith("data", StringComparison.Ordinal) || relative.StartsWith(".nagare", StringComparison.Ordinal))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private void ExecuteSqlite(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dir, "data", "app.db"), Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Count(string table) => Scalar<long>($"SELECT count(*) FROM {table}");

    private T Scalar<T>(string sql)
    {
        using var duck = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = Path.Combine(dir, ".nagare", "warehouse.duckdb") }.ConnectionString);
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
