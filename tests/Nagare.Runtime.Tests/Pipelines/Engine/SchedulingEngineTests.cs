using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Runtime.Tests.Pipelines.Engine;

/// <summary>Schedules, catch-up, active-run limits and triggers, driven tick by tick on a manual clock over a real store.</summary>
[Trait("Category", "Integration")]
public sealed class SchedulingEngineTests
{
    private static DateTimeOffset Utc(int day, int hour, int minute = 0, int second = 0) => new(2026, 3, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public async Task TickAsync_CronInTokyo_CreatesOneRunForTheJstDateOnceAcrossRestarts()
    {
        // 03:00 in Tokyo is 18:00 UTC of the day before: the logical date must be Tokyo's.
        await using var h = new EngineHarness(EngineHarness.Jst(2026, 3, 10, 2, 0));
        h.Project.Write("pipelines/nightly.yml", """
            name: nightly
            schedule: { cron: "0 3 * * *", timezone: Asia/Tokyo }
            steps:
              - name: show
                command:
                  - sh
                  - -c
                  - 'echo "day={{ logical_date }} yesterday={{ yesterday }} ts={{ ts }}"'
            """);
        await h.Load();
        var scheduler = h.Scheduler();

        Assert.True(await h.TickAsync(scheduler));
        Assert.Empty(await h.RunsAsync("nightly"));
        h.Clock.Set(EngineHarness.Jst(2026, 3, 10, 2, 59, 59));
        await h.TickAsync(scheduler);
        Assert.Empty(await h.RunsAsync("nightly"));

        h.Clock.Set(EngineHarness.Jst(2026, 3, 10, 3, 0, 5));
        await h.TickAsync(scheduler);
        var run = Assert.Single(await h.RunsAsync("nightly"));
        Assert.Equal("2026-03-10", run.LogicalDate);
        Assert.Equal(EngineHarness.Jst(2026, 3, 10, 3, 0), run.ScheduledAt);
        Assert.Equal("schedule", run.Trigger);

        Assert.Equal(1, await h.DrainAsync());
        Assert.Equal(RunStates.Succeeded, (await h.RunAsync(run.Id)).Run.State);
        Assert.Contains("day=2026-03-10 yesterday=2026-03-09 ts=2026-03-10T03:00:00+09:00", await h.LogOfAsync(run.Id, "show"));

        await h.TickAsync(scheduler);
        Assert.Single(await h.RunsAsync("nightly"));

        // A restart: the old process died holding the leader lease; the new one leads once it expires.
        var restarted = h.Scheduler();
        h.Clock.Advance(restarted.Options.LeaderLease + TimeSpan.FromSeconds(1));
        Assert.True(await h.TickAsync(restarted));
        Assert.Single(await h.RunsAsync("nightly"));
    }

    [Theory]
    [InlineData("all", "2026-03-10,2026-03-11,2026-03-12")]
    [InlineData("latest", "2026-03-12")]
    [InlineData("skip", "")]
    public async Task TickAsync_ClockJumpsThreeDays_CatchUpPolicyDecidesTheRuns(string policy, string dates)
    {
        var expected = dates.Split(',', StringSplitOptions.RemoveEmptyEntries);
        await using var h = new EngineHarness(Utc(10, 0));
        h.Project.Write("pipelines/daily.yml", """
            name: daily
            schedule: { cron: "0 3 * * *", timezone: UTC, catchup: POLICY }
            steps:
              - command: ["true"]
            """.Replace("POLICY", policy, StringComparison.Ordinal));
        await h.Load();
        var scheduler = h.Scheduler();
        await h.TickAsync(scheduler);

        h.Clock.Set(Utc(12, 4));
        await h.TickAsync(scheduler);

        var runs = await h.RunsAsync("daily");
        Assert.Equal(expected, runs.Select(r => r.LogicalDate));
        Assert.Equal(expected.Select((_, i) => i == 0 ? RunStates.Running : RunStates.Queued), runs.Select(r => r.State));

        // The runs go one after the other, oldest first, and the next tick adds none.
        await h.DrainAsync();
        Assert.All(await h.RunsAsync("daily"), r => Assert.Equal(RunStates.Succeeded, r.State));
        await h.TickAsync(scheduler);
        Assert.Equal(expected.Length, (await h.RunsAsync("daily")).Count);
    }

    [Theory]
    [InlineData("queue")]
    [InlineData("skip")]
    public async Task TickAsync_TickWhileRunActive_WhenRunningQueuesOrSkips(string whenRunning)
    {
        await using var h = new EngineHarness(Utc(10, 0, 5));
        h.Project.Write("pipelines/often.yml", """
            name: often
            schedule: { cron: "*/10 * * * *", timezone: UTC }
            max_active_runs: 1
            when_running: WHEN
            steps:
              - name: note
                command:
                  - sh
                  - -c
                  - 'echo "{{ ts }}" >> order.log'
            """.Replace("WHEN", whenRunning, StringComparison.Ordinal));
        await h.Load();
        var scheduler = h.Scheduler();
        await h.TickAsync(scheduler);
        h.Clock.Set(Utc(10, 0, 10));
        await h.TickAsync(scheduler);
        h.Clock.Set(Utc(10, 0, 20));
        await h.TickAsync(scheduler);

        var runs = await h.RunsAsync("often");
        Assert.Equal(2, runs.Count);
        Assert.Equal(RunStates.Running, runs[0].State);
        Assert.Equal(whenRunning == "queue" ? RunStates.Queued : RunStates.Skipped, runs[1].State);

        await h.DrainAsync();
        runs = await h.RunsAsync("often");
        var order = await File.ReadAllLinesAsync(h.Project.PathOf("order.log"));
        if (whenRunning == "queue")
        {
            Assert.Equal<string>([RunStates.Succeeded, RunStates.Succeeded], runs.Select(r => r.State));
            Assert.Equal<string>(["2026-03-10T00:10:00+00:00", "2026-03-10T00:20:00+00:00"], order);
            Assert.True(runs[1].StartedAt >= runs[0].FinishedAt);
        }
        else
        {
            Assert.Equal<string>([RunStates.Succeeded, RunStates.Skipped], runs.Select(r => r.State));
            Assert.Equal<string>(["2026-03-10T00:10:00+00:00"], order);
            Assert.Empty((await h.RunAsync(runs[1].Id)).Tasks);
        }
    }

    [Fact]
    public async Task TickAsync_AfterPipelineSucceeds_StartsFollowerWithItsDateOnlyOnSuccess()
    {
        await using var h = new EngineHarness(Utc(10, 9));
        h.Project.Write("pipelines/a.yml", """
            name: a
            steps:
              - name: load
                command: [sh, -c, 'test ! -f fail-a']
            """);
        h.Project.Write("pipelines/b.yml", """
            name: b
            trigger: { after: [a] }
            steps:
              - name: report
                command: [sh, -c, 'echo "report {{ logical_date }}" >> b.log']
            """);
        await h.Load();
        var service = h.Service();
        var scheduler = h.Scheduler(new SchedulerOptions { Schedules = false });

        var first = await service.StartAsync("a", null, new DateOnly(2026, 3, 5), null, CancellationToken.None);
        await h.DrainAsync();
        await h.TickAsync(scheduler);
        await h.TickAsync(scheduler);

        var follower = Assert.Single(await h.RunsAsync("b"));
        Assert.Equal("2026-03-05", follower.LogicalDate);
        Assert.Equal("pipeline", follower.Trigger);
        await h.DrainAsync();
        Assert.Equal<string>(["report 2026-03-05"], await File.ReadAllLinesAsync(h.Project.PathOf("b.log")));

        h.Project.Write("fail-a", "");
        var second = await service.StartAsync("a", null, new DateOnly(2026, 3, 6), null, CancellationToken.None);
        await h.DrainAsync();
        await h.TickAsync(scheduler);
        await h.TickAsync(scheduler);

        Assert.Equal(RunStates.Succeeded, (await h.RunAsync(first.Id)).Run.State);
        Assert.Equal(RunStates.Failed, (await h.RunAsync(second.Id)).Run.State);
        Assert.Single(await h.RunsAsync("b"));
    }
}
