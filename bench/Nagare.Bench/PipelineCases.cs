using System.Diagnostics;
using System.Globalization;
using System.Text;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Notifications;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Bench;

/// <summary>
/// The pipeline benchmarks' engine side (bench/pipelines/*.sh): the engine driven without the CLI, so that the cost of
/// the metadata store can be told apart from starting processes, and a store can be filled with a year of runs fast.
/// </summary>
internal static class PipelineCases
{
    private static readonly Func<ClaimedTask, Action<string>, CancellationToken, Task<StepResult>> NoOp = (_, _, _) => Task.FromResult(new StepResult());

    /// <summary>
    /// <c>pipeline-dag PROJECT PIPELINE [SPAWN_SAMPLE]</c>: where a no-op DAG's time goes. Loads the project, creates
    /// runs in new SQLite stores and runs them (1) one task at a time through the store's calls with Stopwatches around
    /// each (claim, log append of one line, complete) and a no-op executor, (2) the same for the first SPAWN_SAMPLE
    /// tasks with the real <see cref="StepRunner"/> (starts the command), (3) through a <see cref="PipelineWorker"/> of
    /// 4 slots and a scheduler as <c>nagare pipeline run</c> does, with the no-op executor.
    /// </summary>
    public static async Task<int> DagAsync(string projectDir, string pipeline, int spawnSample)
    {
        var watch = Stopwatch.StartNew();
        var project = ProjectLoader.Load(projectDir, ConnectorRegistry.Default);
        var load = watch.Elapsed;
        var scratch = Directory.CreateTempSubdirectory("nagare-dag-");
        try
        {
            Console.WriteLine($"| phase | seconds | ms per task |");
            Console.WriteLine($"| --- | ---: | ---: |");
            Row("load the project (YAML of every step)", load, 1);

            // (1) Serial, store only.
            await using (var store = new SqliteMetadataStore(Path.Combine(scratch.FullName, "serial.db")))
            {
                var plan = Stopwatch.StartNew();
                var planned = new RunPlanner(project).Plan(project.GetPipeline(pipeline), Runtime.Pipelines.Scheduling.RunDates.ForNow(TimeProvider.System.GetUtcNow(), TimeZoneInfo.Utc, null), RunTrigger.Manual, null, null);
                var planTime = plan.Elapsed;
                var (service, run, create) = await CreateRunAsync(project, store, pipeline).ConfigureAwait(false);
                await using (service.ConfigureAwait(false))
                {
                    var tasks = await store.GetRunAsync(run, CancellationToken.None).ConfigureAwait(false) is { } detail ? detail.Tasks.Length : 0;
                    Row($"plan the run (RunPlanner.Plan, {planned.Steps.Length:N0} steps)", planTime, tasks);
                    Row($"plan + create the run (PipelineService.StartAsync: {tasks:N0} tasks inserted in one transaction)", create, tasks);
                    var split = await SerialAsync(store, NoOp, int.MaxValue, withLog: true).ConfigureAwait(false);
                    Row("serial, no-op executor: claim (1 transaction)", split.Claim, split.Count);
                    Row("serial, no-op executor: append one log line alone (1 transaction; the worker now sends it with the end instead)", split.Log, split.Count);
                    Row("serial, no-op executor: complete with the log line (1 transaction, makes the next ready)", split.Complete, split.Count);
                    Row("serial, no-op executor: all (claim + complete + the separate append)", split.Total, split.Count);
                }
            }

            // (2) Serial, starting the real command for a sample of tasks.
            await using (var store = new SqliteMetadataStore(Path.Combine(scratch.FullName, "spawn.db")))
            {
                var (service, _, _) = await CreateRunAsync(project, store, pipeline).ConfigureAwait(false);
                await using (service.ConfigureAwait(false))
                {
                    var runner = new StepRunner(project, ConnectorRegistry.Default, TimeProvider.System);
                    var split = await SerialAsync(store, runner.RunAsync, spawnSample, withLog: false).ConfigureAwait(false);
                    Row($"serial, real StepRunner (first {split.Count:N0} tasks): claim", split.Claim, split.Count);
                    Row($"serial, real StepRunner: run the command (`true`: process start and exit)", split.Execute, split.Count);
                    Row($"serial, real StepRunner: complete", split.Complete, split.Count);
                    Row($"serial, real StepRunner: all", split.Total, split.Count);
                }
            }

            // (3) As `nagare pipeline run` runs it (worker of 4 slots + scheduler), no-op executor.
            await using (var store = new SqliteMetadataStore(Path.Combine(scratch.FullName, "worker.db")))
            {
                var (service, run, _) = await CreateRunAsync(project, store, pipeline).ConfigureAwait(false);
                await using (service.ConfigureAwait(false))
                {
                    var tasks = (await store.GetRunAsync(run, CancellationToken.None).ConfigureAwait(false))!.Tasks.Length;
                    var elapsed = await RunWithWorkerAsync(project, store, run, NoOp, new WorkerOptions()).ConfigureAwait(false);
                    Row("PipelineWorker (4 slots) + scheduler, no-op executor: wall", elapsed, tasks);
                }
            }

            // (3b) The same with one slot: what concurrent writers to the one SQLite file cost.
            await using (var store = new SqliteMetadataStore(Path.Combine(scratch.FullName, "worker1.db")))
            {
                var (service, run, _) = await CreateRunAsync(project, store, pipeline).ConfigureAwait(false);
                await using (service.ConfigureAwait(false))
                {
                    var tasks = (await store.GetRunAsync(run, CancellationToken.None).ConfigureAwait(false))!.Tasks.Length;
                    var elapsed = await RunWithWorkerAsync(project, store, run, NoOp, new WorkerOptions { Slots = 1 }).ConfigureAwait(false);
                    Row("PipelineWorker (1 slot) + scheduler, no-op executor: wall", elapsed, tasks);
                }
            }

            // (4) The same with the real StepRunner: what `nagare pipeline run` does after loading the project.
            await using (var store = new SqliteMetadataStore(Path.Combine(scratch.FullName, "real.db")))
            {
                var (service, run, _) = await CreateRunAsync(project, store, pipeline).ConfigureAwait(false);
                await using (service.ConfigureAwait(false))
                {
                    var runner = new StepRunner(project, ConnectorRegistry.Default, TimeProvider.System);
                    long executeTicks = 0;
                    var elapsed = await RunWithWorkerAsync(project, store, run, async (task, log, ct) =>
                    {
                        var start = Stopwatch.GetTimestamp();
                        var result = await runner.RunAsync(task, log, ct).ConfigureAwait(false);
                        Interlocked.Add(ref executeTicks, Stopwatch.GetTimestamp() - start);
                        return result;
                    }, new WorkerOptions()).ConfigureAwait(false);
                    var detail = (await store.GetRunAsync(run, CancellationToken.None).ConfigureAwait(false))!;
                    Row("PipelineWorker (4 slots) + scheduler, real StepRunner: wall", elapsed, detail.Tasks.Length);
                    Row("  of which running commands (sum over the 4 slots)", Stopwatch.GetElapsedTime(0, executeTicks), detail.Tasks.Length);
                    Gaps(detail);
                }
            }

            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// <c>pipeline-latency STORE PROJECT RUN_ID</c>: for each step with one upstream step, its first attempt's start
    /// minus the upstream step's finish; prints the count, p50, p90 and maximum in milliseconds (the store keeps
    /// milliseconds, so 1 ms is the resolution).
    /// </summary>
    public static async Task<int> LatencyAsync(string location, string projectDir, long runId)
    {
        await using var store = MetadataStore.Open(location, projectDir);
        var detail = await store.GetRunAsync(runId, CancellationToken.None).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"no run {runId}");
        var finished = detail.Steps.ToDictionary(s => s.Name, s => s.FinishedAt, StringComparer.Ordinal);
        var firstStart = detail.Attempts.GroupBy(a => a.TaskId).ToDictionary(g => g.Key, g => g.Min(a => a.StartedAt));
        var latencies = new List<double>();
        foreach (var step in detail.Steps.Where(s => s.After.Length == 1))
        {
            var starts = detail.Tasks.Where(t => t.Step == step.Name && firstStart.ContainsKey(t.Id)).Select(t => firstStart[t.Id]).ToList();
            if (starts.Count > 0 && finished[step.After[0]] is { } upstream)
            {
                latencies.Add((starts.Min() - upstream).TotalMilliseconds);
            }
        }

        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{latencies.Count} {Percentile(latencies, 0.5)} {Percentile(latencies, 0.9)} {latencies[^1]} {(detail.Run.FinishedAt - detail.Run.StartedAt)?.TotalSeconds:F2}"));
        return 0;
    }

    /// <summary>
    /// <c>pipeline-year STORE PROJECT [RUNS]</c>: writes PROJECT (a daily pipeline of 100 command steps) and fills STORE
    /// with RUNS (365) daily runs through the engine: each run created by <see cref="PipelineService.StartAsync"/> for
    /// its day and drained by a <see cref="PipelineWorker"/> whose executor writes one log line (claim, log, complete:
    /// the worker's own transactions), on a clock that moves a second per task. Then times the reads `runs list` and
    /// `runs show` make (median of 20); prints Markdown rows and, last, "mid RUN_ID".
    /// </summary>
    public static async Task<int> YearAsync(string location, string projectDir, int runs)
    {
        WriteDailyProject(projectDir);
        var project = ProjectLoader.Load(projectDir, ConnectorRegistry.Default);
        var clock = new MovingClock(new DateTimeOffset(2025, 1, 1, 3, 0, 0, TimeSpan.Zero));
        await using var store = MetadataStore.Open(location, projectDir);
        await using var service = new PipelineService(project, store, ConnectorRegistry.Default, clock);
        var worker = new PipelineWorker(store, (task, log, _) =>
        {
            log($"task {task.Step} of run {task.RunId} finished");
            clock.Advance(TimeSpan.FromSeconds(1));
            return Task.FromResult(new StepResult(Rows: 1));
        }, new WorkerOptions { Slots = 1 }, clock);
        var fill = Stopwatch.StartNew();
        var ids = new List<long>(runs);
        for (var day = 0; day < runs; day++)
        {
            clock.Set(new DateTimeOffset(2025, 1, 1, 3, 0, 0, TimeSpan.Zero).AddDays(day));
            var created = await service.StartAsync("daily", null, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), null, CancellationToken.None).ConfigureAwait(false);
            var ran = await worker.DrainAsync(CancellationToken.None).ConfigureAwait(false);
            await store.MarkFollowedAsync(created.Id, CancellationToken.None).ConfigureAwait(false);
            if (ran != 100)
            {
                throw new InvalidOperationException($"run {created.Id} ran {ran} tasks, not 100");
            }

            ids.Add(created.Id);
            if (day % 50 == 0)
            {
                Console.Error.WriteLine($"{day + 1} runs, {fill.Elapsed.TotalSeconds:F0} s");
            }
        }

        var fillSeconds = fill.Elapsed.TotalSeconds;
        var mid = ids[ids.Count / 2];
        var list = await MedianMsAsync(() => store.ListRunsAsync(new RunFilter(Limit: 50), CancellationToken.None)).ConfigureAwait(false);
        var byPipeline = await MedianMsAsync(() => store.ListRunsAsync(new RunFilter(Pipeline: "daily", Limit: 50), CancellationToken.None)).ConfigureAwait(false);
        var show = await MedianMsAsync(() => store.GetRunAsync(mid, CancellationToken.None)).ConfigureAwait(false);
        var logs = await MedianMsAsync(() => store.ReadLogAsync(mid, null, 0, 1000, CancellationToken.None)).ConfigureAwait(false);
        var detail = (await store.GetRunAsync(mid, CancellationToken.None).ConfigureAwait(false))!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| fill: {runs} runs × {detail.Tasks.Length} tasks through the engine | {fillSeconds:F1} s | {fillSeconds * 1000 / (runs * detail.Tasks.Length):F2} ms per task |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `ListRunsAsync(new RunFilter(Limit: 50))` | {list:F2} ms | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `ListRunsAsync(new RunFilter(Pipeline: \"daily\", Limit: 50))` | {byPipeline:F2} ms | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `GetRunAsync({mid})` (run in the middle: {detail.Steps.Length} steps, {detail.Tasks.Length} tasks, {detail.Attempts.Length} attempts) | {show:F2} ms | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `ReadLogAsync({mid}, …, limit 1000)` (its log lines) | {logs:F2} ms | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mid {mid}"));
        return 0;
    }

