using System.Collections.Concurrent;
using Nagare.Core;
using Nagare.Runtime.Pipelines.Store;

namespace Nagare.Runtime.Pipelines;

/// <summary>
/// A worker: claims ready tasks from the store (as many at once as it has slots), runs them, renews their leases while
/// they run, streams their logs into the store, stops those whose runs are cancelled or whose timeouts pass, and
/// reports how each attempt ended. Any number of workers may share a store.
/// </summary>
public sealed class PipelineWorker
{
    private readonly MetadataStore store;
    private readonly Func<ClaimedTask, Action<string>, CancellationToken, Task<StepResult>> execute;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<long, RunningTask> running = new();
    private readonly WorkerInfo info;

    /// <summary>A worker running tasks with <paramref name="execute"/> (a <see cref="StepRunner"/>'s <c>RunAsync</c>).</summary>
    public PipelineWorker(MetadataStore store, Func<ClaimedTask, Action<string>, CancellationToken, Task<StepResult>> execute, WorkerOptions options, TimeProvider time)
    {
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.execute = execute ?? throw new ArgumentNullException(nameof(execute));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        this.time = time ?? throw new ArgumentNullException(nameof(time));
        info = new WorkerInfo(options.Id, options.Warehouse);
    }

    /// <summary>The worker's settings.</summary>
    public WorkerOptions Options { get; }

    /// <summary>Wakes the worker when work may be ready; shared with the scheduler of the same process.</summary>
    public WakeSignal Signal { get; init; } = new();

    /// <summary>Receives each attempt's log lines as they are written (e.g. to print them), or null.</summary>
    public Action<ClaimedTask, string>? Log { get; init; }

    /// <summary>Called when an attempt ends, after the store recorded it, or null.</summary>
    public Action<ClaimedTask, TaskOutcome>? Finished { get; init; }

    /// <summary>Called when the store could not be reached (a heartbeat, a claim, a log write), or null.</summary>
    public Action<Exception>? HeartbeatFailed { get; init; }

    /// <summary>Tasks running now.</summary>
    public int Running => running.Count;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; tasks still running are stopped and left to their leases (another worker runs them again).</summary>
    public Task RunAsync(CancellationToken cancellationToken) => RunAsync(CancellationToken.None, cancellationToken);

    /// <summary>
    /// Runs until <paramref name="finish"/> is cancelled, then claims nothing more and returns once the tasks it is
    /// running have ended and been recorded. A command that runs its own run stops so: a task of another run it took
    /// meanwhile ends here instead of being killed half-way and left to its lease, which would hold that run back until
    /// the lease expired and then run the task a second time. <paramref name="cancellationToken"/> still stops at once
    /// as <see cref="RunAsync(CancellationToken)"/> does.
    /// </summary>
    public async Task RunAsync(CancellationToken finish, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, finish);
        var heartbeat = HeartbeatLoopAsync(stopping.Token);
        var logs = LogLoopAsync(stopping.Token);
        var listening = store.ListenForReadyAsync(Signal.Wake, stopping.Token);
        var tasks = new List<Task>();
        try
        {
            try
            {
                while (!idle.IsCancellationRequested)
                {
                    var claimed = false;
                    try
                    {
                        while (running.Count < Options.Slots && !idle.IsCancellationRequested)
                        {
                            var task = await store.ClaimAsync(info, time.GetUtcNow(), Options.Lease, cancellationToken).ConfigureAwait(false);
                            if (task is null)
                            {
                                break;
                            }

                            claimed = true;
                            tasks.Add(RunTaskAsync(task, cancellationToken));
                        }
                    }
                    catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or IOException)
                    {
                        // The store is away for a moment (a PostgreSQL restart): keep the running tasks, ask again later.
                        HeartbeatFailed?.Invoke(e);
                        claimed = false;
                    }

                    tasks.RemoveAll(t => t.IsCompleted);
                    if (!claimed || running.Count >= Options.Slots)
                    {
                        await Signal.WaitAsync(Options.IdlePoll, time, idle.Token).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
            }

            // Finishing: the tasks run to their ends (heartbeats keep their leases) unless the caller stops us.
            await Task.WhenAll(tasks).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(tasks.Append(heartbeat).Append(logs).Append(listening)).ConfigureAwait(false);
        }
    }

