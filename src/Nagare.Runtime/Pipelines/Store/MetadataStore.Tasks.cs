using System.Data.Common;
using System.Globalization;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>Tasks: claims with leases, heartbeats, reports of attempts, expired leases, cancel and re-run.</summary>
public abstract partial class MetadataStore
{
    /// <summary>A task whose worker stopped answering this many times fails instead of going to yet another worker.</summary>
    public const int MaxLostAttempts = 3;

    /// <summary>
    /// Claims the oldest ready task this worker may run (its pool and its step's parallelism have room, and it needs the
    /// warehouse only if the worker has it), starting an attempt leased to the worker until <paramref name="now"/> +
    /// <paramref name="lease"/>. Null when there is none.
    /// </summary>
    public async Task<ClaimedTask?> ClaimAsync(WorkerInfo worker, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        try
        {
            return await WriteAsync(async (c, tx) =>
            {
                var candidates = await QueryAsync(c, tx, $"""
                    SELECT t.id, t.run_id, t.step, t.item, t.ordinal, t.attempts, t.pool, t.timeout_ms, r.pipeline, r.params, r.logical_date, r.scheduled_at
                    FROM tasks t
                    JOIN steps s ON s.run_id = t.run_id AND s.name = t.step
                    JOIN runs r ON r.id = t.run_id
                    LEFT JOIN pools p ON p.name = t.pool
                    WHERE t.state = 'ready' AND t.not_before <= @now AND (@wh = 1 OR t.needs_warehouse = 0)
                      AND (s.parallelism IS NULL OR s.running < s.parallelism)
                      AND (t.pool IS NULL OR p.in_use < p.slots)
                    ORDER BY t.id LIMIT 1{Dialect.SkipLocked}
                    """,
                    r => new
                    {
                        Id = Long(r, 0), Run = Long(r, 1), Step = r.GetString(2), Item = NullableString(r, 3), Ordinal = Int(r, 4), Attempts = Int(r, 5),
                        Pool = NullableString(r, 6), Timeout = NullableLong(r, 7), Pipeline = r.GetString(8), Params = r.GetString(9), Date = r.GetString(10), Scheduled = Long(r, 11),
                    },
                    cancellationToken, ("now", Ms(now)), ("wh", worker.Warehouse ? 1 : 0)).ConfigureAwait(false);
                if (candidates.Count == 0)
                {
                    return null;
                }

                var t = candidates[0];
                // Conditional updates: under PostgreSQL's row locks a concurrent claim of the same pool or step waits here
                // and then sees the new count, so limits hold whatever the number of workers.
                if (await ExecuteAsync(c, tx, "UPDATE steps SET running = running + 1, state = 'running', started_at = COALESCE(started_at, @now) WHERE run_id = @r AND name = @s AND (parallelism IS NULL OR running < parallelism)", cancellationToken, ("r", t.Run), ("s", t.Step), ("now", Ms(now))).ConfigureAwait(false) == 0
                    || (t.Pool is not null && await ExecuteAsync(c, tx, "UPDATE pools SET in_use = in_use + 1 WHERE name = @p AND in_use < slots", cancellationToken, ("p", t.Pool)).ConfigureAwait(false) == 0))
                {
                    throw new ClaimContentionException();
                }

                var attempt = t.Attempts + 1;
                await ExecuteAsync(c, tx, "UPDATE tasks SET state = 'running', attempts = @a, lease_owner = @w, lease_expires = @exp, started_at = COALESCE(started_at, @now) WHERE id = @id", cancellationToken,
                    ("id", t.Id), ("a", attempt), ("w", worker.Id), ("exp", Ms(now + lease)), ("now", Ms(now))).ConfigureAwait(false);
                var attemptId = Convert.ToInt64(await ScalarAsync(c, tx, "INSERT INTO attempts (task_id, run_id, number, worker, state, started_at) VALUES (@t, @r, @n, @w, 'running', @now) RETURNING id", cancellationToken,
                    ("t", t.Id), ("r", t.Run), ("n", attempt), ("w", worker.Id), ("now", Ms(now))).ConfigureAwait(false), CultureInfo.InvariantCulture);
                return new ClaimedTask(t.Id, t.Run, attemptId, attempt, t.Pipeline, t.Step, t.Item, t.Ordinal == ExpandOrdinal, t.Params, t.Date, Time(t.Scheduled), t.Timeout is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ClaimContentionException)
        {
            return null;
        }
    }

    /// <summary>
    /// Extends the leases of the worker's running tasks and records that it is alive; returns the ids of its tasks whose
    /// runs were cancelled, which it should stop.
    /// </summary>
    public Task<IReadOnlyList<long>> HeartbeatAsync(WorkerInfo worker, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return WriteAsync<IReadOnlyList<long>>(async (c, tx) =>
        {
            await ExecuteAsync(c, tx, """
                INSERT INTO workers (id, host, pid, warehouse, started_at, heartbeat_at) VALUES (@w, @host, @pid, @wh, @now, @now)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at
                """, cancellationToken, ("w", worker.Id), ("host", Environment.MachineName), ("pid", Environment.ProcessId), ("wh", worker.Warehouse), ("now", Ms(now))).ConfigureAwait(false);
            await ExecuteAsync(c, tx, "UPDATE tasks SET lease_expires = @exp WHERE lease_owner = @w AND state = 'running'", cancellationToken, ("w", worker.Id), ("exp", Ms(now + lease))).ConfigureAwait(false);
            return await QueryAsync(c, tx, "SELECT id FROM tasks WHERE lease_owner = @w AND state = 'running' AND cancel_requested = 1", r => Long(r, 0), cancellationToken, ("w", worker.Id)).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>
    /// Records how an attempt ended and moves its step and run on: a success may make later steps ready and finish the
    /// run; a failure is retried after a back-off while attempts remain, else fails its step and what comes after it.
    /// False (and nothing changed) when the attempt is no longer the worker's: its lease expired and it was given to another.
    /// </summary>
    public Task<bool> CompleteAsync(TaskOutcome outcome, DateTimeOffset now, CancellationToken cancellationToken, TaskLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return WriteAsync(async (c, tx) =>
        {
            await AppendLogAsync(c, tx, log, cancellationToken).ConfigureAwait(false);
            var task = await ReleaseAsync(c, tx, outcome.TaskId, outcome.Worker, outcome.Attempt, cancellationToken).ConfigureAwait(false);
            if (task is null)
            {
                return false;
            }

            var attemptState = outcome.Kind switch
            {
                TaskOutcomeKind.Succeeded => RunStates.Succeeded,
                TaskOutcomeKind.TimedOut => "timed_out",
                TaskOutcomeKind.Cancelled => RunStates.Cancelled,
                _ => RunStates.Failed,
            };
            await ExecuteAsync(c, tx, "UPDATE attempts SET state = @s, finished_at = @now, rows_written = @rows, bytes_written = @bytes, error = @e WHERE task_id = @t AND number = @n", cancellationToken,
                ("s", attemptState), ("now", Ms(now)), ("rows", outcome.Rows), ("bytes", outcome.Bytes), ("e", outcome.Error), ("t", outcome.TaskId), ("n", outcome.Attempt)).ConfigureAwait(false);
            await SettleAsync(c, tx, task, outcome.Kind, outcome.Error, outcome.Rows, outcome.Bytes, now, cancellationToken).ConfigureAwait(false);
            await SignalReadyAsync(c, tx, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Ends a fan-out query's attempt with the items it found: the step gets one ready task per item (and succeeds at
    /// once when there are none). False when the attempt is no longer the worker's.
    /// </summary>
    public Task<bool> ExpandAsync(long taskId, int attempt, string worker, IReadOnlyList<string> items, DateTimeOffset now, CancellationToken cancellationToken, TaskLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        return WriteAsync(async (c, tx) =>
        {
            await AppendLogAsync(c, tx, log, cancellationToken).ConfigureAwait(false);
            var task = await ReleaseAsync(c, tx, taskId, worker, attempt, cancellationToken).ConfigureAwait(false);
            if (task is null)
            {
                return false;
            }

            await ExecuteAsync(c, tx, "UPDATE attempts SET state = 'succeeded', finished_at = @now, rows_written = @n WHERE task_id = @t AND number = @a", cancellationToken, ("now", Ms(now)), ("n", items.Count), ("t", taskId), ("a", attempt)).ConfigureAwait(false);
            await ExecuteAsync(c, tx, "UPDATE tasks SET state = 'succeeded', finished_at = @now, rows_written = @n WHERE id = @t", cancellationToken, ("now", Ms(now)), ("n", items.Count), ("t", taskId)).ConfigureAwait(false);
            var running = await RunStateAsync(c, tx, task.Run, cancellationToken).ConfigureAwait(false) == RunStates.Running;
            if (!running)
            {
                return true;
            }

            for (var i = 0; i < items.Count; i++)
            {
                await ExecuteAsync(c, tx, """
                    INSERT INTO tasks (run_id, step, item, ordinal, state, ready_at, not_before, max_attempts, backoff_ms, max_backoff_ms, timeout_ms, pool, needs_warehouse)
                    SELECT run_id, step, @item, @ordinal, 'ready', @now, @now, max_attempts, backoff_ms, max_backoff_ms, timeout_ms, pool, needs_warehouse FROM tasks WHERE id = @t
                    """, cancellationToken, ("item", items[i]), ("ordinal", i), ("now", Ms(now)), ("t", taskId)).ConfigureAwait(false);
            }

            await ExecuteAsync(c, tx, "UPDATE steps SET total = @n, done = 0 WHERE run_id = @r AND name = @s", cancellationToken, ("n", items.Count), ("r", task.Run), ("s", task.Step)).ConfigureAwait(false);
            await SignalReadyAsync(c, tx, cancellationToken).ConfigureAwait(false);
            if (items.Count == 0)
            {
                await SucceedStepsAsync(c, tx, task.Run, [task.Step], now, cancellationToken).ConfigureAwait(false);
                await FinishRunIfDoneAsync(c, tx, task.Run, now, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Takes back the tasks whose leases expired (their workers died or lost the store): each attempt is recorded as
    /// lost and the task is made ready for another worker (it fails after <see cref="MaxLostAttempts"/> lost attempts).
    /// Returns how many were taken back.
    /// </summary>
    public Task<int> ReapExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var expired = await QueryAsync(c, tx, "SELECT id, lease_owner, attempts FROM tasks WHERE state = 'running' AND lease_expires < @now", r => (Id: Long(r, 0), Owner: NullableString(r, 1) ?? string.Empty, Attempt: Int(r, 2)), cancellationToken, ("now", Ms(now))).ConfigureAwait(false);
            foreach (var (id, owner, attempt) in expired)
            {
                var task = await ReleaseAsync(c, tx, id, owner, attempt, cancellationToken).ConfigureAwait(false);
                if (task is null)
                {
                    continue;
                }

                const string Lost = "the worker stopped renewing its lease (it died or lost the store); the task goes to another worker";
                await ExecuteAsync(c, tx, "UPDATE attempts SET state = 'lost', finished_at = @now, error = @e WHERE task_id = @t AND number = @n", cancellationToken, ("now", Ms(now)), ("e", Lost), ("t", id), ("n", attempt)).ConfigureAwait(false);
                if (task.Lost + 1 > MaxLostAttempts)
                {
                    await SettleAsync(c, tx, task with { Failures = task.MaxAttempts }, TaskOutcomeKind.Failed, $"lost its worker {task.Lost + 1} times", null, null, now, cancellationToken).ConfigureAwait(false);
                }
                else if (task.CancelRequested || await RunStateAsync(c, tx, task.Run, cancellationToken).ConfigureAwait(false) != RunStates.Running)
                {
                    await SettleAsync(c, tx, task, TaskOutcomeKind.Cancelled, null, null, null, now, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await ExecuteAsync(c, tx, "UPDATE tasks SET state = 'ready', lost = lost + 1, not_before = @now WHERE id = @t", cancellationToken, ("now", Ms(now)), ("t", id)).ConfigureAwait(false);
                }
            }

            if (expired.Count > 0)
            {
                await SignalReadyAsync(c, tx, cancellationToken).ConfigureAwait(false);
            }

            return expired.Count;
        }, cancellationToken);

    /// <summary>
    /// Cancels a queued or running run: tasks not started are cancelled, running ones are asked to stop (their workers
    /// learn it at their next heartbeat). False when the run is already finished or unknown.
    /// </summary>
    public Task<bool> CancelRunAsync(long runId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var pipeline = await QueryAsync(c, tx, "UPDATE runs SET state = 'cancelled', finished_at = @now, error = 'cancelled' WHERE id = @r AND state IN ('queued', 'running') RETURNING pipeline", r => r.GetString(0), cancellationToken, ("r", runId), ("now", Ms(now))).ConfigureAwait(false);
            if (pipeline.Count == 0)
            {
                return false;
            }

            await ExecuteAsync(c, tx, "UPDATE tasks SET state = 'cancelled', finished_at = @now WHERE run_id = @r AND state IN ('waiting', 'ready')", cancellationToken, ("r", runId), ("now", Ms(now))).ConfigureAwait(false);
            await ExecuteAsync(c, tx, "UPDATE tasks SET cancel_requested = 1 WHERE run_id = @r AND state = 'running'", cancellationToken, ("r", runId)).ConfigureAwait(false);
            await ExecuteAsync(c, tx, $"UPDATE steps SET state = 'cancelled', finished_at = @now WHERE run_id = @r AND state NOT IN {FinalStates}", cancellationToken, ("r", runId), ("now", Ms(now))).ConfigureAwait(false);
            await StartQueuedRunAsync(c, tx, pipeline[0], now, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs a failed or cancelled run again from where it failed: succeeded steps and tasks are kept; failed, cancelled
    /// and not-run ones start again (with new attempt numbers). False when the run is not failed or cancelled.
    /// </summary>
    public Task<bool> RerunAsync(long runId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) =>
        {
            var run = await QueryAsync(c, tx, "UPDATE runs SET state = 'queued', finished_at = NULL, error = NULL, slo = NULL, followed = 0, generation = generation + 1 WHERE id = @r AND state IN ('failed', 'cancelled') RETURNING pipeline, max_active", r => (Pipeline: r.GetString(0), Max: Long(r, 1)), cancellationToken, ("r", runId)).ConfigureAwait(false);
            if (run.Count == 0)
            {
                return false;
            }

            // A fan-out query runs again, so its items are found again: their old tasks go, with their attempts and logs.
            const string OldItems = "SELECT id FROM tasks WHERE run_id = @r AND ordinal >= 0 AND step IN (SELECT name FROM steps WHERE run_id = @r AND query_fanout = 1 AND state <> 'succeeded')";
            await ExecuteAsync(c, tx, $"DELETE FROM task_logs WHERE run_id = @r AND attempt_id IN (SELECT id FROM attempts WHERE task_id IN ({OldItems}))", cancellationToken, ("r", runId)).ConfigureAwait(false);
            await ExecuteAsync(c, tx, $"DELETE FROM attempts WHERE run_id = @r AND task_id IN ({OldItems})", cancellationToken, ("r", runId)).ConfigureAwait(false);
            await ExecuteAsync(c, tx, $"DELETE FROM tasks WHERE id IN ({OldItems})", cancellationToken, ("r", runId)).ConfigureAwait(false);
            await ExecuteAsync(c, tx, """
                UPDATE tasks SET state = 'waiting', failures = 0, lost = 0, cancel_requested = 0, error = NULL, ready_at = NULL, started_at = NULL, finished_at = NULL, not_before = 0, lease_owner = NULL, lease_expires = NULL
                WHERE run_id = @r AND (state IN ('failed', 'upstream_failed', 'cancelled') OR step IN (SELECT name FROM steps WHERE run_id = @r AND query_fanout = 1 AND state <> 'succeeded'))
                """, cancellationToken, ("r", runId)).ConfigureAwait(false);
            await ExecuteAsync(c, tx, """
                UPDATE steps SET state = 'waiting', failed = 0, running = 0, finished_at = NULL, ready_at = NULL,
                    total = CASE WHEN query_fanout = 1 THEN 1 ELSE total END,
                    done = (SELECT COUNT(*) FROM tasks t WHERE t.run_id = steps.run_id AND t.step = steps.name AND t.state = 'succeeded' AND t.ordinal >= 0),
                    waiting_on = (SELECT COUNT(*) FROM step_edges e JOIN steps u ON u.run_id = e.run_id AND u.name = e.upstream WHERE e.run_id = steps.run_id AND e.downstream = steps.name AND u.state <> 'succeeded')
                WHERE run_id = @r AND state <> 'succeeded'
                """, cancellationToken, ("r", runId)).ConfigureAwait(false);
            await LockPipelineAsync(c, tx, run[0].Pipeline, cancellationToken).ConfigureAwait(false);
            var running = Convert.ToInt64(await ScalarAsync(c, tx, "SELECT COUNT(*) FROM runs WHERE pipeline = @p AND state = 'running'", cancellationToken, ("p", run[0].Pipeline)).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (running < run[0].Max)
            {
                await ActivateAsync(c, tx, runId, now, cancellationToken).ConfigureAwait(false);
                await SignalReadyAsync(c, tx, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <summary>Ends the lease of a running attempt (if it is still the worker's) and gives back its pool slot and step place.</summary>
    private static async Task<LeasedTask?> ReleaseAsync(DbConnection c, DbTransaction tx, long taskId, string worker, int attempt, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(c, tx, """
            UPDATE tasks SET lease_owner = NULL, lease_expires = NULL
            WHERE id = @t AND state = 'running' AND lease_owner = @w AND attempts = @a
            RETURNING run_id, step, pool, failures, max_attempts, backoff_ms, max_backoff_ms, lost, cancel_requested
            """,
            r => new LeasedTask(taskId, Long(r, 0), r.GetString(1), NullableString(r, 2), Int(r, 3), Int(r, 4), Long(r, 5), Long(r, 6), Int(r, 7), Long(r, 8) != 0),
            cancellationToken, ("t", taskId), ("w", worker), ("a", attempt)).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return null;
        }

        var task = rows[0];
        // The step's row before the pool's, in the order a claim takes them: in the other order a report and a claim of
        // the same step and pool each hold the row the other waits for (a deadlock under PostgreSQL's row locks).
        await ExecuteAsync(c, tx, "UPDATE steps SET running = running - 1 WHERE run_id = @r AND name = @s AND running > 0", cancellationToken, ("r", task.Run), ("s", task.Step)).ConfigureAwait(false);
        if (task.Pool is not null)
        {
            await ExecuteAsync(c, tx, "UPDATE pools SET in_use = in_use - 1 WHERE name = @p AND in_use > 0", cancellationToken, ("p", task.Pool)).ConfigureAwait(false);
        }

        return task;
    }

    /// <summary>Gives a released task its end state and moves its step and run on.</summary>
    private static async Task SettleAsync(DbConnection c, DbTransaction tx, LeasedTask task, TaskOutcomeKind kind, string? error, long? rows, long? bytes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var runState = await RunStateAsync(c, tx, task.Run, cancellationToken).ConfigureAwait(false);
        if (runState != RunStates.Running || kind == TaskOutcomeKind.Cancelled)
        {
            // The run was cancelled (or finished) meanwhile: record the task's end, move nothing on.
            var state = kind == TaskOutcomeKind.Succeeded ? RunStates.Succeeded : kind == TaskOutcomeKind.Cancelled || runState == RunStates.Cancelled ? RunStates.Cancelled : RunStates.Failed;
            await ExecuteAsync(c, tx, "UPDATE tasks SET state = @s, finished_at = @now, rows_written = @rows, bytes_written = @bytes, error = @e WHERE id = @t", cancellationToken,
                ("s", state), ("now", Ms(now)), ("rows", rows), ("bytes", bytes), ("e", error), ("t", task.Id)).ConfigureAwait(false);
            return;
        }

        if (kind == TaskOutcomeKind.Succeeded)
        {
            await ExecuteAsync(c, tx, "UPDATE tasks SET state = 'succeeded', finished_at = @now, rows_written = @rows, bytes_written = @bytes, error = NULL WHERE id = @t", cancellationToken,
                ("now", Ms(now)), ("rows", rows), ("bytes", bytes), ("t", task.Id)).ConfigureAwait(false);
            await StepTaskEndedAsync(c, tx, task, "done", now, cancellationToken).ConfigureAwait(false);
            return;
        }

        var failures = task.Failures + 1;
        if (failures < task.MaxAttempts)
        {
            // Exponential back-off with jitter: the n-th retry waits a random time in [d/2, d], d = backoff × 2^(n-1),
            // capped, so many tasks failing together (a source restarting) do not come back together.
            var full = Math.Min(task.MaxBackoffMs, task.BackoffMs * (1L << Math.Min(failures - 1, 30)));
            var delay = (full / 2) + (long)(Random.Shared.NextDouble() * (full - (full / 2)));
            await ExecuteAsync(c, tx, "UPDATE tasks SET state = 'ready', failures = @f, not_before = @nb, error = @e WHERE id = @t", cancellationToken,
                ("f", failures), ("nb", Ms(now) + delay), ("e", error), ("t", task.Id)).ConfigureAwait(false);
            return;
        }

        await ExecuteAsync(c, tx, "UPDATE tasks SET state = 'failed', failures = @f, finished_at = @now, error = @e WHERE id = @t", cancellationToken,
            ("f", failures), ("now", Ms(now)), ("e", error), ("t", task.Id)).ConfigureAwait(false);
        await StepTaskEndedAsync(c, tx, task, "failed", now, cancellationToken).ConfigureAwait(false);
    }

    private static async Task StepTaskEndedAsync(DbConnection c, DbTransaction tx, LeasedTask task, string counter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var step = await QueryAsync(c, tx, $"UPDATE steps SET {counter} = {counter} + 1 WHERE run_id = @r AND name = @s RETURNING done, failed, total", r => (Done: Long(r, 0), Failed: Long(r, 1), Total: Long(r, 2)), cancellationToken, ("r", task.Run), ("s", task.Step)).ConfigureAwait(false);
        if (step.Count == 0 || step[0].Done + step[0].Failed < step[0].Total)
        {
            return;
        }

        if (step[0].Failed > 0)
        {
            await FailStepAsync(c, tx, task.Run, task.Step, now, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SucceedStepsAsync(c, tx, task.Run, [task.Step], now, cancellationToken).ConfigureAwait(false);
        }

        await FinishRunIfDoneAsync(c, tx, task.Run, now, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string?> RunStateAsync(DbConnection c, DbTransaction tx, long runId, CancellationToken cancellationToken) =>
        (string?)await ScalarAsync(c, tx, "SELECT state FROM runs WHERE id = @r", cancellationToken, ("r", runId)).ConfigureAwait(false);

    private sealed record LeasedTask(long Id, long Run, string Step, string? Pool, int Failures, int MaxAttempts, long BackoffMs, long MaxBackoffMs, int Lost, bool CancelRequested);

    private sealed class ClaimContentionException : Exception
    {
    }
}
