using System.Globalization;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Runtime.Tests.Infrastructure;
using Npgsql;

namespace Nagare.Runtime.Tests.Pipelines.Engine;

/// <summary>Two schedulers, as two processes, over one PostgreSQL store: one leads, the other takes over when the lease runs out.</summary>
[Trait("Category", "Integration")]
public sealed class LeaderFailoverTests
{
    private static DateTimeOffset At(int minute, int second = 0) => new(2026, 3, 10, 0, minute, second, TimeSpan.Zero);

    /// <summary>The ticks the pipeline's runs are for, oldest first (read from the tables: one row per run created).</summary>
    private static async Task<List<DateTimeOffset>> ScheduledAsync(TestPostgres pg) =>
        [.. (await pg.QueryAsync($"SELECT scheduled_at FROM \"{pg.Schema}\".runs WHERE pipeline = 'often' ORDER BY id"))
            .Select(r => DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r[0], CultureInfo.InvariantCulture)))];

    [Fact]
    public async Task TickAsync_LeaderStopsRenewing_StandbyTakesOverWithoutDuplicateRuns()
    {
        await using var pg = await TestPostgres.CreateAsync("engine");
        var location = new NpgsqlConnectionStringBuilder(pg.ConnectionString) { SearchPath = pg.Schema }.ConnectionString;
        await using var h = new EngineHarness(At(5));
        h.Project.Write("pipelines/often.yml", """
            name: often
            schedule: { cron: "*/10 * * * *", timezone: UTC }
            max_active_runs: 5
            steps:
              - command: ["true"]
            """);
        await h.Load(location);
        await using var otherProcess = MetadataStore.Open(location, h.Project.Root);
        var lease = TimeSpan.FromSeconds(15);
        var a = h.Scheduler(new SchedulerOptions { Id = "scheduler-a", LeaderLease = lease });
        var b = h.Scheduler(new SchedulerOptions { Id = "scheduler-b", LeaderLease = lease }, over: otherProcess);

        Assert.True(await h.TickAsync(a));
        Assert.False(await h.TickAsync(b));
        h.Clock.Set(At(10, 1));
        Assert.True(await h.TickAsync(a));
        Assert.False(await h.TickAsync(b));
        Assert.Equal<DateTimeOffset>([At(10)], await ScheduledAsync(pg));
        Assert.True(a.IsLeader);
        Assert.False(b.IsLeader);

        // A stops (no more ticks). Within its lease B stands by; after it, B leads.
        h.Clock.Set(At(10, 15));
        Assert.False(await h.TickAsync(b));
        h.Clock.Set(At(10, 17));
        Assert.True(await h.TickAsync(b));
        Assert.True(b.IsLeader);
        Assert.Equal<DateTimeOffset>([At(10)], await ScheduledAsync(pg));

        // As if A had died between creating the 00:10 run and recording the tick: B sees the tick due again.
        await h.Store.SetLastTickAsync("often", At(5), CancellationToken.None);
        Assert.True(await h.TickAsync(b));
        Assert.Equal<DateTimeOffset>([At(10)], await ScheduledAsync(pg));

        h.Clock.Set(At(20, 1));
        Assert.True(await h.TickAsync(b));
        Assert.False(await h.TickAsync(a));
        Assert.False(a.IsLeader);
        Assert.Equal<DateTimeOffset>([At(10), At(20)], await ScheduledAsync(pg));
    }
}