    private static async Task<(PipelineService Service, long Run, TimeSpan Create)> CreateRunAsync(ProjectConfig project, MetadataStore store, string pipeline)
    {
        await store.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
        var service = new PipelineService(project, store, ConnectorRegistry.Default, TimeProvider.System);
        var watch = Stopwatch.StartNew();
        var created = await service.StartAsync(pipeline, null, null, null, CancellationToken.None).ConfigureAwait(false);
        return (service, created.Id, watch.Elapsed);
    }

    /// <summary>One task at a time, the calls a worker makes for it, each timed.</summary>
    private static async Task<Split> SerialAsync(MetadataStore store, Func<ClaimedTask, Action<string>, CancellationToken, Task<StepResult>> execute, int limit, bool withLog)
    {
        var worker = new WorkerInfo("bench-serial", Warehouse: true);
        var lease = TimeSpan.FromSeconds(30);
        var split = new Split();
        var total = Stopwatch.StartNew();
        var lines = new List<(DateTimeOffset, string)>(1);
        while (split.Count < limit)
        {
            var t0 = Stopwatch.GetTimestamp();
            var task = await store.ClaimAsync(worker, TimeProvider.System.GetUtcNow(), lease, CancellationToken.None).ConfigureAwait(false);
            var t1 = Stopwatch.GetTimestamp();
            if (task is null)
            {
                break;
            }

            lines.Clear();
            var result = await execute(task, line => lines.Add((TimeProvider.System.GetUtcNow(), line)), CancellationToken.None).ConfigureAwait(false);
            var t2 = Stopwatch.GetTimestamp();
            if (withLog)
            {
                lines.Add((TimeProvider.System.GetUtcNow(), "done"));
            }

            // A worker writes a short task's log lines with its end, in the completing transaction; the separate
            // append is timed here on a copy of them so that its cost shows, then the lines go with the end.
            if (withLog)
            {
                await store.AppendLogAsync(task.RunId, task.AttemptId, [.. lines], CancellationToken.None).ConfigureAwait(false);
            }

            var t3 = Stopwatch.GetTimestamp();
            await store.CompleteAsync(new TaskOutcome(task.TaskId, task.Attempt, worker.Id, TaskOutcomeKind.Succeeded, result.Rows, result.Bytes), TimeProvider.System.GetUtcNow(), CancellationToken.None,
                new TaskLog(task.RunId, task.AttemptId, lines)).ConfigureAwait(false);
            var t4 = Stopwatch.GetTimestamp();
            split.Claim += Stopwatch.GetElapsedTime(t0, t1);
            split.Execute += Stopwatch.GetElapsedTime(t1, t2);
            split.Log += Stopwatch.GetElapsedTime(t2, t3);
            split.Complete += Stopwatch.GetElapsedTime(t3, t4);
            split.Count++;
        }

        split.Total = total.Elapsed;
        return split;
    }

