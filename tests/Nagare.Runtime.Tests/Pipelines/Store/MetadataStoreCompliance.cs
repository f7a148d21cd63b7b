using System.Globalization;
using Nagare.Core;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Runtime.Tests.Pipelines.Store;

/// <summary>
/// What every metadata store must do, as facts each dialect's test class inherits: runs through their DAG of steps,
/// fan-outs, pools, retries, leases, cancel and re-run, the scheduler's records, and workers racing for claims.
/// Every time is passed in, so the clock is the test's: nothing here waits for time to pass.
/// </summary>
public abstract partial class MetadataStoreCompliance : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private static readonly WorkerInfo A = new("worker-a", false);
    private static readonly WorkerInfo B = new("worker-b", false);
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly List<MetadataStore> stores = [];

    /// <summary>A new store object over this test's own empty store (each call: another object over the same one).</summary>
    protected abstract Task<MetadataStore> CreateStoreAsync();

    /// <summary>Runs SQL on this test's store beside the store object; the first column of the first row, or null.</summary>
    protected abstract Task<object?> SqlAsync(string sql);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task Migrate_Twice_IsIdempotent()
    {
        var store = await OpenAsync();
        await store.MigrateAsync(None);
        await store.MigrateAsync(None);
        var other = await OpenAsync();
        await other.MigrateAsync(None);

        Assert.Equal(StoreMigrations.All.Length, Convert.ToInt32(await SqlAsync("SELECT COUNT(*) FROM nagare_migrations"), CultureInfo.InvariantCulture));
        Assert.Equal(StoreMigrations.All[^1].Version, Convert.ToInt32(await SqlAsync("SELECT MAX(version) FROM nagare_migrations"), CultureInfo.InvariantCulture));
        var created = await other.CreateRunAsync(Run("p", Step("a")), T0, None);
        Assert.Equal(RunStates.Running, created.State);
    }

    [Fact]
    public async Task Migrate_StoreOfNewerSchemaVersion_FailsNamingBothVersions()
    {
        var store = await OpenAsync();
        await store.MigrateAsync(None);
        await SqlAsync("INSERT INTO nagare_migrations (version, applied_at) VALUES (999, 0)");

        var newer = await OpenAsync();
        var error = await Assert.ThrowsAsync<NagareException>(() => newer.MigrateAsync(None));

        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
        Assert.Contains($"newer than this Nagare's {StoreMigrations.All[^1].Version}", error.Message, StringComparison.Ordinal);
        Assert.Contains(newer.Display, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NagareException>(() => newer.ListRunsAsync(new RunFilter(), None));
    }

    [Fact]
    public async Task Claim_ChainOfThreeSteps_RunsStepsInOrderAndRunSucceeds()
    {
        var store = await OpenAsync();
        var created = await store.CreateRunAsync(Run("chain", Step("a"), Step("b", ["a"]), Step("c", ["b"])), T0, None);
        Assert.Equal(new CreatedRun(created.Id, RunStates.Running, false), created);

        var a = await ClaimAsync(store, A, T0 + Sec(1));
        Assert.Equal(("chain", "a", 1, (string?)null, false, created.Id), (a.Pipeline, a.Step, a.Attempt, a.Item, a.Expand, a.RunId));
        Assert.Null(await store.ClaimAsync(B, T0 + Sec(1), Lease, None));

        var detail = await DetailAsync(store, created.Id);
        Assert.Equal((RunStates.Running, T0, (DateTimeOffset?)T0, (DateTimeOffset?)null), (detail.Run.State, detail.Run.CreatedAt, detail.Run.StartedAt, detail.Run.FinishedAt));
        Assert.Equal([RunStates.Running, RunStates.Waiting, RunStates.Waiting], detail.Steps.Select(s => s.State));
        Assert.Equal([RunStates.Running, RunStates.Waiting, RunStates.Waiting], detail.Tasks.Select(t => t.State));
        Assert.Equal(((DateTimeOffset?)T0, (DateTimeOffset?)(T0 + Sec(1))), (detail.Steps[0].ReadyAt, detail.Steps[0].StartedAt));
        Assert.Equal(["b"], detail.Steps[2].After.ToArray());
        Assert.Equal(new AttemptRecord(a.AttemptId, a.TaskId, 1, A.Id, RunStates.Running, T0 + Sec(1), null, null, null, null), Assert.Single(detail.Attempts));

        Assert.True(await store.CompleteAsync(new TaskOutcome(a.TaskId, 1, A.Id, TaskOutcomeKind.Succeeded, Rows: 10, Bytes: 100), T0 + Sec(2), None));
        var b = await ClaimAsync(store, B, T0 + Sec(3));
        Assert.Equal(("b", 1), (b.Step, b.Attempt));
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(3), Lease, None));
        Assert.True(await store.CompleteAsync(new TaskOutcome(b.TaskId, 1, B.Id, TaskOutcomeKind.Succeeded), T0 + Sec(4), None));
        var c = await ClaimAsync(store, A, T0 + Sec(5));
        Assert.Equal("c", c.Step);
        Assert.True(await store.CompleteAsync(new TaskOutcome(c.TaskId, 1, A.Id, TaskOutcomeKind.Succeeded), T0 + Sec(6), None));

        detail = await DetailAsync(store, created.Id);
        Assert.Equal((RunStates.Succeeded, (DateTimeOffset?)(T0 + Sec(6)), (string?)null), (detail.Run.State, detail.Run.FinishedAt, detail.Run.Error));
        Assert.All(detail.Steps, s => Assert.Equal((RunStates.Succeeded, 1, 1, 0, 0), (s.State, s.Total, s.Done, s.Failed, s.Running)));
        Assert.Equal([T0, T0 + Sec(2), T0 + Sec(4)], detail.Steps.Select(s => s.ReadyAt!.Value));
        Assert.Equal([T0 + Sec(2), T0 + Sec(4), T0 + Sec(6)], detail.Steps.Select(s => s.FinishedAt!.Value));
        Assert.All(detail.Tasks, t => Assert.Equal((RunStates.Succeeded, 1), (t.State, t.Attempts)));
        Assert.Equal(((long?)10, (long?)100), (detail.Tasks[0].Rows, detail.Tasks[0].Bytes));
        Assert.Equal([(a.TaskId, 1, A.Id), (b.TaskId, 1, B.Id), (c.TaskId, 1, A.Id)], detail.Attempts.Select(x => (x.TaskId, x.Number, x.Worker)));
        Assert.All(detail.Attempts, x => Assert.Equal(RunStates.Succeeded, x.State));
        Assert.Equal([T0 + Sec(2), T0 + Sec(4), T0 + Sec(6)], detail.Attempts.Select(x => x.FinishedAt!.Value));
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(7), Lease, None));
    }

    [Fact]
    public async Task Claim_DiamondFanIn_DownstreamReadyOnlyAfterBothUpstreams()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("diamond", Step("a"), Step("b", ["a"]), Step("c", ["a"]), Step("d", ["b", "c"])), T0, None);

        await SucceedAsync(store, await ClaimAsync(store, A, T0), A, T0);
        var first = await ClaimAsync(store, A, T0);
        var second = await ClaimAsync(store, B, T0);
        Assert.Equal(["b", "c"], new[] { first.Step, second.Step }.Order(StringComparer.Ordinal));
        Assert.Null(await store.ClaimAsync(A, T0, Lease, None));

        await SucceedAsync(store, first, A, T0 + Sec(1));
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(1), Lease, None));
        Assert.Equal(RunStates.Waiting, (await DetailAsync(store, run.Id)).Steps.Single(s => s.Name == "d").State);

        await SucceedAsync(store, second, B, T0 + Sec(2));
        var d = await ClaimAsync(store, A, T0 + Sec(2));
        Assert.Equal("d", d.Step);
        await SucceedAsync(store, d, A, T0 + Sec(3));

        var detail = await DetailAsync(store, run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.Equal(["b", "c"], detail.Steps.Single(s => s.Name == "d").After.ToArray());
        Assert.Equal(T0 + Sec(2), detail.Steps.Single(s => s.Name == "d").ReadyAt);
    }

    [Fact]
    public async Task Claim_FanOutOfThreeWithParallelismTwo_AtMostTwoRunAndDownstreamWaitsForAll()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("fan", Step("f", items: ["x", "y", "z"], parallelism: 2), Step("g", ["f"])), T0, None);

        var x = await ClaimAsync(store, A, T0);
        var y = await ClaimAsync(store, B, T0);
        Assert.Equal(("x", "y"), (x.Item, y.Item));
        Assert.Null(await store.ClaimAsync(A, T0, Lease, None));
        var f = (await DetailAsync(store, run.Id)).Steps[0];
        Assert.Equal((3, 2), (f.Total, f.Running));

        await SucceedAsync(store, x, A, T0 + Sec(1));
        var z = await ClaimAsync(store, A, T0 + Sec(1));
        Assert.Equal(("f", "z"), (z.Step, z.Item));
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(1), Lease, None));

        await SucceedAsync(store, y, B, T0 + Sec(2));
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(2), Lease, None));
        await SucceedAsync(store, z, A, T0 + Sec(3));
        var g = await ClaimAsync(store, B, T0 + Sec(3));
        Assert.Equal(("g", (string?)null), (g.Step, g.Item));
        await SucceedAsync(store, g, B, T0 + Sec(4));

        var detail = await DetailAsync(store, run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.Equal((3, 3), (detail.Steps[0].Total, detail.Steps[0].Done));
        Assert.Equal(new string?[] { "x", "y", "z", null }, detail.Tasks.Select(t => t.Item));
    }

    [Fact]
    public async Task CreateRun_EmptyFanOut_SucceedsAtOnceAndUnblocksDownstream()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("empty", Step("a"), Step("e", ["a"], items: []), Step("g", ["e"]), Step("root", items: []), Step("h", ["root"])), T0, None);

        var first = await ClaimAsync(store, A, T0);
        var second = await ClaimAsync(store, A, T0);
        Assert.Equal(["a", "h"], new[] { first.Step, second.Step }.Order(StringComparer.Ordinal));
        var detail = await DetailAsync(store, run.Id);
        var root = detail.Steps.Single(s => s.Name == "root");
        Assert.Equal((RunStates.Succeeded, 0), (root.State, root.Total));
        Assert.Equal(RunStates.Waiting, detail.Steps.Single(s => s.Name == "e").State);

        await SucceedAsync(store, first.Step == "a" ? first : second, A, T0 + Sec(1));
        detail = await DetailAsync(store, run.Id);
        var e = detail.Steps.Single(s => s.Name == "e");
        Assert.Equal((RunStates.Succeeded, (DateTimeOffset?)(T0 + Sec(1))), (e.State, e.FinishedAt));
        var g = await ClaimAsync(store, A, T0 + Sec(1));
        Assert.Equal("g", g.Step);

        var alone = await store.CreateRunAsync(Run("nothing", Step("e", items: [])), T0, None);
        var nothing = await DetailAsync(store, alone.Id);
        Assert.Equal((RunStates.Succeeded, (DateTimeOffset?)T0), (nothing.Run.State, nothing.Run.FinishedAt));
        Assert.Empty(nothing.Tasks);
    }

    [Fact]
    public async Task Expand_QueryFanOutWithItems_CreatesOneTaskPerItem()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("query", Step("q", queryFanOut: true, parallelism: 5), Step("g", ["q"])), T0, None);

        var expander = await ClaimAsync(store, A, T0);
        Assert.Equal(("q", true, (string?)null), (expander.Step, expander.Expand, expander.Item));
        Assert.False(await store.ExpandAsync(expander.TaskId, expander.Attempt, B.Id, ["nope"], T0, None));
        Assert.True(await store.ExpandAsync(expander.TaskId, expander.Attempt, A.Id, ["p1", "p2"], T0 + Sec(1), None));
        Assert.False(await store.ExpandAsync(expander.TaskId, expander.Attempt, A.Id, ["p1", "p2"], T0 + Sec(1), None));

        var p1 = await ClaimAsync(store, A, T0 + Sec(1));
        var p2 = await ClaimAsync(store, B, T0 + Sec(1));
        Assert.Equal([("q", "p1", false), ("q", "p2", false)], new[] { p1, p2 }.Select(t => (t.Step, t.Item, t.Expand)));
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(1), Lease, None));
        var detail = await DetailAsync(store, run.Id);
        Assert.Equal((2, 0, 2), (detail.Steps[0].Total, detail.Steps[0].Done, detail.Steps[0].Running));

        await SucceedAsync(store, p1, A, T0 + Sec(2));
        await SucceedAsync(store, p2, B, T0 + Sec(3));
        var g = await ClaimAsync(store, A, T0 + Sec(3));
        Assert.Equal("g", g.Step);
        await SucceedAsync(store, g, A, T0 + Sec(4));

        detail = await DetailAsync(store, run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.Equal(new (string?, long?)[] { (null, 2), (null, null), ("p1", null), ("p2", null) }, detail.Tasks.Select(t => (t.Item, t.Rows)));
        Assert.All(detail.Tasks, t => Assert.Equal(RunStates.Succeeded, t.State));
    }

    [Fact]
    public async Task Rerun_FailedQueryFanOut_FindsItsItemsAgainAndDropsTheOldItemsAttemptsAndLogs()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("query", Step("q", queryFanOut: true)), T0, None);
        var expander = await ClaimAsync(store, A, T0);
        Assert.True(await store.ExpandAsync(expander.TaskId, expander.Attempt, A.Id, ["p1", "p2"], T0, None));
        var p1 = await ClaimAsync(store, A, T0);
        await store.AppendLogAsync(run.Id, p1.AttemptId, [(T0, "old p1 line")], None);
        Assert.True(await store.CompleteAsync(new TaskOutcome(p1.TaskId, p1.Attempt, A.Id, TaskOutcomeKind.Failed, Error: "boom"), T0, None));
        await SucceedAsync(store, await ClaimAsync(store, A, T0), A, T0);
        Assert.Equal(RunStates.Failed, (await DetailAsync(store, run.Id)).Run.State);

        Assert.True(await store.RerunAsync(run.Id, T0 + Sec(1), None));
        var again = await ClaimAsync(store, A, T0 + Sec(1));
        Assert.Equal((expander.TaskId, true), (again.TaskId, again.Expand));
        Assert.True(await store.ExpandAsync(again.TaskId, again.Attempt, A.Id, ["p3"], T0 + Sec(1), None));
        await SucceedAsync(store, await ClaimAsync(store, A, T0 + Sec(1)), A, T0 + Sec(2));

        var detail = await DetailAsync(store, run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.Equal(new string?[] { null, "p3" }, detail.Tasks.Select(t => t.Item));
        Assert.All(detail.Attempts, a => Assert.Contains(a.TaskId, detail.Tasks.Select(t => t.Id)));
        Assert.Empty(await store.ReadLogAsync(run.Id, null, 0, 100, None));
    }

    [Fact]
    public async Task Expand_QueryFanOutOfNoItems_SucceedsStepAndUnblocksDownstream()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("query", Step("q", queryFanOut: true), Step("g", ["q"])), T0, None);

        var expander = await ClaimAsync(store, A, T0);
        Assert.True(expander.Expand);
        Assert.True(await store.ExpandAsync(expander.TaskId, expander.Attempt, A.Id, [], T0 + Sec(1), None));

        var detail = await DetailAsync(store, run.Id);
        Assert.Equal((RunStates.Succeeded, 0), (detail.Steps[0].State, detail.Steps[0].Total));
        Assert.Equal(RunStates.Succeeded, detail.Attempts[0].State);
        Assert.Equal("g", (await ClaimAsync(store, A, T0 + Sec(1))).Step);
    }

    [Fact]
    public async Task Claim_PoolOfOne_RunsOneTaskAtATimeAndFreesSlotOnSuccessAndFailure()
    {
        var store = await OpenAsync();
        await store.SyncPoolsAsync(new Dictionary<string, int> { ["db"] = 1 }, None);
        var run = await store.CreateRunAsync(Run("pooled", Step("s1", pool: "db"), Step("s2", pool: "db"), Step("s3", pool: "db"), Step("free")), T0, None);

        var s1 = await ClaimAsync(store, A, T0);
        Assert.Equal("s1", s1.Step);
        Assert.Equal("free", (await ClaimAsync(store, B, T0)).Step);
        Assert.Null(await store.ClaimAsync(B, T0, Lease, None));

        await SucceedAsync(store, s1, A, T0 + Sec(1));
        var s2 = await ClaimAsync(store, B, T0 + Sec(1));
        Assert.Equal("s2", s2.Step);
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(1), Lease, None));

        Assert.True(await store.CompleteAsync(new TaskOutcome(s2.TaskId, 1, B.Id, TaskOutcomeKind.Failed, Error: "boom"), T0 + Sec(2), None));
        var s3 = await ClaimAsync(store, A, T0 + Sec(2));
        Assert.Equal("s3", s3.Step);
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(2), Lease, None));

        // Raising the slots keeps the one in use and lets one more in.
        await store.SyncPoolsAsync(new Dictionary<string, int> { ["db"] = 2 }, None);
        var other = await store.CreateRunAsync(Run("pooled-2", Step("t1", pool: "db"), Step("t2", pool: "db")), T0, None);
        Assert.Equal("t1", (await ClaimAsync(store, A, T0 + Sec(3))).Step);
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(3), Lease, None));
        Assert.Equal(RunStates.Running, (await DetailAsync(store, other.Id)).Run.State);
        Assert.Equal(RunStates.Failed, (await DetailAsync(store, run.Id)).Steps.Single(s => s.Name == "s2").State);
    }

    [Fact]
    public async Task Complete_FailuresUntilMaxAttempts_BacksOffThenFailsStepDownstreamAndRun()
    {
        var store = await OpenAsync();
        var backoff = Sec(10);
        var run = await store.CreateRunAsync(Run("retry",
            Step("a", maxAttempts: 3, backoff: backoff), Step("b", ["a"]), Step("c", ["b"]), Step("x"), Step("y", ["x"])), T0, None);
        var first = await ClaimAsync(store, A, T0);
        var x = await ClaimAsync(store, B, T0);
        Assert.Equal(("a", "x"), (first.Step, x.Step));

        // 1st failure: ready again after a wait in [backoff/2, backoff].
        var t1 = T0 + Sec(1);
        Assert.True(await store.CompleteAsync(new TaskOutcome(first.TaskId, 1, A.Id, TaskOutcomeKind.Failed, Error: "boom 1"), t1, None));
        var task = (await DetailAsync(store, run.Id)).Tasks[0];
        Assert.Equal((RunStates.Ready, 1, "boom 1"), (task.State, task.Attempts, task.Error));
        var notBefore = await NotBeforeAsync(first.TaskId);
        Assert.InRange(notBefore, t1 + (backoff / 2), t1 + backoff);
        Assert.Null(await store.ClaimAsync(A, t1 + (backoff / 2) - Ms(1), Lease, None));
        Assert.Null(await store.ClaimAsync(A, notBefore - Ms(1), Lease, None));
        var second = await ClaimAsync(store, A, t1 + backoff);
        Assert.Equal((first.TaskId, 2), (second.TaskId, second.Attempt));

        // 2nd failure: the wait doubles.
        var t2 = t1 + backoff;
        Assert.True(await store.CompleteAsync(new TaskOutcome(second.TaskId, 2, A.Id, TaskOutcomeKind.Failed, Error: "boom 2"), t2, None));
        notBefore = await NotBeforeAsync(first.TaskId);
        Assert.InRange(notBefore, t2 + backoff, t2 + (2 * backoff));
        Assert.Null(await store.ClaimAsync(A, notBefore - Ms(1), Lease, None));
        var third = await ClaimAsync(store, A, t2 + (2 * backoff));
        Assert.Equal(3, third.Attempt);

        // 3rd failure: no attempt left.
        var t3 = t2 + (2 * backoff);
        Assert.True(await store.CompleteAsync(new TaskOutcome(third.TaskId, 3, A.Id, TaskOutcomeKind.Failed, Error: "boom 3"), t3, None));
        var detail = await DetailAsync(store, run.Id);
        Assert.Equal(RunStates.Running, detail.Run.State);
        Assert.Equal(
            [("a", RunStates.Failed), ("b", RunStates.UpstreamFailed), ("c", RunStates.UpstreamFailed), ("x", RunStates.Running), ("y", RunStates.Waiting)],
            detail.Steps.Select(s => (s.Name, s.State)));
        Assert.Equal(
            [("a", RunStates.Failed), ("b", RunStates.UpstreamFailed), ("c", RunStates.UpstreamFailed), ("x", RunStates.Running), ("y", RunStates.Waiting)],
            detail.Tasks.Select(t => (t.Step, t.State)));
        Assert.Equal((3, "boom 3", (DateTimeOffset?)t3), (detail.Tasks[0].Attempts, detail.Tasks[0].Error, detail.Tasks[0].FinishedAt));
        Assert.Equal([(1, "boom 1"), (2, "boom 2"), (3, "boom 3")], detail.Attempts.Where(t => t.TaskId == first.TaskId).Select(t => (t.Number, t.Error)));
        Assert.All(detail.Attempts.Where(t => t.TaskId == first.TaskId), t => Assert.Equal(RunStates.Failed, t.State));
        Assert.Equal((1, 0), (detail.Steps[0].Failed, detail.Steps[0].Running));

        // The independent branch runs to its end; then the run fails naming the step.
        await SucceedAsync(store, x, B, t3 + Sec(1));
        var y = await ClaimAsync(store, B, t3 + Sec(1));
        Assert.Equal("y", y.Step);
        Assert.Null(await store.ClaimAsync(A, t3 + Sec(1), Lease, None));
        await SucceedAsync(store, y, B, t3 + Sec(2));
        detail = await DetailAsync(store, run.Id);
        Assert.Equal((RunStates.Failed, (DateTimeOffset?)(t3 + Sec(2))), (detail.Run.State, detail.Run.FinishedAt));
        Assert.Contains("step 'a'", detail.Run.Error, StringComparison.Ordinal);
        Assert.Contains("boom 3", detail.Run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Complete_TimedOut_CountsAsFailure()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("timeout", Step("a", maxAttempts: 2, backoff: Sec(1), timeout: TimeSpan.FromMinutes(5))), T0, None);

        var first = await ClaimAsync(store, A, T0);
        Assert.Equal(TimeSpan.FromMinutes(5), first.Timeout);
        Assert.True(await store.CompleteAsync(new TaskOutcome(first.TaskId, 1, A.Id, TaskOutcomeKind.TimedOut, Error: "ran past 5m"), T0, None));
        var detail = await DetailAsync(store, run.Id);
        Assert.Equal((RunStates.Ready, "timed_out"), (detail.Tasks[0].State, detail.Attempts[0].State));

        var second = await ClaimAsync(store, A, T0 + Sec(1));
        Assert.True(await store.CompleteAsync(new TaskOutcome(second.TaskId, 2, A.Id, TaskOutcomeKind.TimedOut, Error: "ran past 5m"), T0 + Sec(2), None));
        detail = await DetailAsync(store, run.Id);
        Assert.Equal((RunStates.Failed, RunStates.Failed, RunStates.Failed), (detail.Run.State, detail.Steps[0].State, detail.Tasks[0].State));
        Assert.Contains("ran past 5m", detail.Run.Error, StringComparison.Ordinal);
        Assert.Equal(["timed_out", "timed_out"], detail.Attempts.Select(x => x.State));
    }

    [Fact]
    public async Task Complete_StaleReport_ReturnsFalseAndChangesNothing()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("stale", Step("a")), T0, None);
        var a = await ClaimAsync(store, A, T0);
        var before = await DetailAsync(store, run.Id);

        Assert.False(await store.CompleteAsync(new TaskOutcome(a.TaskId, 1, B.Id, TaskOutcomeKind.Succeeded), T0 + Sec(1), None));
        Assert.False(await store.CompleteAsync(new TaskOutcome(a.TaskId, 2, A.Id, TaskOutcomeKind.Failed), T0 + Sec(1), None));
        Assert.False(await store.CompleteAsync(new TaskOutcome(a.TaskId + 1000, 1, A.Id, TaskOutcomeKind.Succeeded), T0 + Sec(1), None));
        AssertSameDetail(before, await DetailAsync(store, run.Id));

        Assert.True(await store.CompleteAsync(new TaskOutcome(a.TaskId, 1, A.Id, TaskOutcomeKind.Succeeded), T0 + Sec(2), None));
        var after = await DetailAsync(store, run.Id);
        Assert.False(await store.CompleteAsync(new TaskOutcome(a.TaskId, 1, A.Id, TaskOutcomeKind.Failed), T0 + Sec(3), None));
        AssertSameDetail(after, await DetailAsync(store, run.Id));
        Assert.Equal(RunStates.Succeeded, after.Run.State);
    }

    [Fact]
    public async Task ReapExpiredLeases_AfterLease_AttemptLostAndTaskGoesToAnotherWorker()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("lease", Step("a")), T0, None);
        var byA = await ClaimAsync(store, A, T0);

        Assert.Equal(0, await store.ReapExpiredLeasesAsync(T0 + Lease, None));
        Assert.Null(await store.ClaimAsync(B, T0 + Lease, Lease, None));
        Assert.Equal(1, await store.ReapExpiredLeasesAsync(T0 + Lease + Ms(1), None));
        Assert.Equal(0, await store.ReapExpiredLeasesAsync(T0 + Lease + Ms(2), None));

        var byB = await ClaimAsync(store, B, T0 + Lease + Sec(1));
        Assert.Equal((byA.TaskId, 2), (byB.TaskId, byB.Attempt));
        Assert.False(await store.CompleteAsync(new TaskOutcome(byA.TaskId, 1, A.Id, TaskOutcomeKind.Succeeded), T0 + Lease + Sec(2), None));
        Assert.True(await store.CompleteAsync(new TaskOutcome(byB.TaskId, 2, B.Id, TaskOutcomeKind.Succeeded), T0 + Lease + Sec(3), None));
        Assert.False(await store.CompleteAsync(new TaskOutcome(byA.TaskId, 1, A.Id, TaskOutcomeKind.Succeeded), T0 + Lease + Sec(4), None));

        var detail = await DetailAsync(store, run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.Equal([(1, A.Id, "lost"), (2, B.Id, RunStates.Succeeded)], detail.Attempts.Select(x => (x.Number, x.Worker, x.State)));
        Assert.Single(detail.Attempts, x => x.State == RunStates.Succeeded);
        Assert.Equal(T0 + Lease + Ms(1), detail.Attempts[0].FinishedAt);
    }

    [Fact]
    public async Task ReapExpiredLeases_LostMoreThanMaxLostAttempts_FailsTaskAndRun()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("lost", Step("a", maxAttempts: 10)), T0, None);

        for (var i = 0; i <= MetadataStore.MaxLostAttempts; i++)
        {
            var at = T0 + TimeSpan.FromMinutes(10 * i);
            var worker = new WorkerInfo("w" + i.ToString(CultureInfo.InvariantCulture), false);
            var task = await ClaimAsync(store, worker, at);
            Assert.Equal(i + 1, task.Attempt);
            Assert.Equal(1, await store.ReapExpiredLeasesAsync(at + Lease + Ms(1), None));
            var state = (await DetailAsync(store, run.Id)).Tasks[0].State;
            Assert.Equal(i < MetadataStore.MaxLostAttempts ? RunStates.Ready : RunStates.Failed, state);
        }

        var detail = await DetailAsync(store, run.Id);
        Assert.Equal((RunStates.Failed, RunStates.Failed), (detail.Run.State, detail.Steps[0].State));
        Assert.Equal(MetadataStore.MaxLostAttempts + 1, detail.Attempts.Length);
        Assert.All(detail.Attempts, x => Assert.Equal("lost", x.State));
        Assert.Contains("lost", detail.Tasks[0].Error, StringComparison.Ordinal);
        Assert.Null(await store.ClaimAsync(A, T0 + TimeSpan.FromHours(2), Lease, None));
    }

    [Fact]
    public async Task Heartbeat_RunningTask_ExtendsLeaseAndReturnsCancelRequests()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("beat", Step("a")), T0, None);
        var a = await ClaimAsync(store, A, T0);

        Assert.Empty(await store.HeartbeatAsync(A, T0 + Sec(50), Lease, None));
        Assert.Equal(0, await store.ReapExpiredLeasesAsync(T0 + Sec(100), None));
        Assert.Equal(RunStates.Running, (await DetailAsync(store, run.Id)).Tasks[0].State);
        Assert.Equal([A.Id], (await store.WorkersAsync(T0 + Sec(50), None)).Select(w => w.Id));
        Assert.Empty(await store.WorkersAsync(T0 + Sec(51), None));

        Assert.True(await store.CancelRunAsync(run.Id, T0 + Sec(100), None));
        Assert.Equal([a.TaskId], await store.HeartbeatAsync(A, T0 + Sec(105), Lease, None));
        Assert.Empty(await store.HeartbeatAsync(B, T0 + Sec(105), Lease, None));
        Assert.Equal(0, await store.ReapExpiredLeasesAsync(T0 + Sec(165), None));
        Assert.Equal(1, await store.ReapExpiredLeasesAsync(T0 + Sec(166), None));
        Assert.Equal(RunStates.Cancelled, (await DetailAsync(store, run.Id)).Tasks[0].State);
    }

    [Fact]
    public async Task CancelRun_Running_CancelsWaitingAndReadyAndAsksRunningToStop()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("cancel", Step("a"), Step("f", items: ["1", "2"], parallelism: 1), Step("b", ["a"])), T0, None);
        var a = await ClaimAsync(store, A, T0);
        var f1 = await ClaimAsync(store, B, T0);
        Assert.Equal(("a", "f", "1"), (a.Step, f1.Step, f1.Item));

        Assert.True(await store.CancelRunAsync(run.Id, T0 + Sec(1), None));
        var detail = await DetailAsync(store, run.Id);
        Assert.Equal((RunStates.Cancelled, (DateTimeOffset?)(T0 + Sec(1))), (detail.Run.State, detail.Run.FinishedAt));
        Assert.Equal([("a", RunStates.Running), ("f", RunStates.Running), ("f", RunStates.Cancelled), ("b", RunStates.Cancelled)], detail.Tasks.Select(t => (t.Step, t.State)));
        Assert.All(detail.Steps, s => Assert.Equal(RunStates.Cancelled, s.State));
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(1), Lease, None));
        Assert.Equal([a.TaskId], await store.HeartbeatAsync(A, T0 + Sec(2), Lease, None));

        Assert.True(await store.CompleteAsync(new TaskOutcome(a.TaskId, 1, A.Id, TaskOutcomeKind.Cancelled), T0 + Sec(3), None));
        Assert.True(await store.CompleteAsync(new TaskOutcome(f1.TaskId, 1, B.Id, TaskOutcomeKind.Failed, Error: "interrupted"), T0 + Sec(3), None));
        detail = await DetailAsync(store, run.Id);
        Assert.Equal([RunStates.Cancelled, RunStates.Cancelled, RunStates.Cancelled, RunStates.Cancelled], detail.Tasks.Select(t => t.State));
        Assert.Equal([RunStates.Cancelled, RunStates.Failed], detail.Attempts.Select(x => x.State));
        Assert.Equal(RunStates.Cancelled, detail.Run.State);

        Assert.False(await store.CancelRunAsync(run.Id, T0 + Sec(4), None));
        Assert.False(await store.CancelRunAsync(run.Id + 1000, T0 + Sec(4), None));
        var done = await store.CreateRunAsync(Run("cancel", Step("a")), T0, None);
        await DrainAsync(store, T0 + Sec(5));
        Assert.False(await store.CancelRunAsync(done.Id, T0 + Sec(6), None));
        Assert.Equal(RunStates.Succeeded, (await DetailAsync(store, done.Id)).Run.State);
    }

    [Fact]
    public async Task Rerun_FailedRun_KeepsSucceededAndRunsFailedStepAndDescendants()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("rerun", Step("a"), Step("f", ["a"], items: ["x", "y"]), Step("c", ["f"])), T0, None);
        await SucceedAsync(store, await ClaimAsync(store, A, T0), A, T0 + Sec(1));
        var x = await ClaimAsync(store, A, T0 + Sec(1));
        var y = await ClaimAsync(store, A, T0 + Sec(1));
        await SucceedAsync(store, x, A, T0 + Sec(2));
        Assert.True(await store.CompleteAsync(new TaskOutcome(y.TaskId, 1, A.Id, TaskOutcomeKind.Failed, Error: "bad item"), T0 + Sec(3), None));
        var failed = await DetailAsync(store, run.Id);
        Assert.Equal(RunStates.Failed, failed.Run.State);
        Assert.Equal([RunStates.Succeeded, RunStates.Failed, RunStates.UpstreamFailed], failed.Steps.Select(s => s.State));
        Assert.False(await store.RerunAsync(run.Id + 1000, T0, None));

        var at = T0 + TimeSpan.FromHours(1);
        Assert.True(await store.RerunAsync(run.Id, at, None));
        var detail = await DetailAsync(store, run.Id);
        Assert.Equal((RunStates.Running, (DateTimeOffset?)null, (string?)null), (detail.Run.State, detail.Run.FinishedAt, detail.Run.Error));
        Assert.Equal([RunStates.Succeeded, RunStates.Ready, RunStates.Waiting], detail.Steps.Select(s => s.State));
        Assert.Equal([RunStates.Succeeded, RunStates.Succeeded, RunStates.Ready, RunStates.Waiting], detail.Tasks.Select(t => t.State));
        Assert.Equal((2, 1, 0), (detail.Steps[1].Total, detail.Steps[1].Done, detail.Steps[1].Failed));

        var again = await ClaimAsync(store, B, at);
        Assert.Equal((y.TaskId, 2, "y"), (again.TaskId, again.Attempt, again.Item));
        Assert.Null(await store.ClaimAsync(A, at, Lease, None));
        await SucceedAsync(store, again, B, at + Sec(1));
        var c = await ClaimAsync(store, B, at + Sec(1));
        Assert.Equal(("c", 1), (c.Step, c.Attempt));
        await SucceedAsync(store, c, B, at + Sec(2));

        detail = await DetailAsync(store, run.Id);
        Assert.Equal((RunStates.Succeeded, (DateTimeOffset?)(at + Sec(2)), (string?)null), (detail.Run.State, detail.Run.FinishedAt, detail.Run.Error));
        Assert.All(detail.Steps, s => Assert.Equal(RunStates.Succeeded, s.State));
        Assert.Equal([1, 2], detail.Attempts.Where(t => t.TaskId == y.TaskId).Select(t => t.Number));
        Assert.Single(detail.Attempts, t => t.TaskId == x.TaskId);
        Assert.False(await store.RerunAsync(run.Id, at + Sec(3), None));
    }

    [Fact]
    public async Task Rerun_CancelledRunWhoseRunningTaskStillSucceeded_StartsTheStepsAfterIt()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("rerun-cancelled", Step("a"), Step("b", ["a"])), T0, None);
        var a = await ClaimAsync(store, A, T0);
        Assert.True(await store.CancelRunAsync(run.Id, T0 + Sec(1), None));
        await SucceedAsync(store, a, A, T0 + Sec(2));
        Assert.Equal([RunStates.Succeeded, RunStates.Cancelled], (await DetailAsync(store, run.Id)).Tasks.Select(t => t.State));

        Assert.True(await store.RerunAsync(run.Id, T0 + Sec(3), None));
        var b = await ClaimAsync(store, A, T0 + Sec(3));
        Assert.Equal(("b", 1), (b.Step, b.Attempt));
        await SucceedAsync(store, b, A, T0 + Sec(4));
        var detail = await DetailAsync(store, run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.All(detail.Steps, s => Assert.Equal(RunStates.Succeeded, s.State));
    }

    [Fact]
    public async Task CreateRun_MaxActiveOneWithQueue_QueuedRunStartsWhenFirstFinishes()
    {
        var store = await OpenAsync();
        var first = await store.CreateRunAsync(Run("one", Step("a")) with { MaxActiveRuns = 1 }, T0, None);
        var second = await store.CreateRunAsync(Run("one", Step("a")) with { MaxActiveRuns = 1 }, T0 + Sec(1), None);
        var third = await store.CreateRunAsync(Run("one", Step("a")) with { MaxActiveRuns = 1 }, T0 + Sec(2), None);
        Assert.Equal([RunStates.Running, RunStates.Queued, RunStates.Queued], new[] { first.State, second.State, third.State });
        var queued = await DetailAsync(store, second.Id);
        Assert.Equal((RunStates.Queued, (DateTimeOffset?)null, RunStates.Waiting), (queued.Run.State, queued.Run.StartedAt, queued.Tasks[0].State));

        var a = await ClaimAsync(store, A, T0 + Sec(3));
        Assert.Equal(first.Id, a.RunId);
        Assert.Null(await store.ClaimAsync(B, T0 + Sec(3), Lease, None));
        await SucceedAsync(store, a, A, T0 + Sec(4));

        var started = await DetailAsync(store, second.Id);
        Assert.Equal((RunStates.Running, (DateTimeOffset?)(T0 + Sec(4))), (started.Run.State, started.Run.StartedAt));
        Assert.Equal(RunStates.Queued, (await DetailAsync(store, third.Id)).Run.State);
        var next = await ClaimAsync(store, B, T0 + Sec(4));
        Assert.Equal(second.Id, next.RunId);
        Assert.Null(await store.ClaimAsync(B, T0 + Sec(4), Lease, None));

        // A cancelled run frees its place too.
        Assert.True(await store.CancelRunAsync(second.Id, T0 + Sec(5), None));
        Assert.Equal(RunStates.Running, (await DetailAsync(store, third.Id)).Run.State);
    }

    [Fact]
    public async Task CreateRun_MaxActiveOneWithSkip_RecordsSkippedRun()
    {
        var store = await OpenAsync();
        var first = await store.CreateRunAsync(Run("skip", Step("a")) with { MaxActiveRuns = 1, WhenRunning = WhenRunning.Skip }, T0, None);
        var second = await store.CreateRunAsync(Run("skip", Step("a")) with { MaxActiveRuns = 1, WhenRunning = WhenRunning.Skip }, T0 + Sec(1), None);

        Assert.Equal((RunStates.Running, RunStates.Skipped), (first.State, second.State));
        var skipped = await DetailAsync(store, second.Id);
        Assert.Equal((RunStates.Skipped, (DateTimeOffset?)(T0 + Sec(1))), (skipped.Run.State, skipped.Run.FinishedAt));
        Assert.Empty(skipped.Tasks);
        await SucceedAsync(store, await ClaimAsync(store, A, T0 + Sec(2)), A, T0 + Sec(3));
        Assert.Null(await store.ClaimAsync(A, T0 + Sec(3), Lease, None));
        Assert.Equal(RunStates.Skipped, (await DetailAsync(store, second.Id)).Run.State);
    }

    [Fact]
    public async Task CreateRun_SameIdempotencyKey_ReturnsExistingRun()
    {
        var store = await OpenAsync();
        var first = await store.CreateRunAsync(Run("idem", Step("a")) with { IdempotencyKey = "tick-1" }, T0, None);
        var again = await store.CreateRunAsync(Run("idem", Step("a"), Step("b")) with { IdempotencyKey = "tick-1" }, T0 + Sec(1), None);
        var other = await store.CreateRunAsync(Run("idem", Step("a")) with { IdempotencyKey = "tick-2" }, T0 + Sec(2), None);

        Assert.Equal(new CreatedRun(first.Id, RunStates.Running, true), again);
        Assert.False(first.Existing);
        Assert.NotEqual(first.Id, other.Id);
        Assert.Single((await DetailAsync(store, first.Id)).Steps);
        Assert.Equal(2, (await store.ListRunsAsync(new RunFilter("idem"), None)).Count);
    }

    [Fact]
    public async Task Claim_NeedsWarehouse_OnlyByWarehouseWorker()
    {
        var store = await OpenAsync();
        await store.CreateRunAsync(Run("wh", Step("load", needsWarehouse: true)), T0, None);

        Assert.Null(await store.ClaimAsync(A, T0, Lease, None));
        var task = await ClaimAsync(store, new WorkerInfo("beside-warehouse", true), T0);
        Assert.Equal("load", task.Step);
    }

    [Fact]
    public async Task TryAcquireLease_TwoHolders_OneAtATimeUntilExpiryOrRelease()
    {
        var store = await OpenAsync();
        var span = Sec(30);

        Assert.True(await store.TryAcquireLeaseAsync("scheduler", "a", T0, span, None));
        Assert.False(await store.TryAcquireLeaseAsync("scheduler", "b", T0 + Sec(10), span, None));
        Assert.Equal(("a", T0 + span), await store.GetLeaseAsync("scheduler", T0 + Sec(10), None));
        Assert.True(await store.TryAcquireLeaseAsync("scheduler", "a", T0 + Sec(20), span, None));
        Assert.False(await store.TryAcquireLeaseAsync("scheduler", "b", T0 + Sec(40), span, None));
        Assert.False(await store.TryAcquireLeaseAsync("scheduler", "b", T0 + Sec(50), span, None));
        Assert.Equal(("a", T0 + Sec(50)), await store.GetLeaseAsync("scheduler", T0 + Sec(50), None));
        Assert.True(await store.TryAcquireLeaseAsync("other", "b", T0 + Sec(50), span, None));

        Assert.Null(await store.GetLeaseAsync("scheduler", T0 + Sec(51), None));
        Assert.True(await store.TryAcquireLeaseAsync("scheduler", "b", T0 + Sec(51), span, None));
        Assert.False(await store.TryAcquireLeaseAsync("scheduler", "a", T0 + Sec(52), span, None));

        await store.ReleaseLeaseAsync("scheduler", "a", None);
        Assert.Equal("b", (await store.GetLeaseAsync("scheduler", T0 + Sec(53), None))?.Holder);
        await store.ReleaseLeaseAsync("scheduler", "b", None);
        Assert.Null(await store.GetLeaseAsync("scheduler", T0 + Sec(53), None));
        Assert.True(await store.TryAcquireLeaseAsync("scheduler", "a", T0 + Sec(53), span, None));
    }

    [Fact]
    public async Task SetLastTick_Pipelines_GetReturnsLastSet()
    {
        var store = await OpenAsync();

        Assert.Null(await store.GetLastTickAsync("nightly", None));
        await store.SetLastTickAsync("nightly", T0, None);
        await store.SetLastTickAsync("hourly", T0 + TimeSpan.FromHours(1), None);
        await store.SetLastTickAsync("nightly", T0 + TimeSpan.FromDays(1), None);

        Assert.Equal(T0 + TimeSpan.FromDays(1), await store.GetLastTickAsync("nightly", None));
        Assert.Equal(T0 + TimeSpan.FromHours(1), await store.GetLastTickAsync("hourly", None));
    }

    [Fact]
    public async Task TryRecordNotice_SameRunKindAndChannel_RecordedOnce()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("notify", Step("a")), T0, None);
        var other = await store.CreateRunAsync(Run("notify", Step("a")), T0, None);

        var failure = await store.TryRecordNoticeAsync(run.Id, NotificationKind.Failure, "slack", T0, None);
        Assert.NotNull(failure);
        Assert.Null(await store.TryRecordNoticeAsync(run.Id, NotificationKind.Failure, "slack", T0 + Sec(1), None));
        var email = await store.TryRecordNoticeAsync(run.Id, NotificationKind.Failure, "email", T0, None);
        var atRisk = await store.TryRecordNoticeAsync(run.Id, NotificationKind.AtRisk, "slack", T0, None);
        Assert.NotNull(await store.TryRecordNoticeAsync(other.Id, NotificationKind.Failure, "slack", T0, None));
        Assert.Equal(3, new[] { failure, email, atRisk }.Distinct().Count());

        await store.FinishNoticeAsync(failure.Value, sent: true, attempts: 2, null, T0 + Sec(2), None);
        await store.FinishNoticeAsync(email!.Value, sent: false, attempts: 3, "smtp refused", T0 + Sec(2), None);

        var notices = await store.ListNoticesAsync(run.Id, None);
        Assert.Equal(
            [
                new NoticeRecord(failure.Value, run.Id, NotificationKind.Failure, "slack", "sent", 2),
                new NoticeRecord(email.Value, run.Id, NotificationKind.Failure, "email", "failed", 3),
                new NoticeRecord(atRisk!.Value, run.Id, NotificationKind.AtRisk, "slack", "pending", 0),
            ],
            notices);
    }

    [Fact]
    public async Task ListRuns_Filters_PagesNewestFirst()
    {
        var store = await OpenAsync();
        var p1 = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            p1.Add((await store.CreateRunAsync(Run("p1", Step("a")) with { MaxActiveRuns = 10 }, T0 + Sec(i), None)).Id);
        }

        var p2 = new[]
        {
            (await store.CreateRunAsync(Run("p2", Step("a")) with { Trigger = RunTrigger.Schedule }, T0, None)).Id,
            (await store.CreateRunAsync(Run("p2", Step("a")), T0, None)).Id,
        };
        Assert.True(await store.CancelRunAsync(p1[1], T0 + Sec(10), None));

        Assert.Equal([p2[1], p2[0], p1[4]], (await store.ListRunsAsync(new RunFilter(Limit: 3), None)).Select(r => r.Id));
        Assert.Equal([p1[4], p1[3]], (await store.ListRunsAsync(new RunFilter("p1", Limit: 2), None)).Select(r => r.Id));
        Assert.Equal([p1[2], p1[1]], (await store.ListRunsAsync(new RunFilter("p1", Limit: 2, BeforeId: p1[3]), None)).Select(r => r.Id));
        Assert.Equal([p1[0]], (await store.ListRunsAsync(new RunFilter("p1", Limit: 2, BeforeId: p1[1]), None)).Select(r => r.Id));
        Assert.Equal([p1[1]], (await store.ListRunsAsync(new RunFilter(State: RunStates.Cancelled), None)).Select(r => r.Id));
        Assert.Equal([p1[4], p1[3], p1[2], p1[0]], (await store.ListRunsAsync(new RunFilter("p1", RunStates.Running), None)).Select(r => r.Id));
        Assert.Empty(await store.ListRunsAsync(new RunFilter("p2", RunStates.Cancelled), None));
        Assert.Empty(await store.ListRunsAsync(new RunFilter("nope"), None));

        var listed = (await store.ListRunsAsync(new RunFilter("p2"), None))[^1];
        Assert.Equal(
            new RunRecord(p2[0], "p2", "schedule", "2026-03-01", T0, RunStates.Running, "{\"day\":\"2026-03-01\"}", T0, T0, null, null, null, null, null),
            listed);
        Assert.Null(await store.GetRunAsync(p2[1] + 1000, None));
    }

    [Fact]
    public async Task LatestRuns_SeveralPipelines_TheNewestOfEach()
    {
        var store = await OpenAsync();
        Assert.Empty(await store.LatestRunsAsync(None));
        var a1 = await store.CreateRunAsync(Run("a", Step("s")), T0, None);
        var b1 = await store.CreateRunAsync(Run("b", Step("s")), T0 + Sec(1), None);
        var a2 = await store.CreateRunAsync(Run("a", Step("s")) with { LogicalDate = "2026-03-02" }, T0 + Sec(2), None);
        Assert.True(await store.CancelRunAsync(a2.Id, T0 + Sec(3), None));

        var latest = await store.LatestRunsAsync(None);

        Assert.Equal(["a", "b"], latest.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((a2.Id, RunStates.Cancelled, "2026-03-02", (DateTimeOffset?)(T0 + Sec(3))), (latest["a"].Id, latest["a"].State, latest["a"].LogicalDate, latest["a"].FinishedAt));
        Assert.Equal((await store.ListRunsAsync(new RunFilter("b", Limit: 1), None))[0], latest["b"]);
        Assert.NotEqual(a1.Id, latest["a"].Id);
        Assert.Equal(b1.Id, latest["b"].Id);
    }

    [Fact]
    public async Task DailyStats_RunsByCreatedDay_RowsByFinishedDay_EveryDayOfTheRange()
    {
        var store = await OpenAsync();
        var day = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        async Task RunAsync(string pipeline, DateTimeOffset created, DateTimeOffset finished, TaskOutcomeKind kind, long? rows, long? bytes)
        {
            await store.CreateRunAsync(Run(pipeline, Step("s")), created, None);
            var task = await ClaimAsync(store, A, created);
            Assert.True(await store.CompleteAsync(new TaskOutcome(task.TaskId, 1, A.Id, kind, rows, bytes, kind == TaskOutcomeKind.Succeeded ? null : "failed"), finished, None));
        }

        await RunAsync("before", day.AddDays(-2), day.AddDays(-2), TaskOutcomeKind.Succeeded, 1000, 1000);
        await RunAsync("a", T0, T0 + Sec(1), TaskOutcomeKind.Succeeded, 10, 100);
        await RunAsync("b", day.AddDays(1).AddHours(5), day.AddDays(1).AddHours(6), TaskOutcomeKind.Failed, null, null);
        await RunAsync("c", day.AddDays(2).AddMilliseconds(-1), day.AddDays(2).AddMilliseconds(500), TaskOutcomeKind.Succeeded, 7, 70);
        // A fan-out's query task reports its items as rows: they are not rows written.
        await store.CreateRunAsync(Run("d", Step("q", queryFanOut: true)), day.AddDays(2).AddHours(1), None);
        var expander = await ClaimAsync(store, A, day.AddDays(2).AddHours(1));
        Assert.True(await store.ExpandAsync(expander.TaskId, expander.Attempt, A.Id, ["x", "y"], day.AddDays(2).AddHours(1), None));
        foreach (var _ in new[] { "x", "y" })
        {
            var item = await ClaimAsync(store, A, day.AddDays(2).AddHours(2));
            Assert.True(await store.CompleteAsync(new TaskOutcome(item.TaskId, 1, A.Id, TaskOutcomeKind.Succeeded, 1, 5), day.AddDays(2).AddHours(2), None));
        }

        var stats = await store.DailyStatsAsync(new DateOnly(2026, 2, 28), new DateOnly(2026, 3, 4), None);

        Assert.Equal(
            [
                new DailyRunStats(new DateOnly(2026, 2, 28), 0, 0, 0, 0, 0),
                new DailyRunStats(new DateOnly(2026, 3, 1), 1, 1, 0, 10, 100),
                new DailyRunStats(new DateOnly(2026, 3, 2), 2, 1, 1, 0, 0),
                new DailyRunStats(new DateOnly(2026, 3, 3), 1, 1, 0, 9, 80),
                new DailyRunStats(new DateOnly(2026, 3, 4), 0, 0, 0, 0, 0),
            ],
            stats);
        Assert.Equal([new DailyRunStats(new DateOnly(2026, 3, 1), 1, 1, 0, 10, 100)], await store.DailyStatsAsync(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 1), None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.DailyStatsAsync(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 1), None));
    }

    [Fact]
    public async Task ReadLog_AppendedLines_InOrderAfterIdAndPerTask()
    {
        var store = await OpenAsync();
        var run = await store.CreateRunAsync(Run("log", Step("f", items: ["x", "y"])), T0, None);
        var x = await ClaimAsync(store, A, T0);
        var y = await ClaimAsync(store, B, T0);

        await store.AppendLogAsync(run.Id, x.AttemptId, [(T0 + Sec(1), "x1"), (T0 + Sec(2), "x2")], None);
        await store.AppendLogAsync(run.Id, y.AttemptId, [(T0 + Sec(1), "y1")], None);
        await store.AppendLogAsync(run.Id, x.AttemptId, [(T0 + Sec(3), "x3")], None);
        await store.AppendLogAsync(run.Id, x.AttemptId, [], None);

        var all = await store.ReadLogAsync(run.Id, null, 0, 100, None);
        Assert.Equal(["x1", "x2", "y1", "x3"], all.Select(l => l.Line));
        Assert.Equal([x.AttemptId, x.AttemptId, y.AttemptId, x.AttemptId], all.Select(l => l.AttemptId));
        Assert.Equal([T0 + Sec(1), T0 + Sec(2), T0 + Sec(1), T0 + Sec(3)], all.Select(l => l.At));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Id < p.Second.Id));

        Assert.Equal(["y1", "x3"], (await store.ReadLogAsync(run.Id, null, all[1].Id, 100, None)).Select(l => l.Line));
        Assert.Equal(["x1", "x2"], (await store.ReadLogAsync(run.Id, null, 0, 2, None)).Select(l => l.Line));
        Assert.Empty(await store.ReadLogAsync(run.Id, null, all[^1].Id, 100, None));
        Assert.Equal(["x1", "x2", "x3"], (await store.ReadLogAsync(run.Id, x.TaskId, 0, 100, None)).Select(l => l.Line));
        Assert.Equal(["x3"], (await store.ReadLogAsync(run.Id, x.TaskId, all[2].Id, 100, None)).Select(l => l.Line));
        Assert.Equal(["y1"], (await store.ReadLogAsync(run.Id, y.TaskId, 0, 100, None)).Select(l => l.Line));
        Assert.Empty(await store.ReadLogAsync(run.Id + 1000, null, 0, 100, None));
    }

    [Fact]
    public async Task StepDurations_SucceededRuns_ReadyToFinishedPerStep()
    {
        var store = await OpenAsync();
        async Task RunOnceAsync(DateTimeOffset start, int aSeconds, int bSeconds, bool failB)
        {
            await store.CreateRunAsync(Run("d", Step("a"), Step("b", ["a"])), start, None);
            await SucceedAsync(store, await ClaimAsync(store, A, start), A, start + Sec(aSeconds));
            var b = await ClaimAsync(store, A, start + Sec(aSeconds));
            Assert.True(await store.CompleteAsync(new TaskOutcome(b.TaskId, 1, A.Id, failB ? TaskOutcomeKind.Failed : TaskOutcomeKind.Succeeded), start + Sec(aSeconds + bSeconds), None));
        }

        await RunOnceAsync(T0, 5, 3, failB: false);
        await RunOnceAsync(T0 + TimeSpan.FromHours(1), 7, 1, failB: false);
        await RunOnceAsync(T0 + TimeSpan.FromHours(2), 100, 100, failB: true);

        var all = await store.StepDurationsAsync("d", 10, None);
        Assert.Equal([Sec(5), Sec(7)], all["a"].Order());
        Assert.Equal([Sec(1), Sec(3)], all["b"].Order());
        var last = await store.StepDurationsAsync("d", 1, None);
        Assert.Equal([Sec(7)], last["a"]);
        Assert.Equal([Sec(1)], last["b"]);
        Assert.Empty(await store.StepDurationsAsync("other", 10, None));
    }

    [Fact]
    public async Task Compliance_RunsWithDeadlines_CountsMetOutOfFinished()
    {
        var store = await OpenAsync();
        async Task<long> RunAsync(DateTimeOffset scheduled, DateTimeOffset? deadline, DateTimeOffset? finish, bool fail = false)
        {
            var created = await store.CreateRunAsync(Run("c", Step("a")) with { ScheduledAt = scheduled, DeadlineAt = deadline, MaxActiveRuns = 10 }, scheduled, None);
            if (finish is { } at)
            {
                await DrainAsync(store, at, fail ? TaskOutcomeKind.Failed : TaskOutcomeKind.Succeeded);
            }

            return created.Id;
        }

        var day = TimeSpan.FromDays(1);
        var hour = TimeSpan.FromHours(1);
        await RunAsync(T0, T0 + hour, T0 + TimeSpan.FromMinutes(10));
        await RunAsync(T0 + day, T0 + day + hour, T0 + day + (2 * hour));
        await RunAsync(T0 + (2 * day), T0 + (2 * day) + hour, T0 + (2 * day) + TimeSpan.FromMinutes(1), fail: true);
        await RunAsync(T0 + (3 * day), T0 + (3 * day) + hour, T0 + (3 * day) + hour);
        await RunAsync(T0 + (4 * day), null, T0 + (4 * day) + TimeSpan.FromMinutes(1));
        await RunAsync(T0 - day, T0 - day + hour, T0 - day + TimeSpan.FromMinutes(1));
        await RunAsync(T0 + (5 * day), T0 + (5 * day) + hour, null);

        Assert.Equal((2, 4), await store.ComplianceAsync("c", T0, None));
        Assert.Equal((0, 0), await store.ComplianceAsync("c", T0 + (6 * day), None));
        Assert.Equal((3, 5), await store.ComplianceAsync("c", T0 - day, None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Claim_EightWorkersOnFanOutOf200WithPoolOf3_EachTaskSucceedsOnceWithinPool(bool storePerWorker)
    {
        const int Items = 200;
        const int Slots = 3;
        var shared = await OpenAsync();
        await shared.SyncPoolsAsync(new Dictionary<string, int> { ["db"] = Slots }, None);
        var run = await shared.CreateRunAsync(Run("race", Step("f", items: [.. Enumerable.Range(0, Items).Select(i => i.ToString(CultureInfo.InvariantCulture))], pool: "db")), T0, None);
        var probe = new WorkProbe(Items);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var workers = new List<Task>();
        for (var w = 0; w < 8; w++)
        {
            var worker = new WorkerInfo("racer-" + w.ToString(CultureInfo.InvariantCulture), false);
            var store = storePerWorker ? await OpenAsync() : shared;
            workers.Add(Task.Run(() => WorkAsync(store, worker, probe, timeout.Token)));
        }

        await Task.WhenAll(workers);

        Assert.InRange(probe.MaxConcurrent, 1, Slots);
        var detail = await DetailAsync(shared, run.Id);
        Assert.Equal(RunStates.Succeeded, detail.Run.State);
        Assert.Equal(Items, detail.Tasks.Length);
        Assert.All(detail.Tasks, t => Assert.Equal((RunStates.Succeeded, 1), (t.State, t.Attempts)));
        Assert.Equal(Items, detail.Attempts.Length);
        Assert.All(detail.Tasks, t => Assert.Single(detail.Attempts, x => x.TaskId == t.Id && x.State == RunStates.Succeeded));
        Assert.Equal((Items, 0), (detail.Steps[0].Done, detail.Steps[0].Running));

        // Every slot came back: three tasks of a new run are claimable at once, a fourth is not.
        await shared.CreateRunAsync(Run("after", Step("g", items: ["1", "2", "3", "4"], pool: "db")), T0, None);
        for (var i = 0; i < Slots; i++)
        {
            await ClaimAsync(shared, A, T0);
        }

        Assert.Null(await shared.ClaimAsync(A, T0, Lease, None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Complete_EightWorkersOnRunsOfParallelSteps_EveryRunFinishes(bool storePerWorker)
    {
        const int Runs = 20;
        var shared = await OpenAsync();
        var ids = new List<long>();
        for (var i = 0; i < Runs; i++)
        {
            ids.Add((await shared.CreateRunAsync(Run("branches", Step("a"), Step("b"), Step("c"), Step("d")) with { MaxActiveRuns = Runs }, T0, None)).Id);
        }

        var probe = new WorkProbe(Runs * 4);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var workers = new List<Task>();
        for (var w = 0; w < 8; w++)
        {
            var worker = new WorkerInfo("racer-" + w.ToString(CultureInfo.InvariantCulture), false);
            var store = storePerWorker ? await OpenAsync() : shared;
            workers.Add(Task.Run(() => WorkAsync(store, worker, probe, timeout.Token)));
        }

        await Task.WhenAll(workers);

        foreach (var id in ids)
        {
            var detail = await DetailAsync(shared, id);
            Assert.Equal(RunStates.Succeeded, detail.Run.State);
            Assert.All(detail.Steps, s => Assert.Equal(RunStates.Succeeded, s.State));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CreateRun_EightAtOnceWithMaxActiveOne_OneRunsAndEachFinishStartsTheNext(bool storePerCaller)
    {
        const int Runs = 8;
        var shared = await OpenAsync();
        await shared.MigrateAsync(None);
        var callers = new List<Task<CreatedRun>>();
        for (var i = 0; i < Runs; i++)
        {
            var store = storePerCaller ? await OpenAsync() : shared;
            callers.Add(Task.Run(() => store.CreateRunAsync(Run("admit", Step("a")) with { MaxActiveRuns = 1 }, T0, None)));
        }

        var created = await Task.WhenAll(callers);

        Assert.Single(created, r => r.State == RunStates.Running);
        Assert.Equal(Runs - 1, created.Count(r => r.State == RunStates.Queued));
        for (var i = 0; i < Runs; i++)
        {
            var running = Assert.Single(await shared.ListRunsAsync(new RunFilter("admit", RunStates.Running), None));
            var task = await ClaimAsync(shared, A, T0 + Sec(i + 1));
            Assert.Equal(running.Id, task.RunId);
            await SucceedAsync(shared, task, A, T0 + Sec(i + 1));
        }

        Assert.Equal(Runs, (await shared.ListRunsAsync(new RunFilter("admit", RunStates.Succeeded), None)).Count);
    }

    [Fact]
    public async Task GetRun_WithDeadline_ShowsRunFields()
    {
        var store = await OpenAsync();
        var created = await store.CreateRunAsync(Run("detail", Step("a")) with { DeadlineAt = T0 + TimeSpan.FromHours(1), Trigger = RunTrigger.Backfill }, T0 + Sec(1), None);
        await store.SetSloAsync(created.Id, T0 + TimeSpan.FromMinutes(30), "on_track", None);

        var detail = await DetailAsync(store, created.Id);
        Assert.Equal(
            new RunRecord(created.Id, "detail", "backfill", "2026-03-01", T0, RunStates.Running, "{\"day\":\"2026-03-01\"}", T0 + Sec(1), T0 + Sec(1), null, T0 + TimeSpan.FromHours(1), T0 + TimeSpan.FromMinutes(30), "on_track", null),
            detail.Run);
        var step = detail.Steps.Single();
        Assert.Equal(new StepRecord("a", 0, RunStates.Ready, 1, 0, 0, 0, default, T0 + Sec(1), null, null), step with { After = default });
        Assert.Empty(step.After);
        Assert.Equal(new TaskRecord(detail.Tasks[0].Id, "a", null, RunStates.Ready, 0, null, null, null, null, null), detail.Tasks.Single());
        Assert.Empty(detail.Attempts);
    }

    protected static NewStep Step(
        string name,
        string[]? after = null,
        string?[]? items = null,
        int maxAttempts = 1,
        TimeSpan? backoff = null,
        string? pool = null,
        int? parallelism = null,
        bool queryFanOut = false,
        bool needsWarehouse = false,
        TimeSpan? timeout = null) =>
        new(name, [.. after ?? []], items is null ? [null] : [.. items], queryFanOut, parallelism, maxAttempts, backoff ?? Sec(10), TimeSpan.FromMinutes(10), timeout, pool, needsWarehouse);

    protected static NewRun Run(string pipeline, params NewStep[] steps) =>
        new(pipeline, RunTrigger.Manual, null, "2026-03-01", T0, "{\"day\":\"2026-03-01\"}", null, null, 5, WhenRunning.Queue, [.. steps]);

    private static TimeSpan Sec(int seconds) => TimeSpan.FromSeconds(seconds);

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    private static async Task<ClaimedTask> ClaimAsync(MetadataStore store, WorkerInfo worker, DateTimeOffset now)
    {
        var task = await store.ClaimAsync(worker, now, Lease, None);
        Assert.NotNull(task);
        return task;
    }

    private static async Task SucceedAsync(MetadataStore store, ClaimedTask task, WorkerInfo worker, DateTimeOffset now) =>
        Assert.True(await store.CompleteAsync(new TaskOutcome(task.TaskId, task.Attempt, worker.Id, TaskOutcomeKind.Succeeded), now, None));

    /// <summary>Claims and ends every task claimable at <paramref name="now"/>.</summary>
    private static async Task DrainAsync(MetadataStore store, DateTimeOffset now, TaskOutcomeKind kind = TaskOutcomeKind.Succeeded)
    {
        while (await store.ClaimAsync(A, now, Lease, None) is { } task)
        {
            Assert.True(await store.CompleteAsync(new TaskOutcome(task.TaskId, task.Attempt, A.Id, kind, Error: kind == TaskOutcomeKind.Succeeded ? null : "failed on purpose"), now, None));
        }
    }

    private static async Task<RunDetail> DetailAsync(MetadataStore store, long runId)
    {
        var detail = await store.GetRunAsync(runId, None);
        Assert.NotNull(detail);
        return detail;
    }

    private static void AssertSameDetail(RunDetail expected, RunDetail actual)
    {
        Assert.Equal(expected.Run, actual.Run);
        Assert.Equal(expected.Steps.Select(s => s with { After = default }), actual.Steps.Select(s => s with { After = default }));
        Assert.Equal(expected.Tasks.ToArray(), actual.Tasks.ToArray());
        Assert.Equal(expected.Attempts.ToArray(), actual.Attempts.ToArray());
    }

    /// <summary>A worker's loop: claim, run (no time passes), report, until every task of the test was reported.</summary>
    private static async Task WorkAsync(MetadataStore store, WorkerInfo worker, WorkProbe probe, CancellationToken cancellationToken)
    {
        while (!probe.AllDone)
        {
            var task = await store.ClaimAsync(worker, T0, Lease, cancellationToken);
            if (task is null)
            {
                await Task.Yield();
                continue;
            }

            // Counted from after the claim committed to before the report starts: a subset of the time the store
            // holds the pool slot, so more than the slots here means more than the slots there.
            probe.Enter();
            await Task.Yield();
            probe.Exit();
            Assert.True(await store.CompleteAsync(new TaskOutcome(task.TaskId, task.Attempt, worker.Id, TaskOutcomeKind.Succeeded), T0, cancellationToken));
            probe.Done();
        }
    }

    private async Task<MetadataStore> OpenAsync()
    {
        var store = await CreateStoreAsync();
        lock (stores)
        {
            stores.Add(store);
        }

        return store;
    }

    private async Task<DateTimeOffset> NotBeforeAsync(long taskId) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(await SqlAsync("SELECT not_before FROM tasks WHERE id = " + taskId.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture));

    /// <summary>What concurrent workers did: tasks between claim and report at once (the most seen), and reports.</summary>
    private sealed class WorkProbe(int total)
    {
        private int current;
        private int max;
        private int done;

        public int MaxConcurrent => Volatile.Read(ref max);

        public bool AllDone => Volatile.Read(ref done) >= total;

        public void Enter()
        {
            var now = Interlocked.Increment(ref current);
            int seen;
            while (now > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, now, seen) != seen)
            {
            }
        }

        public void Exit() => Interlocked.Decrement(ref current);

        public void Done() => Interlocked.Increment(ref done);
    }
}
