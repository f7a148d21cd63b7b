using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Runtime.Tests.Pipelines.Engine;

/// <summary>Parameters, retries, timeouts, cancel, pools, fan-out and re-runs: real steps run by the real worker over a real store.</summary>
[Trait("Category", "Integration")]
public sealed class WorkerEngineTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A shell script that counts its runs in the file <c>count</c> and fails until the <paramref name="succeedAt"/>-th.</summary>
    private static string Counter(int succeedAt) =>
        $"n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo \"attempt $n\"; test $n -ge {succeedAt}";

    [Fact]
    public async Task StartAsync_Params_DefaultsAndTypedOverridesReachTheSteps()
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("pipelines/p.yml", """
            name: p
            params:
              target_date: { type: date, default: "{{ yesterday }}" }
              limit: { type: int, default: 100 }
              ratio: { type: number, default: 0.5 }
              dry: { type: bool, default: false }
              region: apac
            steps:
              - name: show
                command: [sh, -c, 'echo "{{ params.target_date }}|{{ params.limit }}|{{ params.region }}"']
            """);
        await h.Load();
        var service = h.Service();

        var defaults = await service.StartAsync("p", null, new DateOnly(2026, 3, 10), null, CancellationToken.None);
        var given = await service.StartAsync("p", new Dictionary<string, string> { ["limit"] = " 7 ", ["dry"] = "true", ["ratio"] = "1.25", ["target_date"] = "2026-01-02" }, new DateOnly(2026, 3, 10), null, CancellationToken.None);
        await h.DrainAsync();

        var first = JsonDocument.Parse((await h.RunAsync(defaults.Id)).Run.ParamsJson).RootElement.GetProperty("params");
        Assert.Equal("2026-03-09", first.GetProperty("target_date").GetString());
        Assert.Equal(100, first.GetProperty("limit").GetInt64());
        Assert.Equal(0.5m, first.GetProperty("ratio").GetDecimal());
        Assert.Equal(JsonValueKind.False, first.GetProperty("dry").ValueKind);
        Assert.Equal("apac", first.GetProperty("region").GetString());
        var second = JsonDocument.Parse((await h.RunAsync(given.Id)).Run.ParamsJson).RootElement.GetProperty("params");
        Assert.Equal(JsonValueKind.Number, second.GetProperty("limit").ValueKind);
        Assert.Equal(7, second.GetProperty("limit").GetInt64());
        Assert.Equal(1.25m, second.GetProperty("ratio").GetDecimal());
        Assert.Equal(JsonValueKind.True, second.GetProperty("dry").ValueKind);
        Assert.Contains("2026-03-09|100|apac", await h.LogOfAsync(defaults.Id));
        Assert.Contains("2026-01-02|7|apac", await h.LogOfAsync(given.Id));
    }

    [Theory]
    [InlineData("limit", "seven", "Parameter 'limit' of pipeline 'p' is an int; got 'seven'.")]
    [InlineData("dry", "maybe", "Parameter 'dry' of pipeline 'p' is a bool (true or false); got 'maybe'.")]
    [InlineData("target_date", "10/03/2026", "Parameter 'target_date' of pipeline 'p' is a date (yyyy-MM-dd); got '10/03/2026'.")]
    [InlineData("limt", "1", "Pipeline 'p' has no parameter 'limt'")]
    public async Task StartAsync_BadParameter_ThrowsNamingItAndCreatesNoRun(string name, string value, string message)
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("pipelines/p.yml", """
            name: p
            params:
              target_date: { type: date, default: "{{ yesterday }}" }
              limit: { type: int, default: 100 }
              dry: { type: bool, default: false }
            steps:
              - command: ["true"]
            """);
        await h.Load();

        var e = await Assert.ThrowsAsync<PipelineException>(() => h.Service().StartAsync("p", new Dictionary<string, string> { [name] = value }, null, null, CancellationToken.None));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
        Assert.Empty(await h.RunsAsync("p"));
    }

    [Fact]
    public async Task DrainAsync_FailingTwiceWithBackoff_WaitsThenSucceedsOnThirdAttempt()
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("pipelines/flaky.yml", $$"""
            name: flaky
            steps:
              - name: flaky
                command: [sh, -c, '{{Counter(3)}}']
                retries: { count: 3, backoff: 10s }
            """);
        await h.Load();
        var run = await h.Service().StartAsync("flaky", null, null, null, CancellationToken.None);
        var t0 = h.Clock.GetUtcNow();

        Assert.Equal(1, await h.DrainAsync());
        Assert.Equal(RunStates.Ready, (await h.RunAsync(run.Id)).Tasks[0].State);
        h.Clock.Set(t0 + TimeSpan.FromSeconds(4.9)); // the first retry waits 5 to 10 s
        Assert.Equal(0, await h.DrainAsync());
        h.Clock.Set(t0 + TimeSpan.FromSeconds(10));
        Assert.Equal(1, await h.DrainAsync());
        var t1 = h.Clock.GetUtcNow();
        h.Clock.Set(t1 + TimeSpan.FromSeconds(9.9)); // the second waits twice as long: 10 to 20 s
        Assert.Equal(0, await h.DrainAsync());
        h.Clock.Set(t1 + TimeSpan.FromSeconds(20));
        Assert.Equal(1, await h.DrainAsync());

        var detail = await h.RunAsync(run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.Equal(3, Assert.Single(detail.Tasks).Attempts);
        Assert.Equal<string>([RunStates.Failed, RunStates.Failed, RunStates.Succeeded], detail.Attempts.Select(a => a.State));
        Assert.Equal("'sh' exited with code 1", detail.Attempts[0].Error);
        Assert.Equal("3", (await File.ReadAllTextAsync(h.Project.PathOf("count"))).Trim());
        Assert.Equal<string>(["attempt 1", "attempt 2", "attempt 3"], (await h.LogOfAsync(run.Id)).Where(l => l.StartsWith("attempt", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DrainAsync_StepFailsBeyondRetries_RunFailsDownstreamNotRunOtherBranchSucceeds()
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("pipelines/broken.yml", """
            name: broken
            steps:
              - name: bad
                command: [sh, -c, 'echo bad >> bad.log; exit 3']
                retries: { count: 1, backoff: 1s }
              - name: after_bad
                after: [bad]
                command: [sh, -c, 'echo ran >> after.log']
              - name: other
                command: [sh, -c, 'echo other >> other.log']
            """);
        await h.Load();
        var run = await h.Service().StartAsync("broken", null, null, null, CancellationToken.None);

        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        await h.DrainAsync();

        var detail = await h.RunAsync(run.Id);
        Assert.Equal(RunStates.Failed, detail.Run.State);
        Assert.Equal("step 'bad': 'sh' exited with code 3", detail.Run.Error);
        Assert.Equal<(string, string)>(
            [("bad", RunStates.Failed), ("after_bad", RunStates.UpstreamFailed), ("other", RunStates.Succeeded)],
            detail.Steps.Select(s => (s.Name, s.State)));
        Assert.Equal(2, await LinesAsync(h, "bad.log"));
        Assert.False(File.Exists(h.Project.PathOf("after.log")));
        Assert.Equal(1, await LinesAsync(h, "other.log"));
    }

    [Fact]
    public async Task DrainAsync_AttemptPastTimeout_TimedOutAndRetried()
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("pipelines/slow.yml", """
            name: slow
            steps:
              - name: slow
                command: [sleep, "30"]
                timeout: 1s
                retries: { count: 1, backoff: 2s }
            """);
        await h.Load();
        var run = await h.Service().StartAsync("slow", null, null, null, CancellationToken.None);

        // The worker drains in the background; the test moves the clock a second at a time until the run ends.
        using var stop = new CancellationTokenSource();
        var worker = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await h.Worker().DrainAsync(stop.Token);
                    await Task.Delay(10, stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });
        await h.UntilAsync(async () => RunStates.IsFinal((await h.RunAsync(run.Id)).Run.State), TimeSpan.FromSeconds(1), "the run's end");
        await stop.CancelAsync();
        await worker.WaitAsync(EngineHarness.Patience);

        var detail = await h.RunAsync(run.Id);
        Assert.Equal(RunStates.Failed, detail.Run.State);
        Assert.Equal<string>(["timed_out", "timed_out"], detail.Attempts.Select(a => a.State));
        Assert.All(detail.Attempts, a => Assert.Contains("timed out", a.Error, StringComparison.Ordinal));
        Assert.Contains("timed out", detail.Run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RunCancelledWhileStepRuns_WorkerStopsItAtHeartbeat()
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("pipelines/long.yml", """
            name: long
            steps:
              - name: long
                command: [sleep, "30"]
              - name: next
                after: [long]
                command: [sh, -c, 'echo ran >> next.log']
            """);
        await h.Load();
        var run = await h.Service().StartAsync("long", null, null, null, CancellationToken.None);
        using var stop = new CancellationTokenSource(EngineHarness.Patience);
        var loop = h.Worker(new WorkerOptions { Heartbeat = TimeSpan.FromSeconds(1), Lease = TimeSpan.FromSeconds(30) }).RunAsync(stop.Token);

        await h.UntilAsync(async () => (await h.RunAsync(run.Id)).Tasks[0].State == RunStates.Running, TimeSpan.Zero, "the claim");
        Assert.True(await h.Store.CancelRunAsync(run.Id, h.Clock.GetUtcNow(), CancellationToken.None));
        await h.UntilAsync(async () => (await h.RunAsync(run.Id)).Attempts.All(a => a.State != RunStates.Running), TimeSpan.FromSeconds(1), "the attempt's end");
        await stop.CancelAsync();
        await loop.WaitAsync(EngineHarness.Patience);

        var detail = await h.RunAsync(run.Id);
        Assert.Equal(RunStates.Cancelled, detail.Run.State);
        Assert.Equal(RunStates.Cancelled, Assert.Single(detail.Attempts).State);
        Assert.Equal<string>([RunStates.Cancelled, RunStates.Cancelled], detail.Tasks.Select(t => t.State));
        Assert.Contains("cancelled", await h.LogOfAsync(run.Id, "long"));
        Assert.False(File.Exists(h.Project.PathOf("next.log")));
    }

    [Fact]
    public async Task RunToEndAsync_TaskOfAnotherRunStillRunningAtTheEnd_LetsItFinishOnceInsteadOfLeavingItToItsLease()
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("pipelines/gated.yml", """
            name: gated
            steps:
              - command: [sh, -c, 'while [ ! -f go ]; do sleep 0.05; done; echo ran >> gated.log']
            """);
        h.Project.Write("pipelines/quick.yml", """
            name: quick
            steps:
              - command: [sh, -c, 'echo ran >> quick.log']
            """);
        await h.Load();
        var service = h.Service();
        var gated = await service.StartAsync("gated", null, null, null, CancellationToken.None);
        var quick = await service.StartAsync("quick", null, null, null, CancellationToken.None);
        using var timeout = new CancellationTokenSource(EngineHarness.Patience);

        // The command's worker takes both runs' tasks; its own run ends while the other's task still waits.
        var end = service.RunToEndAsync(quick.Id, new WorkerOptions(), timeout.Token);
        await h.UntilAsync(async () => (await h.RunAsync(gated.Id)).Tasks[0].State == RunStates.Running, TimeSpan.Zero, "the gated task's claim");
        await h.UntilAsync(async () => (await h.Store.FindRunAsync(quick.Id, CancellationToken.None))!.Followed, TimeSpan.FromMilliseconds(100), "the quick run's end and follow-up");
        await File.WriteAllTextAsync(h.Project.PathOf("go"), "");
        await h.UntilAsync(() => Task.FromResult(end.IsCompleted), TimeSpan.FromMilliseconds(100), "the command's end");
        var record = await end;

        // The clock moved far less than a lease: a task left to its lease would still be running, its run held back.
        Assert.Equal(RunStates.Succeeded, record.State);
        var other = await h.RunAsync(gated.Id);
        Assert.Equal(RunStates.Succeeded, other.Run.State);
        Assert.Equal(RunStates.Succeeded, Assert.Single(other.Attempts).State);
        Assert.Equal(1, await LinesAsync(h, "gated.log"));
    }

    [Fact]
    public async Task DrainAsync_TaskLongerThanLeaseWhileSchedulerReaps_KeepsItAndLearnsCancel()
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("pipelines/long.yml", """
            name: long
            steps:
              - name: long
                command: [sleep, "30"]
              - name: next
                after: [long]
                command: [sh, -c, 'echo ran >> next.log']
            """);
        await h.Load();
        var run = await h.Service().StartAsync("long", null, null, null, CancellationToken.None);
        var scheduler = h.Scheduler(new SchedulerOptions { Schedules = false });
        using var stop = new CancellationTokenSource(EngineHarness.Patience);
        var drain = h.Worker(new WorkerOptions { Lease = TimeSpan.FromSeconds(30), Heartbeat = TimeSpan.FromSeconds(5) }).DrainAsync(stop.Token);
        await h.UntilAsync(async () => (await h.RunAsync(run.Id)).Tasks[0].State == RunStates.Running, TimeSpan.Zero, "the claim");

        // Two leases of time pass while the scheduler takes back tasks of silent workers: this one's heartbeats keep it.
        for (var i = 0; i < 12; i++)
        {
            h.Clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(50, CancellationToken.None);
            await h.TickAsync(scheduler);
        }

        Assert.Equal(RunStates.Running, Assert.Single((await h.RunAsync(run.Id)).Attempts).State);
        Assert.True(await h.Store.CancelRunAsync(run.Id, h.Clock.GetUtcNow(), CancellationToken.None));
        await h.UntilAsync(async () => (await h.RunAsync(run.Id)).Attempts.All(a => a.State != RunStates.Running), TimeSpan.FromSeconds(1), "the attempt's end");
        Assert.Equal(1, await drain.WaitAsync(EngineHarness.Patience));

        var detail = await h.RunAsync(run.Id);
        Assert.Equal(RunStates.Cancelled, detail.Run.State);
        Assert.Equal(RunStates.Cancelled, Assert.Single(detail.Attempts).State);
        Assert.False(File.Exists(h.Project.PathOf("next.log")));
    }

    [Fact]
    public async Task RunAsync_TwoStepsInPoolOfOne_NeverOverlap()
    {
        // Real time: the steps really run at once unless the pool holds one back.
        await using var h = new EngineHarness(Start);
        h.Project.Write("nagare.yml", "name: engine\npools:\n  db: 1\n");
        const string Script = "echo \"start STEP $(date +%s%N)\" >> times.log; sleep 0.3; echo \"end STEP $(date +%s%N)\" >> times.log";
        h.Project.Write("pipelines/pooled.yml", $$"""
            name: pooled
            steps:
              - name: a
                pool: db
                command: [sh, -c, '{{Script.Replace("STEP", "a", StringComparison.Ordinal)}}']
              - name: b
                pool: db
                command: [sh, -c, '{{Script.Replace("STEP", "b", StringComparison.Ordinal)}}']
            """);
        await h.Load();
        var run = await new PipelineService(h.Config, h.Store, ConnectorRegistry.Default, TimeProvider.System).StartAsync("pooled", null, null, null, CancellationToken.None);
        using var stop = new CancellationTokenSource(EngineHarness.Patience);
        var loop = h.Worker(new WorkerOptions { Slots = 4, IdlePoll = TimeSpan.FromMilliseconds(50) }, TimeProvider.System).RunAsync(stop.Token);

        while (!RunStates.IsFinal((await h.RunAsync(run.Id)).Run.State))
        {
            await Task.Delay(50, stop.Token);
        }

        await stop.CancelAsync();
        await loop;

        Assert.Equal(RunStates.Succeeded, (await h.RunAsync(run.Id)).Run.State);
        var events = (await File.ReadAllLinesAsync(h.Project.PathOf("times.log"))).Select(l => l.Split(' ')).ToList();
        Assert.Equal<string>(["start", "end", "start", "end"], events.Select(e => e[0]));
        Assert.Equal(events[0][1], events[1][1]);
        Assert.Equal(events[2][1], events[3][1]);
        Assert.True(long.Parse(events[1][2], CultureInfo.InvariantCulture) <= long.Parse(events[2][2], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task DrainAsync_ForEachConnections_EachShardGetsItsRow()
    {
        await using var h = new EngineHarness(Start);
        foreach (var shard in new[] { "shard_1", "shard_2", "shard_3" })
        {
            var file = h.Project.PathOf(shard + ".db");
            SqliteExecute(file, "CREATE TABLE t (shard TEXT, day TEXT)");
            h.Project.Write($"connections/{shard}.yml", $"name: {shard}\ntype: sqlite\npath: {file}\n");
        }

        h.Project.Write("pipelines/shards.yml", """
            name: shards
            steps:
              - name: per_shard
                sql: "insert into t (shard, day) values ('{{ item }}', '{{ logical_date }}')"
                connection: "{{ item }}"
                for_each:
                  connections: "shard_*"
            """);
        await h.Load();
        var run = await h.Service().StartAsync("shards", null, new DateOnly(2026, 3, 10), null, CancellationToken.None);

        Assert.Equal(3, await h.DrainAsync());

        var detail = await h.RunAsync(run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.Equal<string?>(["shard_1", "shard_2", "shard_3"], detail.Tasks.Select(t => t.Item).Order(StringComparer.Ordinal));
        foreach (var shard in new[] { "shard_1", "shard_2", "shard_3" })
        {
            Assert.Equal<string>([$"{shard}|2026-03-10"], SqliteRows(h.Project.PathOf(shard + ".db"), "SELECT shard, day FROM t"));
        }
    }

    [Fact]
    public async Task DrainAsync_SqlIntoFromAnApplicationDatabase_CreatesThenReplacesTheWarehouseTable()
    {
        await using var h = new EngineHarness(Start);
        var app = h.Project.PathOf("app.db");
        SqliteExecute(app, """
            CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, score REAL, signed_up TEXT);
            INSERT INTO users VALUES (1, 'Ada', 9.5, '2026-03-01'), (2, 'Grace', 7.25, '2026-03-08'), (3, 'Linus', 3.0, '2026-03-09');
            """);
        h.Project.Write("connections/app.yml", $"name: app\ntype: sqlite\npath: {app}\n");
        h.Project.Write("pipelines/active.yml", """
            name: active
            params:
              since: { type: date, default: "2026-03-05" }
            steps:
              - name: extract
                sql: "select id, name, score from users where signed_up >= '{{ params.since }}' order by id"
                connection: app
                into: lake_app.active_users
              - name: summary
                after: [extract]
                sql: "select count(*) as users, sum(score) as score from lake_app.active_users"
                into: mart.active_summary
            """);
        await h.Load();

        var first = await h.Service().StartAsync("active", null, null, null, CancellationToken.None);
        Assert.Equal(2, await h.DrainAsync());
        Assert.Equal(RunStates.Succeeded, (await h.RunAsync(first.Id)).Run.State);
        Assert.Equal<string>(["2|Grace|7.25", "3|Linus|3"], h.Project.QueryWarehouse("SELECT id, name, score FROM lake_app.active_users ORDER BY id"));
        Assert.Equal<string>(["BIGINT", "VARCHAR", "DOUBLE"], h.Project.QueryWarehouse("SELECT data_type FROM information_schema.columns WHERE table_schema = 'lake_app' AND table_name = 'active_users' ORDER BY ordinal_position"));
        Assert.Equal<string>(["2|10.25"], h.Project.QueryWarehouse("SELECT users, score FROM mart.active_summary"));

        var second = await h.Service().StartAsync("active", new Dictionary<string, string> { ["since"] = "2026-01-01" }, null, null, CancellationToken.None);
        Assert.Equal(2, await h.DrainAsync());
        Assert.Equal(RunStates.Succeeded, (await h.RunAsync(second.Id)).Run.State);
        Assert.Equal<string>(["1", "2", "3"], h.Project.QueryWarehouse("SELECT id FROM lake_app.active_users ORDER BY id"));
        Assert.Equal<string>(["3|19.75"], h.Project.QueryWarehouse("SELECT users, score FROM mart.active_summary"));
        Assert.Equal<string>(["active_summary", "active_users"], h.Project.QueryWarehouse("SELECT table_name FROM information_schema.tables WHERE table_schema IN ('lake_app', 'mart') ORDER BY 1"));
    }

    [Fact]
    public async Task DrainAsync_ForEachQueryOnWarehouse_OneTaskPerRow()
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("pipelines/fan.yml", """
            name: fan
            steps:
              - name: items
                sql: "create table items as select * from (values ('x'), ('y'), ('z')) v(name)"
              - name: seen
                sql: "create table seen (name varchar, day varchar)"
              - name: each
                after: [items, seen]
                sql: "insert into seen values ('{{ item }}', '{{ logical_date }}')"
                for_each:
                  query: "select name from items order by name"
            """);
        await h.Load();
        var run = await h.Service().StartAsync("fan", null, new DateOnly(2026, 3, 10), null, CancellationToken.None);

        await h.DrainAsync();

        var detail = await h.RunAsync(run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.Equal<string?>(["x", "y", "z"], detail.Tasks.Where(t => t.Step == "each" && t.Item is not null).Select(t => t.Item));
        Assert.Equal<string>(["x|2026-03-10", "y|2026-03-10", "z|2026-03-10"], h.Project.QueryWarehouse("select name, day from seen order by name"));
    }

    [Fact]
    public async Task RerunAsync_AfterFixingFailedStep_RunsOnlyWhatDidNotSucceed()
    {
        await using var h = new EngineHarness(Start);
        h.Project.Write("pipelines/chain.yml", $$"""
            name: chain
            steps:
              - name: first
                command: [sh, -c, 'echo first >> first.log']
              - name: flaky
                after: [first]
                command: [sh, -c, '{{Counter(2)}}']
              - name: last
                after: [flaky]
                command: [sh, -c, 'echo last >> last.log']
            """);
        await h.Load();
        var run = await h.Service().StartAsync("chain", null, null, null, CancellationToken.None);
        await h.DrainAsync();
        var failed = await h.RunAsync(run.Id);
        Assert.Equal(RunStates.Failed, failed.Run.State);
        Assert.Equal<string>([RunStates.Succeeded, RunStates.Failed, RunStates.UpstreamFailed], failed.Steps.Select(s => s.State));

        h.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await h.Store.RerunAsync(run.Id, h.Clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal(2, await h.DrainAsync());

        var detail = await h.RunAsync(run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.Null(detail.Run.Error);
        Assert.All(detail.Steps, s => Assert.Equal(RunStates.Succeeded, s.State));
        Assert.Equal<int>([1, 2, 1], detail.Tasks.Select(t => t.Attempts));
        Assert.Equal(1, await LinesAsync(h, "first.log"));
        Assert.Equal(1, await LinesAsync(h, "last.log"));
        Assert.Equal("2", (await File.ReadAllTextAsync(h.Project.PathOf("count"))).Trim());
        Assert.False(await h.Store.RerunAsync(run.Id, h.Clock.GetUtcNow(), CancellationToken.None));
    }

    private static async Task<int> LinesAsync(EngineHarness h, string file) => (await File.ReadAllLinesAsync(h.Project.PathOf(file))).Length;

    private static void SqliteExecute(string file, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> SqliteRows(string file, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add($"{reader.GetString(0)}|{reader.GetString(1)}");
        }

        return rows;
    }
}