    /// <summary>Runs a run to its end as <see cref="PipelineService.RunToEndAsync"/> does (a scheduler that starts no schedules, ticking every 200 ms, and a worker), with the given executor.</summary>
    private static async Task<TimeSpan> RunWithWorkerAsync(ProjectConfig project, MetadataStore store, long runId, Func<ClaimedTask, Action<string>, CancellationToken, Task<StepResult>> execute, WorkerOptions options)
    {
        using var http = new HttpClient();
        using var stop = new CancellationTokenSource();
        var signal = new WakeSignal();
        var watch = Stopwatch.StartNew();
        var scheduler = new PipelineScheduler(store, project, new NoticeSender(http, TimeProvider.System), new SchedulerOptions { Schedules = false, Tick = TimeSpan.FromMilliseconds(200) }, TimeProvider.System) { Signal = signal };
        var worker = new PipelineWorker(store, execute, options, TimeProvider.System) { Signal = signal };
        var loops = Task.WhenAll(scheduler.RunAsync(stop.Token), worker.RunAsync(stop.Token));
        while (await store.FindRunAsync(runId, CancellationToken.None).ConfigureAwait(false) is { } run && !RunStates.IsFinal(run.State))
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        var elapsed = watch.Elapsed;
        await stop.CancelAsync().ConfigureAwait(false);
        await loops.ConfigureAwait(false);
        return elapsed;
    }

