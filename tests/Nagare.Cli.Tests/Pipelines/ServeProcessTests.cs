using System.Text.RegularExpressions;
using Nagare.Testing;

namespace Nagare.Cli.Tests.Pipelines;

/// <summary>A real <c>nagare serve</c> process beside the commands that start runs: they leave their runs to it.</summary>
[Trait("Category", "Integration")]
public sealed class ServeProcessTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-serve-" + Guid.NewGuid().ToString("N")[..10]);

    public ServeProcessTests()
    {
        Write("nagare.yml", "name: served\n");
        Write("pipelines/hello.yml", """
            name: hello
            steps:
              - name: greet
                command: [sh, -c, "echo hello from the server; echo hello >> greetings"]

            """);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task PipelineRun_WhileServeRuns_TheServerRunsItAndWaitFollowsIt()
    {
        await using var serve = NagareProcess.Start("serve", "--slots", "1", "--listen", "127.0.0.1:0", "--project", dir);
        await serve.WaitForOutputAsync("is the leader", Startup);

        var started = await RealClockCli.RunAsync("pipeline", "run", "hello", "--project", dir);
        var waited = await RealClockCli.RunAsync("pipeline", "run", "hello", "--wait", "--project", dir);

        Assert.True(started.ExitCode == 0, started.Out + started.Error);
        Assert.Equal("run 1 of hello: running\nthe server runs it; follow it with: nagare runs show 1\n", started.Out);
        Assert.True(waited.ExitCode == 0, waited.Out + waited.Error);
        Assert.StartsWith("run 2 of hello: ", waited.Out, StringComparison.Ordinal);
        Assert.Contains("run 2 succeeded: 1 of 1 steps succeeded", waited.Out, StringComparison.Ordinal);
        await serve.WaitForOutputAsync(@"\[hello #1 greet\]", Bound);
        Assert.Contains("[hello #2 greet]", serve.Output, StringComparison.Ordinal);
        await Eventually.GetAsync(
            async () => (await RealClockCli.RunAsync("runs", "list", "--project", dir)).Out is { } list && Regex.IsMatch(list, @"\n\s*1\s+hello\s+\S+\s+manual\s+succeeded\s") ? list : null,
            Bound,
            () => serve.Output);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(dir, "greetings")).Length);
    }

    [Fact]
    public async Task RunsRerun_WhileServeRuns_LeavesTheRerunToTheServer()
    {
        Write("pipelines/flaky.yml", """
            name: flaky
            steps:
              - name: first
                command: [sh, -c, "if [ -f tried ]; then echo second try; else touch tried; exit 3; fi"]

            """);
        await using var serve = NagareProcess.Start("serve", "--slots", "1", "--listen", "127.0.0.1:0", "--project", dir);
        await serve.WaitForOutputAsync("is the leader", Startup);

        var failed = await RealClockCli.RunAsync("pipeline", "run", "flaky", "--wait", "--project", dir);
        var rerun = await RealClockCli.RunAsync("runs", "rerun", "1", "--project", dir);

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("FAILED first (task ", failed.Error, StringComparison.Ordinal);
        Assert.True(rerun.ExitCode == 0, rerun.Out + rerun.Error);
        Assert.Equal("run 1 of flaky: running again from its failed steps\nthe server runs it; follow it with: nagare runs show 1\n", rerun.Out);
        await Eventually.GetAsync(
            async () => (await RealClockCli.RunAsync("runs", "list", "--project", dir)).Out is { } list && Regex.IsMatch(list, @"\n\s*1\s+flaky\s+\S+\s+manual\s+succeeded\s") ? list : null,
            Bound,
            () => serve.Output);
    }

    [Fact]
    public async Task PipelineFileAddedByHand_WhileServeRuns_TheServerReadsItAndRunsIt()
    {
        await using var serve = NagareProcess.Start("serve", "--slots", "1", "--listen", "127.0.0.1:0", "--project", dir);
        await serve.WaitForOutputAsync("is the leader", Startup);

        Write("pipelines/later.yml", """
            name: later
            steps:
              - name: note
                command: [sh, -c, "echo added later >> later.txt; echo noted by the server"]

            """);
        await serve.WaitForOutputAsync("project files changed: read again", Bound);
        var run = await RealClockCli.RunAsync("pipeline", "run", "later", "--wait", "--project", dir);

        Assert.True(run.ExitCode == 0, run.Out + run.Error + serve.Output);
        Assert.Contains("run 1 succeeded", run.Out, StringComparison.Ordinal);
        await serve.WaitForOutputAsync(@"\[later #1 note\]", Bound);
        Assert.Equal("added later\n", File.ReadAllText(Path.Combine(dir, "later.txt")));
    }

    [Fact]
    public async Task Serve_Sigterm_ExitsZeroAndLetsCommandsRunInProcessAgain()
    {
        await using var serve = NagareProcess.Start("serve", "--listen", "127.0.0.1:0", "--project", dir);
        await serve.WaitForOutputAsync("is the leader", Startup);

        await serve.TerminateAsync();
        var code = await serve.WaitForExitAsync(Bound);
        var run = await RealClockCli.RunAsync("pipeline", "run", "hello", "--project", dir);

        Assert.True(code == 0, serve.Output);
        Assert.EndsWith("nagare serve: stopped\n", serve.Output, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.DoesNotContain("the server runs it", run.Out, StringComparison.Ordinal);
        Assert.Contains("run 1 succeeded", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_WhileServeRuns_GoesThroughTheServerThatOwnsTheWarehouse()
    {
        await using var serve = NagareProcess.Start("serve", "--listen", "127.0.0.1:0", "--project", dir);
        var api = await serve.WaitForOutputAsync(@"API at (http://127\.0\.0\.1:\d+/)", Startup);

        var created = await RealClockCli.RunAsync("query", "CREATE TABLE answers AS SELECT 42 AS answer; SELECT answer FROM answers", "--format", "csv", "--project", dir);
        var direct = await RealClockCli.RunAsync("query", "SELECT 1", "--db", Path.Combine(dir, ".nagare", "warehouse.duckdb"));
        using var http = new HttpClient();
        var health = await http.GetStringAsync(new Uri(new Uri(api.Groups[1].Value), "api/v1/health"));

        Assert.True(created.ExitCode == 0, created.Out + created.Error);
        Assert.Equal("answer\n42\n", created.Out);
        Assert.NotEqual(0, direct.ExitCode);
        Assert.Contains("serve", direct.Error, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"ok\"", health, StringComparison.Ordinal);
        Assert.Matches("created the user 'admin' with the password [A-Za-z0-9_-]{20} ", serve.Output);
        Assert.True(File.Exists(Path.Combine(dir, ".nagare", "server.json")));

        await serve.TerminateAsync();
        Assert.Equal(0, await serve.WaitForExitAsync(Bound));
        Assert.False(File.Exists(Path.Combine(dir, ".nagare", "server.json")));
        var alone = await RealClockCli.RunAsync("query", "SELECT answer + 1 AS next FROM answers", "--format", "csv", "--project", dir);
        Assert.True(alone.ExitCode == 0, alone.Out + alone.Error);
        Assert.Equal("next\n43\n", alone.Out);
    }

    [Fact]
    public async Task Sync_WhileServeRuns_TheServerRunsItAndTheCommandPrintsItsLog()
    {
        var app = Path.Combine(dir, "app.db");
        using (var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={app};Pooling=false"))
        {
            sqlite.Open();
            using var create = sqlite.CreateCommand();
            create.CommandText = "CREATE TABLE plans (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO plans VALUES (1, 'free'), (2, 'pro');";
            create.ExecuteNonQuery();
        }

        Write("connections/app.yml", $"name: app\ntype: sqlite\npath: {app}\n");
        Write("syncs/app_to_lake.yml", "name: app_to_lake\nsource: app\ndestination: warehouse\ntarget_schema: lake\nstreams:\n  - select: main.plans\n    mode: incremental\n    cursor: id\n");
        await using var serve = NagareProcess.Start("serve", "--listen", "127.0.0.1:0", "--project", dir);
        await serve.WaitForOutputAsync("API at", Startup);

        var sync = await RealClockCli.RunAsync("sync", "app_to_lake", "--project", dir);
        var refused = await RealClockCli.RunAsync("sync", "app_to_lake", "--dry-run", "--project", dir);
        var count = await RealClockCli.RunAsync("query", "SELECT count(*) AS n FROM lake.plans", "--format", "csv", "--project", dir);

        Assert.True(sync.ExitCode == 0, sync.Out + sync.Error);
        Assert.Contains("it runs this as run 1", sync.Error, StringComparison.Ordinal);
        Assert.Contains("main.plans -> ", sync.Out, StringComparison.Ordinal);
        Assert.EndsWith("run 1: succeeded\n", sync.Out, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("takes only --select and --full-refresh", refused.Error, StringComparison.Ordinal);
        Assert.Equal("n\n2\n", count.Out);
        var state = await RealClockCli.RunAsync("state", "list", "app_to_lake", "--json", "--project", dir);
        var reset = await RealClockCli.RunAsync("state", "reset", "app_to_lake", "--all", "--project", dir);
        Assert.True(state.ExitCode == 0, state.Out + state.Error);
        Assert.Contains("\"stream\":\"lake.plans\",\"cursor_column\":\"id\",\"cursor\":\"2\"", state.Out, StringComparison.Ordinal);
        Assert.True(reset.ExitCode == 0, reset.Out + reset.Error);
        Assert.Equal("reset lake.plans: the next run of app_to_lake reads it from the start\n", reset.Out);
    }

    [Fact]
    public async Task PlanApplyExport_RoundTripThroughTheServer()
    {
        await using var serve = NagareProcess.Start("serve", "--listen", "127.0.0.1:0", "--project", dir);
        await serve.WaitForOutputAsync("API at", Startup);
        // A checkout beside the project, not in it: the server's files are those under its project folder.
        var local = dir + "-checkout";
        using var cleanup = new Cleanup(local);

        var export = await RealClockCli.RunAsync("export", "--project", dir, "--out", local);
        var exported = string.Join("\n", Directory.GetFiles(local, "*.yml", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(local, f).Replace('\\', '/')).Order(StringComparer.Ordinal));
        Directory.CreateDirectory(Path.Combine(local, ".nagare"));
        File.Copy(Path.Combine(dir, ".nagare", "server.json"), Path.Combine(local, ".nagare", "server.json"));
        var unchanged = await RealClockCli.RunAsync("plan", "--project", local);
        File.WriteAllText(Path.Combine(local, "pipelines", "later.yml"), "name: later\nsteps:\n  - command: [sh, -c, \"true\"]\n");
        File.AppendAllText(Path.Combine(local, "pipelines", "hello.yml"), "description: says hello\n");
        var plan = await RealClockCli.RunAsync("plan", "--project", local);
        var apply = await RealClockCli.RunAsync("apply", "--project", local);
        var after = await RealClockCli.RunAsync("plan", "--project", local);

        Assert.True(export.ExitCode == 0, export.Out + export.Error);
        Assert.Equal("nagare.yml\npipelines/hello.yml", exported);
        Assert.EndsWith(": no changes\n", unchanged.Out, StringComparison.Ordinal);
        Assert.StartsWith("+ pipelines/later.yml\n~ pipelines/hello.yml\n", plan.Out, StringComparison.Ordinal);
        Assert.True(apply.ExitCode == 0, apply.Out + apply.Error);
        Assert.EndsWith("applied: 1 created, 1 changed, 0 deleted\n", apply.Out, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Path.Combine(local, "pipelines", "hello.yml")), File.ReadAllText(Path.Combine(dir, "pipelines", "hello.yml")));
        Assert.True(File.Exists(Path.Combine(dir, "pipelines", "later.yml")));
        Assert.EndsWith(": no changes\n", after.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAndSeed_WhileServeRuns_EachBuildsOnlyItsKindOnTheServer()
    {
        Write("models/answer.sql", "select 42 as answer\n");
        Write("seeds/plans.csv", "id,name\n1,free\n2,pro\n");
        await using var serve = NagareProcess.Start("serve", "--listen", "127.0.0.1:0", "--project", dir);
        await serve.WaitForOutputAsync("API at", Startup);

        var run = await RealClockCli.RunAsync("run", "--project", dir);
        var afterRun = await RealClockCli.RunAsync("query", "SELECT (SELECT answer FROM answer) AS answer, (SELECT count(*) FROM duckdb_tables() WHERE table_name = 'plans') AS seeded", "--format", "csv", "--project", dir);
        var seed = await RealClockCli.RunAsync("seed", "--project", dir);
        var afterSeed = await RealClockCli.RunAsync("query", "SELECT count(*) AS plans FROM plans", "--format", "csv", "--project", dir);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("the server at", run.Error, StringComparison.Ordinal);
        Assert.Equal("answer,seeded\n42,0\n", afterRun.Out);
        Assert.True(seed.ExitCode == 0, seed.Out + seed.Error);
        Assert.Equal("plans\n2\n", afterSeed.Out);
    }

    private sealed class Cleanup(string folder) : IDisposable
    {
        public void Dispose()
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
