using System.Collections.Concurrent;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Notifications;
using Nagare.Runtime.Pipelines;
using Nagare.Runtime.Pipelines.Store;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Pipelines.Engine;

/// <summary>
/// A project folder, a metadata store (SQLite in the project's <c>.nagare/</c> unless given) and a
/// <see cref="ManualClock"/>, with the real scheduler, worker and service over them. Write the project's files, then
/// <see cref="Load"/>.
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    /// <summary>Bounds every wait of a test on real work (a process, a delivery).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> log = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private ProjectConfig? config;
    private MetadataStore? store;

    public EngineHarness(DateTimeOffset start)
    {
        Clock = new ManualClock(start);
        Project.Write("nagare.yml", "name: engine\n");
    }

    public TempProject Project { get; } = new();

    public ManualClock Clock { get; }

    public ProjectConfig Config => config ?? throw new InvalidOperationException("Load() first");

    public MetadataStore Store => store ?? throw new InvalidOperationException("Load() first");

    /// <summary>What schedulers and workers logged, for assertion messages.</summary>
    public string Log => string.Join("\n", log);

    /// <summary>A time on the wall clock of Asia/Tokyo (UTC+9, no DST).</summary>
    public static DateTimeOffset Jst(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.FromHours(9));

    /// <summary>Loads the project (every file must be valid) and opens the store (<paramref name="storeLocation"/>, else SQLite in the project).</summary>
    public async Task<EngineHarness> Load(string? storeLocation = null)
    {
        config = ProjectLoader.Load(Project.Root);
        store ??= MetadataStore.Open(storeLocation, Project.Root);
        await Store.MigrateAsync(CancellationToken.None);
        return this;
    }

    public PipelineScheduler Scheduler(SchedulerOptions? options = null, NoticeSender? notices = null, MetadataStore? over = null) =>
        new(over ?? Store, Config, notices, options ?? new SchedulerOptions(), Clock) { Log = log.Enqueue };

    public NoticeSender Notices() => new(http, Clock, new NoticeRetry(1, TimeSpan.Zero));

    /// <summary>A worker running the real steps; <paramref name="took"/> (by step) moves the clock on after a step ran, as if it had taken that long.</summary>
    public PipelineWorker Worker(WorkerOptions? options = null, TimeProvider? time = null, IReadOnlyDictionary<string, TimeSpan>? took = null)
    {
        time ??= Clock;
        var runner = new StepRunner(Config, ConnectorRegistry.Default, time);
        return new PipelineWorker(Store, Execute, options ?? new WorkerOptions(), time)
        {
            Log = (task, line) => log.Enqueue($"[{task.Pipeline} #{task.RunId} {task.Step}] {line}"),
        };

        async Task<StepResult> Execute(ClaimedTask task, Action<string> write, CancellationToken ct)
        {
            var result = await runner.RunAsync(task, write, ct);
            if (took is not null && took.TryGetValue(task.Step, out var duration))
            {
                Clock.Advance(duration);
            }

            return result;
        }
    }

    public PipelineService Service() => new(Config, Store, ConnectorRegistry.Default, Clock) { Log = log.Enqueue };

    /// <summary>Runs ready tasks with a fresh worker until none is ready; how many ran.</summary>
    public async Task<int> DrainAsync(IReadOnlyDictionary<string, TimeSpan>? took = null)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await Worker(took: took).DrainAsync(timeout.Token);
    }

    /// <summary>A scheduler tick bounded by <see cref="Patience"/>, with its notices delivered.</summary>
    public async Task<bool> TickAsync(PipelineScheduler scheduler)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var leader = await scheduler.TickAsync(timeout.Token);
        await Task.WhenAll(scheduler.Deliveries()).WaitAsync(Patience);
        return leader;
    }

    /// <summary>A pipeline's runs, oldest first.</summary>
    public async Task<List<RunRecord>> RunsAsync(string pipeline) =>
        [.. (await Store.ListRunsAsync(new RunFilter(pipeline, Limit: 1000), CancellationToken.None)).OrderBy(r => r.Id)];

    public async Task<RunDetail> RunAsync(long id) =>
        await Store.GetRunAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"no run {id}");

    /// <summary>The log lines of a run (of one step's tasks when <paramref name="step"/> is given), oldest first.</summary>
    public async Task<List<string>> LogOfAsync(long runId, string? step = null)
    {
        var detail = await RunAsync(runId);
        var lines = new List<string>();
        foreach (var task in detail.Tasks.Where(t => step is null || t.Step == step))
        {
            lines.AddRange((await Store.ReadLogAsync(runId, task.Id, 0, 10_000, CancellationToken.None)).Select(l => l.Line));
        }

        return lines;
    }

    /// <summary>Waits (real time, bounded by <see cref="Patience"/>) until <paramref name="condition"/> holds, moving the clock on by <paramref name="step"/> between looks.</summary>
    public async Task UntilAsync(Func<Task<bool>> condition, TimeSpan step, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"{what} did not happen within {Patience}. Log:\n{Log}");
            }

            Clock.Advance(step);
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (store is not null)
        {
            await store.DisposeAsync();
        }

        http.Dispose();
        Project.Dispose();
    }
}
