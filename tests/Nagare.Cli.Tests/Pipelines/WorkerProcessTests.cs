using System.Text.RegularExpressions;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Testing;

namespace Nagare.Cli.Tests.Pipelines;

/// <summary>
/// Real <c>nagare serve --no-worker</c> and <c>nagare worker</c> processes sharing a PostgreSQL store: a worker that
/// dies mid-task hands the task to another, and a worker asked to stop exits cleanly.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WorkerProcessTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-workers-" + Guid.NewGuid().ToString("N")[..10]);

    public WorkerProcessTests()
    {
        Write("nagare.yml", "name: workers\n");
        Write("pipelines/slow.yml", """
            name: slow
            steps:
              - name: work
                command: [sh, -c, "echo start >> marker; sleep 5; echo end >> marker"]

            """);
        Write("pipelines/endless.yml", """
            name: endless
            steps:
              - name: wait
                command: [sh, -c, "echo start >> marker; sleep 600"]

            """);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Worker_KilledMidTask_TaskFinishesOnTheOtherWorkerWithOneSuccessfulAttempt()
    {
        await using var pg = await TestPostgresStore.CreateAsync();
        await using var serve = NagareProcess.Start("serve", "--no-worker", "--project", dir, "--store", pg.Store);
        await serve.WaitForOutputAsync("is the leader", Startup);
        await using var first = StartWorker(pg.Store);
        await using var second = StartWorker(pg.Store);
        var ids = new Dictionary<string, NagareProcess>(StringComparer.Ordinal)
        {
            [(await first.WaitForOutputAsync(@"nagare worker (\S+): ", Startup)).Groups[1].Value] = first,
            [(await second.WaitForOutputAsync(@"nagare worker (\S+): ", Startup)).Groups[1].Value] = second,
        };

        var created = await RealClockCli.RunAsync("pipeline", "run", "slow", "--project", dir, "--store", pg.Store);
        Assert.True(created.ExitCode == 0, created.Out + created.Error);
        Assert.Equal("run 1 of slow: running\nthe server runs it; follow it with: nagare runs show 1\n", created.Out);

        await using var store = MetadataStore.Open(pg.Store, dir);
        var running = await Eventually.GetAsync(
            async () => File.Exists(Path.Combine(dir, "marker")) ? (await store.GetRunAsync(1, default))!.Attempts.FirstOrDefault(a => a.State == RunStates.Running) : null,
            Bound,
            () => "no attempt started:\n" + first.Output + second.Output);
        var victim = ids[running.Worker];
        var survivor = ids.Single(w => w.Value != victim).Key;
        await victim.KillAsync();

        var done = await Eventually.GetAsync(
            async () => await store.GetRunAsync(1, default) is { } d && RunStates.IsFinal(d.Run.State) ? d : null,
            Bound,
            () => "the run did not finish:\n" + serve.Output + ids[survivor].Output);

        Assert.Equal(RunStates.Succeeded, done.Run.State);
        var task = Assert.Single(done.Tasks);
        Assert.Equal(RunStates.Succeeded, task.State);
        var attempts = done.Attempts.Where(a => a.TaskId == task.Id).OrderBy(a => a.Number).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal((1, "lost", running.Worker), (attempts[0].Number, attempts[0].State, attempts[0].Worker));
        Assert.Equal((2, RunStates.Succeeded, survivor), (attempts[1].Number, attempts[1].State, attempts[1].Worker));
        Assert.Single(done.Attempts, a => a.State == RunStates.Succeeded);
        Assert.False(ids[survivor].HasExited);
    }

    [Fact]
    public async Task Worker_SigtermMidTask_ExitsZeroWithoutWaitingForTheTask()
    {
        await using var pg = await TestPostgresStore.CreateAsync();
        await using var serve = NagareProcess.Start("serve", "--no-worker", "--project", dir, "--store", pg.Store);
        await serve.WaitForOutputAsync("is the leader", Startup);
        await using var worker = StartWorker(pg.Store);
        await worker.WaitForOutputAsync("nagare worker ", Startup);
        var created = await RealClockCli.RunAsync("pipeline", "run", "endless", "--project", dir, "--store", pg.Store);
        Assert.True(created.ExitCode == 0, created.Out + created.Error);
        await Eventually.GetAsync(() => Task.FromResult<string?>(File.Exists(Path.Combine(dir, "marker")) ? "started" : null), Bound, () => worker.Output);

        await worker.TerminateAsync();
        var code = await worker.WaitForExitAsync(Bound);

        Assert.True(code == 0, worker.Output);
        Assert.EndsWith("nagare worker: stopped\n", worker.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Worker_SigtermWhileIdle_ExitsZero()
    {
        await using var pg = await TestPostgresStore.CreateAsync();
        await using var worker = StartWorker(pg.Store);
        await worker.WaitForOutputAsync("nagare worker ", Startup);

        await worker.TerminateAsync();
        var code = await worker.WaitForExitAsync(Bound);

        Assert.True(code == 0, worker.Output);
        Assert.EndsWith("nagare worker: stopped\n", worker.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--heartbeat", "30s", "--heartbeat (30.0s) must be shorter than --lease (30.0s)")]
    [InlineData("--lease", "soon", "--lease: 'soon' is not a duration")]
    [InlineData("--lease", "0s", "--lease must be longer than zero")]
    [InlineData("--slots", "0", "--slots must be at least 1; got 0.")]
    public async Task Worker_BadOption_ExitsOneNamingIt(string option, string value, string message)
    {
        var run = await CliRun.RunAsync("worker", option, value, "--project", dir);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: " + message, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(Path.Combine(dir, ".nagare", "metadata.db")));
    }

    private NagareProcess StartWorker(string store) =>
        NagareProcess.Start("worker", "--slots", "1", "--lease", "3s", "--heartbeat", "1s", "--project", dir, "--store", store);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