    /// <summary>Prints the distribution of "dependencies met → started": each task's start minus the finish of the step it waited for.</summary>
    private static void Gaps(RunDetail detail)
    {
        var finished = detail.Steps.ToDictionary(s => s.Name, s => s.FinishedAt, StringComparer.Ordinal);
        var after = detail.Steps.ToDictionary(s => s.Name, s => s.After, StringComparer.Ordinal);
        var gaps = detail.Tasks
            .Where(t => t.StartedAt is not null && after[t.Step].Length > 0)
            .Select(t => (t.StartedAt!.Value - after[t.Step].Max(u => finished[u]!.Value)).TotalMilliseconds)
            .Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\ndependencies met → task started, over {gaps.Count:N0} tasks (ms, store resolution 1 ms): p50 {Percentile(gaps, 0.5)}, p90 {Percentile(gaps, 0.9)}, p99 {Percentile(gaps, 0.99)}, max {gaps[^1]}; {gaps.Count(g => g >= 100):N0} tasks waited ≥ 100 ms"));
    }

    private static async Task<double> MedianMsAsync<T>(Func<Task<T>> query)
    {
        await query().ConfigureAwait(false); // the first call opens the connection pool and migrates
        var times = new List<double>(20);
        for (var i = 0; i < 20; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await query().ConfigureAwait(false);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        times.Sort();
        return Percentile(times, 0.5);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static void Row(string phase, TimeSpan elapsed, int tasks) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {phase} | {elapsed.TotalSeconds:F2} | {elapsed.TotalMilliseconds / Math.Max(1, tasks):F3} |"));

    /// <summary>A daily pipeline of 100 command steps: a root, then 9 chains of 11 steps.</summary>
    private static void WriteDailyProject(string dir)
    {
        Directory.CreateDirectory(Path.Combine(dir, "pipelines"));
        File.WriteAllText(Path.Combine(dir, "nagare.yml"), "name: yearbench\n");
        var yaml = new StringBuilder("name: daily\nschedule: \"0 3 * * *\"\nsteps:\n  - name: root\n    command: [\"true\"]\n");
        for (var c = 0; c < 9; c++)
        {
            for (var s = 0; s < 11; s++)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"  - name: c{c}_{s}\n    command: [\"true\"]\n    after: [{(s == 0 ? "root" : $"c{c}_{s - 1}")}]\n");
            }
        }

        File.WriteAllText(Path.Combine(dir, "pipelines", "daily.yml"), yaml.ToString());
    }

    private sealed class Split
    {
        public TimeSpan Claim { get; set; }

        public TimeSpan Execute { get; set; }

        public TimeSpan Log { get; set; }

        public TimeSpan Complete { get; set; }

        public TimeSpan Total { get; set; }

        public int Count { get; set; }
    }

    /// <summary>A clock the fill moves by hand (a day per run, a second per task); timers still run in real time.</summary>
    private sealed class MovingClock(DateTimeOffset start) : TimeProvider
    {
        private long ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

        public void Set(DateTimeOffset at) => Interlocked.Exchange(ref ticks, at.UtcTicks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
    }
}
