using System.Text.RegularExpressions;

namespace Nagare.Cli.Tests.Pipelines;

/// <summary>
/// <c>nagare pipeline run|list</c>, <c>nagare runs …</c> and <c>nagare backfill</c> without a server: runs happen in
/// the command's process, on the project's embedded SQLite store and DuckDB warehouse.
/// </summary>
public sealed class PipelineCommandTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-pipeline-cli-" + Guid.NewGuid().ToString("N")[..10]);

    public PipelineCommandTests()
    {
        Write("nagare.yml", "name: flow\n");
        Write("pipelines/load.yml", """
            name: load
            steps:
              - name: create
                sql: "create or replace table answers as select 42 as answer"
              - name: say
                command: [sh, -c, "echo hello from {{ logical_date }}; echo second line"]
                after: [create]
              - name: more
                sql: "insert into answers values (43)"
                after: [say]

            """);
        Write("pipelines/flaky.yml", """
            name: flaky
            steps:
              - name: first
                command: [sh, -c, "if [ -f tried ]; then echo second try; else touch tried; echo boom >&2; exit 3; fi"]
              - name: then
                command: [sh, -c, "echo downstream"]
                after: [first]

            """);
        Write("pipelines/sized.yml", """
            name: sized
            params:
              limit: { type: int, default: 1 }
            steps:
              - command: [sh, -c, "echo {{ params.limit }}"]

            """);
        Write("pipelines/dated.yml", """
            name: dated
            steps:
              - command: [sh, -c, "echo {{ logical_date }} >> dates.txt"]

            """);
        Write("pipelines/hourly.yml", """
            name: hourly
            schedule: "0 * * * *"
            steps:
              - command: [sh, -c, "true"]

            """);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task PipelineRun_SqlAndCommandSteps_PrintsStepsAndSucceedsAndWritesTheWarehouse()
    {
        var run = await RunAsync("pipeline", "run", "load");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.StartsWith("run 1 of load: running\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("run 1 · load · logical date 2026-11-20 · manual", run.Out, StringComparison.Ordinal);
        foreach (var step in new[] { "create", "say", "more" })
        {
            Assert.Matches(new Regex($@"\n\s*{step}\s+succeeded\s+1/1\s+1\s"), run.Out);
        }

        Assert.Matches(new Regex(@"\nrun 1 succeeded: 3 of 3 steps succeeded in \S+\n$"), run.Out);
        var query = await CliRun.RunAsync("query", "select answer from answers order by answer", "--db", Path.Combine(dir, ".nagare", "warehouse.duckdb"), "--format", "csv");
        Assert.True(query.ExitCode == 0, query.Error);
        Assert.Equal("answer\n42\n43\n", query.Out);
    }

    [Fact]
    public async Task PipelineRun_FailingCommand_ExitsOneNamingTheStepAndItsErrorAndSkipsDownstream()
    {
        var run = await RunAsync("pipeline", "run", "flaky");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED first (task ", run.Error, StringComparison.Ordinal);
        Assert.Contains("'sh' exited with code 3", run.Error, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\n\s*first\s+failed\s"), run.Out);
        Assert.Matches(new Regex(@"\n\s*then\s+upstream_failed\s"), run.Out);
        Assert.Contains("run 1 failed: 0 of 2 steps succeeded", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineRun_ParamOfWrongType_ExitsOneNamingParameterAndTypeWithoutARun()
    {
        var run = await RunAsync("pipeline", "run", "sized", "--param", "limit=many");
        var runs = await RunAsync("runs", "list");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: Parameter 'limit' of pipeline 'sized' is an int; got 'many'.\n", run.Error);
        Assert.Equal("", run.Out);
        Assert.Equal(0, runs.ExitCode);
        Assert.EndsWith("0 run(s)\n", runs.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineRun_UnknownParam_ExitsOneListingTheParameters()
    {
        var run = await RunAsync("pipeline", "run", "sized", "--param", "limt=2");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has no parameter 'limt'", run.Error, StringComparison.Ordinal);
        Assert.Contains("limit", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineRun_UnknownPipeline_ExitsOneListingTheKnownOnes()
    {
        var run = await RunAsync("pipeline", "run", "lod");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: No pipeline 'lod' in ", run.Error, StringComparison.Ordinal);
        Assert.Contains("Known: ", run.Error, StringComparison.Ordinal);
        foreach (var name in new[] { "dated", "flaky", "hourly", "load", "sized" })
        {
            Assert.Contains(name, run.Error, StringComparison.Ordinal);
        }

        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task PipelineRun_BrokenPipelineFile_ErrorNamesFileAndLine()
    {
        Write("pipelines/broken.yml", "name: broken\nsteps:\n  - command: [sh, -c, \"true\"]\n    afterr: [x]\n");

        var run = await RunAsync("pipeline", "run", "broken");

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(new Regex(@"error: Pipeline 'broken' cannot run: .*broken\.yml:4:\d+"), run.Error);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineRun_BrokenOtherPipelineFile_StillRunsThisOne()
    {
        Write("pipelines/broken.yml", "name: broken\nsteps: 3\n");

        var run = await RunAsync("pipeline", "run", "dated");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
    }

    [Fact]
    public async Task RunsList_AfterRuns_ShowsEachWithItsState()
    {
        await RunAsync("pipeline", "run", "load");
        await RunAsync("pipeline", "run", "flaky");

        var runs = await RunAsync("runs", "list");

        Assert.Equal(0, runs.ExitCode);
        Assert.Matches(new Regex(@"\n\s*2\s+flaky\s+2026-11-20\s+manual\s+failed\s"), runs.Out);
        Assert.Matches(new Regex(@"\n\s*1\s+load\s+2026-11-20\s+manual\s+succeeded\s"), runs.Out);
        Assert.EndsWith("2 run(s)\n", runs.Out, StringComparison.Ordinal);
        var alone = await RunAsync("runs", "--pipeline", "load");
        Assert.Equal(0, alone.ExitCode);
        Assert.Matches(new Regex(@"\n\s*1\s+load\s+2026-11-20\s+manual\s+succeeded\s"), alone.Out);
        Assert.EndsWith("1 run(s)\n", alone.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsShow_FinishedRun_ShowsItsSteps()
    {
        await RunAsync("pipeline", "run", "flaky");

        var show = await RunAsync("runs", "show", "1");

        Assert.Equal(0, show.ExitCode);
        Assert.StartsWith("run 1 · flaky · logical date 2026-11-20 · manual\nstate failed · ", show.Out, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\n\s*first\s+failed\s+0/1\s+1\s"), show.Out);
        Assert.Matches(new Regex(@"\n\s*then\s+upstream_failed\s+0/1\s+0\s"), show.Out);
    }

    [Fact]
    public async Task RunsShow_UnknownRun_ExitsOneWithAHint()
    {
        var show = await RunAsync("runs", "show", "7");

        Assert.Equal(1, show.ExitCode);
        Assert.StartsWith("error: No run 7 in the metadata store ", show.Error, StringComparison.Ordinal);
        Assert.Contains("hint: List runs with: nagare runs list", show.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsLogs_CommandStep_PrintsItsOutputLines()
    {
        await RunAsync("pipeline", "run", "load");

        var logs = await RunAsync("runs", "logs", "1");

        Assert.Equal(0, logs.ExitCode);
        var lines = logs.Out.TrimEnd('\n').Split('\n');
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\d\d:\d\d:\d\d\.\d{3} say #1: hello from 2026-11-20$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\d\d:\d\d:\d\d\.\d{3} say #1: second line$"));
    }

    [Fact]
    public async Task RunsRerun_AfterTheFailureIsFixed_Succeeds()
    {
        var first = await RunAsync("pipeline", "run", "flaky");
        Assert.Equal(1, first.ExitCode);

        var rerun = await RunAsync("runs", "rerun", "1");

        Assert.True(rerun.ExitCode == 0, rerun.Out + rerun.Error);
        Assert.StartsWith("run 1 of flaky: running again from its failed steps\n", rerun.Out, StringComparison.Ordinal);
        Assert.Contains("run 1 succeeded: 2 of 2 steps succeeded", rerun.Out, StringComparison.Ordinal);
        var logs = await RunAsync("runs", "logs", "1");
        Assert.Contains(" first #2: second try\n", logs.Out, StringComparison.Ordinal);
        Assert.Contains(" then #1: downstream\n", logs.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsRerun_SucceededRun_ExitsOneWithAHint()
    {
        await RunAsync("pipeline", "run", "dated");

        var rerun = await RunAsync("runs", "rerun", "1");

        Assert.Equal(1, rerun.ExitCode);
        Assert.Equal("error: Run 1 is succeeded; only failed or cancelled runs can run again.\nhint: Start a new run with: nagare pipeline run dated\n", rerun.Error);
    }

    [Fact]
    public async Task RunsCancel_FinishedRun_ExitsOneSayingWhy()
    {
        await RunAsync("pipeline", "run", "dated");

        var cancel = await RunAsync("runs", "cancel", "1");

        Assert.Equal(1, cancel.ExitCode);
        Assert.Equal("error: Run 1 is succeeded; only queued or running runs can be cancelled.\n", cancel.Error);
        Assert.Equal("", cancel.Out);
    }

    [Fact]
    public async Task Backfill_UnscheduledPipeline_OneRunPerDateWithTheDateRendered()
    {
        var backfill = await RunAsync("backfill", "dated", "--from", "2026-11-01", "--to", "2026-11-03");

        Assert.True(backfill.ExitCode == 0, backfill.Out + backfill.Error);
        Assert.StartsWith("backfill of dated from 2026-11-01 to 2026-11-03: 3 run(s), 0 of them created by an earlier backfill\n", backfill.Out, StringComparison.Ordinal);
        Assert.EndsWith("3 of 3 run(s) succeeded\n", backfill.Out, StringComparison.Ordinal);
        var runs = await RunAsync("runs", "list");
        foreach (var (id, date) in new[] { (1, "2026-11-01"), (2, "2026-11-02"), (3, "2026-11-03") })
        {
            Assert.Matches(new Regex($@"\n\s*{id}\s+dated\s+{date}\s+backfill\s+succeeded\s"), runs.Out);
        }

        Assert.Equal(["2026-11-01", "2026-11-02", "2026-11-03"], File.ReadAllLines(Path.Combine(dir, "dates.txt")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Backfill_SameRangeAgain_CreatesNoRun()
    {
        await RunAsync("backfill", "dated", "--from", "2026-11-01", "--to", "2026-11-03");

        var again = await RunAsync("backfill", "dated", "--from", "2026-11-01", "--to", "2026-11-03");

        Assert.True(again.ExitCode == 0, again.Out + again.Error);
        Assert.StartsWith("backfill of dated from 2026-11-01 to 2026-11-03: 3 run(s), 3 of them created by an earlier backfill\n", again.Out, StringComparison.Ordinal);
        Assert.EndsWith("3 run(s)\n", (await RunAsync("runs", "list")).Out, StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, "dates.txt")).Length);
    }

    [Fact]
    public async Task Backfill_FromAfterTo_ExitsOneWithoutRuns()
    {
        var backfill = await RunAsync("backfill", "dated", "--from", "2026-11-03", "--to", "2026-11-01");

        Assert.Equal(1, backfill.ExitCode);
        Assert.StartsWith("error: ", backfill.Error, StringComparison.Ordinal);
        Assert.EndsWith("0 run(s)\n", (await RunAsync("runs", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineRun_SameIdempotencyKeyTwice_ReturnsTheFirstRun()
    {
        var first = await RunAsync("pipeline", "run", "dated", "--idempotency-key", "k-1");
        var second = await RunAsync("pipeline", "run", "dated", "--idempotency-key", "k-1");

        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        Assert.True(second.ExitCode == 0, second.Out + second.Error);
        Assert.StartsWith("run 1 of dated: running\n", first.Out, StringComparison.Ordinal);
        Assert.StartsWith("run 1 of dated: succeeded (an earlier request with this idempotency key)\n", second.Out, StringComparison.Ordinal);
        Assert.Single(File.ReadAllLines(Path.Combine(dir, "dates.txt")));
        Assert.EndsWith("1 run(s)\n", (await RunAsync("runs", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineRun_WhileAnotherCommandRunsOneInProcess_RunsItselfInsteadOfLeavingItToAServer()
    {
        Write("pipelines/gated.yml", "name: gated\nsteps:\n  - command: [sh, -c, \"touch started; while [ ! -f go ]; do sleep 0.1; done\"]\n");
        var first = Task.Run(() => RunAsync("pipeline", "run", "gated"));
        CliRun second;
        try
        {
            await Eventually.GetAsync(() => Task.FromResult(File.Exists(Path.Combine(dir, "started")) ? "started" : null), TimeSpan.FromSeconds(60), () => "the gated run never started");
            second = await RunAsync("pipeline", "run", "dated").WaitAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            File.WriteAllText(Path.Combine(dir, "go"), string.Empty);
        }

        var gated = await first.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(second.ExitCode == 0, second.Out + second.Error);
        Assert.DoesNotContain("the server runs it", second.Out, StringComparison.Ordinal);
        Assert.Contains("run 2 succeeded: 1 of 1 steps succeeded", second.Out, StringComparison.Ordinal);
        Assert.True(gated.ExitCode == 0, gated.Out + gated.Error);
        Assert.Contains("run 1 succeeded", gated.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineList_CronPipeline_ShowsScheduleAndNextRun()
    {
        var list = await RunAsync("pipeline", "list");

        Assert.True(list.ExitCode == 0, list.Out + list.Error);
        Assert.Matches(new Regex(@"\n\s*hourly\s+0 \* \* \* \* \(UTC\)\s+2026-11-20 04:00:00 \+00:00\s+-\s"), list.Out);
        Assert.Matches(new Regex(@"\n\s*dated\s+manual\s+-\s"), list.Out);
    }

    [Fact]
    public async Task PipelineList_AfterARun_ShowsTheLastRun()
    {
        await RunAsync("pipeline", "run", "dated");

        var list = await RunAsync("pipeline", "list");

        Assert.Matches(new Regex(@"\n\s*dated\s+manual\s+-\s+#1 succeeded 2026-11-20\s"), list.Out);
    }

    private Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync([.. args, "--project", dir]);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