    /// <summary>Claims and runs ready tasks until none is ready; how many ran. For running a pipeline to its end in the calling process.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        // Heartbeats as in RunAsync: without them a task longer than the lease is taken back by the scheduler and run
        // again by another worker, and a cancelled run's task runs on here to its end.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatLoopAsync(stopping.Token);
        var logs = LogLoopAsync(stopping.Token);
        var count = 0;
        try
        {
            while (await store.ClaimAsync(info, time.GetUtcNow(), Options.Lease, cancellationToken).ConfigureAwait(false) is { } task)
            {
                await RunTaskAsync(task, cancellationToken).ConfigureAwait(false);
                count++;
            }
        }
        finally
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(heartbeat, logs).ConfigureAwait(false);
        }

        return count;
    }

    private async Task RunTaskAsync(ClaimedTask task, CancellationToken stopping)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var timeout = task.Timeout is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, timeout.Token);
        using var entry = new RunningTask(task, cancel);
        running[task.TaskId] = entry;
        void Write(string line)
        {
            entry.Lines.Enqueue((time.GetUtcNow(), line));
            Log?.Invoke(task, line);
        }

        TaskOutcome outcome;
        StepResult? result = null;
        try
        {
            await Task.Yield();
            result = await execute(task, Write, both.Token).ConfigureAwait(false);
            outcome = new TaskOutcome(task.TaskId, task.Attempt, info.Id, TaskOutcomeKind.Succeeded, result.Rows, result.Bytes);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            Write($"timed out after {task.Timeout}");
            outcome = new TaskOutcome(task.TaskId, task.Attempt, info.Id, TaskOutcomeKind.TimedOut, Error: $"timed out after {task.Timeout}");
        }
        catch (OperationCanceledException) when (entry.CancelRequested)
        {
            Write("cancelled");
            outcome = new TaskOutcome(task.TaskId, task.Attempt, info.Id, TaskOutcomeKind.Cancelled, Error: "cancelled");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The worker is stopping: the attempt is left to its lease, and another worker runs the task again.
            Write("the worker stopped; the task will run again on another worker");
            await entry.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await store.AppendLogAsync(task.RunId, task.AttemptId, Drain(entry.Lines), CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                running.TryRemove(task.TaskId, out _);
                entry.Gate.Release();
            }

            return;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var message = e is NagareException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            Write($"error: {message}");
            outcome = new TaskOutcome(task.TaskId, task.Attempt, info.Id, TaskOutcomeKind.Failed, Error: message);
        }

        await entry.Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // The last lines ride with the attempt's end: one transaction per task instead of two.
            var log = new TaskLog(task.RunId, task.AttemptId, Drain(entry.Lines));
            if (task.Expand && outcome.Kind == TaskOutcomeKind.Succeeded)
            {
                await store.ExpandAsync(task.TaskId, task.Attempt, info.Id, result?.Items ?? [], time.GetUtcNow(), CancellationToken.None, log).ConfigureAwait(false);
            }
            else
            {
                await store.CompleteAsync(outcome, time.GetUtcNow(), CancellationToken.None, log).ConfigureAwait(false);
            }
        }
        finally
        {
            running.TryRemove(task.TaskId, out _);
            entry.Gate.Release();
            Signal.Wake();
        }

        Finished?.Invoke(task, outcome);
    }

    /// <summary>Every <see cref="WorkerOptions.LogFlush"/>, writes the new lines of every running task: one loop per worker, not a timer per task.</summary>
    private async Task LogLoopAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await Task.Delay(Options.LogFlush, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var entry in running.Values)
            {
                if (entry.Lines.IsEmpty || !await entry.Gate.WaitAsync(0, CancellationToken.None).ConfigureAwait(false))
                {
                    continue; // nothing new, or the task is ending and takes its lines with it
                }

                try
                {
                    await store.AppendLogAsync(entry.Task.RunId, entry.Task.AttemptId, Drain(entry.Lines), CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or IOException)
                {
                    HeartbeatFailed?.Invoke(e);
                }
                finally
                {
                    entry.Gate.Release();
                }
            }
        }
    }

    private static List<(DateTimeOffset, string)> Drain(ConcurrentQueue<(DateTimeOffset, string)> lines)
    {
        var batch = new List<(DateTimeOffset, string)>();
        while (lines.TryDequeue(out var line))
        {
            batch.Add(line);
        }

        return batch;
    }

    private async Task HeartbeatLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var cancelled = await store.HeartbeatAsync(info, time.GetUtcNow(), Options.Lease, stopping).ConfigureAwait(false);
                foreach (var id in cancelled)
                {
                    if (running.TryGetValue(id, out var entry))
                    {
                        entry.CancelRequested = true;
                        await entry.Cancel.CancelAsync().ConfigureAwait(false);
                    }
                }

                await Task.Delay(Options.Heartbeat, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or IOException)
            {
                // The store is unreachable for a moment: keep trying; the leases last longer than a few missed beats.
                HeartbeatFailed?.Invoke(e);
                try
                {
                    await Task.Delay(Options.Heartbeat / 4, time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private sealed class RunningTask(ClaimedTask task, CancellationTokenSource cancel) : IDisposable
    {
        public ClaimedTask Task { get; } = task;

        public CancellationTokenSource Cancel { get; } = cancel;

        /// <summary>Log lines not yet in the store.</summary>
        public ConcurrentQueue<(DateTimeOffset, string)> Lines { get; } = new();

        /// <summary>Held while lines go to the store, so they arrive in order.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public void Dispose() => Gate.Dispose();

        private int cancelRequested;

        public bool CancelRequested
        {
            get => Volatile.Read(ref cancelRequested) != 0;
            set => Volatile.Write(ref cancelRequested, value ? 1 : 0);
        }
    }
}
