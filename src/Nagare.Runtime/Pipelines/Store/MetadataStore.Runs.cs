using System.Data.Common;
using System.Globalization;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>Creating runs, and the moves of steps and runs from one state to the next.</summary>
public abstract partial class MetadataStore
{
    /// <summary>The ordinal of a step's task that runs its fan-out query (the step's other tasks come from its answer).</summary>
    internal const int ExpandOrdinal = -1;

    private const string FinalStates = "('succeeded', 'failed', 'upstream_failed', 'cancelled')";

    /// <summary>
    /// Creates a run with its steps and tasks in one transaction. With an idempotency key already used, returns that
    /// run instead. The run starts at once, is queued, or is skipped, after the pipeline's active runs.
    /// </summary>
    public Task<CreatedRun> CreateRunAsync(NewRun run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return WriteAsync(async (c, tx) =>
        {
            await LockPipelineAsync(c, tx, run.Pipeline, cancellationToken).ConfigureAwait(false);
            if (run.IdempotencyKey is { } key)
            {
                var existing = await QueryAsync(c, tx, "SELECT id, state FROM runs WHERE idempotency_key = @k", r => new CreatedRun(Long(r, 0), r.GetString(1), true), cancellationToken, ("k", key)).ConfigureAwait(false);
                if (existing.Count > 0)
                {
                    return existing[0];
                }
            }

            var counts = await QueryAsync(c, tx, "SELECT state, COUNT(*) FROM runs WHERE pipeline = @p AND state IN ('queued', 'running') GROUP BY state", r => (State: r.GetString(0), Count: Long(r, 1)), cancellationToken, ("p", run.Pipeline)).ConfigureAwait(false);
            var running = counts.Where(x => x.State == RunStates.Running).Sum(x => x.Count);
            var queued = counts.Where(x => x.State == RunStates.Queued).Sum(x => x.Count);
            var state = running < run.MaxActiveRuns && queued == 0 ? RunStates.Running
                : run.WhenRunning == WhenRunning.Skip ? RunStates.Skipped : RunStates.Queued;
            var id = Convert.ToInt64(await ScalarAsync(c, tx, """
                INSERT INTO runs (pipeline, run_trigger, idempotency_key, logical_date, scheduled_at, params, state, max_active, created_at, finished_at, deadline_at, max_duration_ms)
                VALUES (@p, @t, @k, @d, @s, @params, @state, @max, @now, @finished, @deadline, @maxdur) RETURNING id
                """, cancellationToken,
                ("p", run.Pipeline), ("t", run.Trigger.ToString().ToLowerInvariant()), ("k", run.IdempotencyKey), ("d", run.LogicalDate), ("s", Ms(run.ScheduledAt)),
                ("params", run.ParamsJson), ("state", state == RunStates.Running ? RunStates.Queued : state), ("max", run.MaxActiveRuns), ("now", Ms(now)),
                ("finished", state == RunStates.Skipped ? Ms(now) : null), ("deadline", run.DeadlineAt is { } d ? Ms(d) : null), ("maxdur", run.MaxDuration is { } m ? (long)m.TotalMilliseconds : null)).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (state == RunStates.Skipped)
            {
                return new CreatedRun(id, state, false);
            }

            await InsertStepsAsync(c, tx, id, run.Steps, cancellationToken).ConfigureAwait(false);
            if (state == RunStates.Running)
            {
                await ActivateAsync(c, tx, id, now, cancellationToken).ConfigureAwait(false);
                await SignalReadyAsync(c, tx, cancellationToken).ConfigureAwait(false);
            }

            return new CreatedRun(id, state, false);
        }, cancellationToken);
    }

    private static async Task InsertStepsAsync(DbConnection c, DbTransaction tx, long runId, IReadOnlyList<NewStep> steps, CancellationToken cancellationToken)
    {
        await InsertRowsAsync(c, tx, "steps", ["run_id", "name", "ordinal", "state", "waiting_on", "upstream", "total", "parallelism", "query_fanout", "deadline_ms"],
            steps.Select((s, i) => new object?[] { runId, s.Name, i, RunStates.Waiting, s.After.Length, s.After.Length, s.QueryFanOut ? 1 : s.Items.Length, s.Parallelism, s.QueryFanOut, s.MaxDuration is { } m ? (long)m.TotalMilliseconds : null }),
            cancellationToken).ConfigureAwait(false);
        await InsertRowsAsync(c, tx, "step_edges", ["run_id", "upstream", "downstream"],
            steps.SelectMany(s => s.After.Distinct(StringComparer.Ordinal).Select(a => new object?[] { runId, a, s.Name })), cancellationToken).ConfigureAwait(false);
        await InsertRowsAsync(c, tx, "tasks", ["run_id", "step", "item", "ordinal", "state", "max_attempts", "backoff_ms", "max_backoff_ms", "timeout_ms", "pool", "needs_warehouse"],
            steps.SelectMany(s => (s.QueryFanOut ? [null] : s.Items.AsEnumerable()).Select((item, i) => new object?[]
            {
                runId, s.Name, item, s.QueryFanOut ? ExpandOrdinal : i, RunStates.Waiting, Math.Max(1, s.MaxAttempts), (long)s.Backoff.TotalMilliseconds, (long)s.MaxBackoff.TotalMilliseconds,
                s.Timeout is { } t ? (long)t.TotalMilliseconds : null, s.Pool, s.NeedsWarehouse,
            })), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts rows many at a time (one statement per few hundred rows rather than one per row).</summary>
    private static async Task InsertRowsAsync(DbConnection c, DbTransaction tx, string table, string[] columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        if (c is Microsoft.Data.Sqlite.SqliteConnection)
        {
            // SQLite: one prepared single-row statement run per row. A statement of many rows binds each of its
            // thousands of parameters by a name search through all of them, which cost more than the inserts.
            await using var statement = Command(c, tx, $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, k) => "@v" + k.ToString(CultureInfo.InvariantCulture)))})",
                [.. columns.Select((_, k) => ("v" + k.ToString(CultureInfo.InvariantCulture), (object?)null))]);
            foreach (var row in rows)
            {
                for (var k = 0; k < columns.Length; k++)
                {
                    statement.Command.Parameters[k].Value = row[k] switch
                    {
                        null => DBNull.Value,
                        bool b => b ? 1 : 0,
                        var value => value,
                    };
                }

                await statement.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        const int PerStatement = 200;
        var batch = new List<object?[]>(PerStatement);
        foreach (var row in rows)
        {
            batch.Add(row);
            if (batch.Count == PerStatement)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        await FlushAsync().ConfigureAwait(false);

        async Task FlushAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            var sql = new System.Text.StringBuilder().Append(CultureInfo.InvariantCulture, $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            var parameters = new List<(string, object?)>(batch.Count * columns.Length);
            for (var r = 0; r < batch.Count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var k = 0; k < columns.Length; k++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"p{r}_{k}");
                    sql.Append(k == 0 ? "@" : ", @").Append(name);
                    parameters.Add((name, batch[r][k]));
                }

                sql.Append(')');
            }

            await ExecuteAsync(c, tx, sql.ToString(), cancellationToken, [.. parameters]).ConfigureAwait(false);
            batch.Clear();
        }
    }

    /// <summary>Starts a created or queued run: its steps that wait for nothing become ready.</summary>
    private static async Task ActivateAsync(DbConnection c, DbTransaction tx, long runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(c, tx, "UPDATE runs SET state = 'running', started_at = COALESCE(started_at, @now) WHERE id = @r", cancellationToken, ("r", runId), ("now", Ms(now))).ConfigureAwait(false);
        await ExecuteAsync(c, tx, "UPDATE tasks SET state = 'ready', ready_at = @now, not_before = @now WHERE run_id = @r AND state = 'waiting' AND step IN (SELECT name FROM steps WHERE run_id = @r AND waiting_on = 0 AND state = 'waiting')", cancellationToken, ("r", runId), ("now", Ms(now))).ConfigureAwait(false);
        await ExecuteAsync(c, tx, "UPDATE steps SET state = 'ready', ready_at = @now WHERE run_id = @r AND waiting_on = 0 AND state = 'waiting'", cancellationToken, ("r", runId), ("now", Ms(now))).ConfigureAwait(false);
        // Steps with nothing left to run: fan-outs of no items, and (on a re-run) steps whose tasks all succeeded, such as
        // one cancelled while its last task was running and then succeeded.
        var done = await QueryAsync(c, tx, "SELECT name FROM steps WHERE run_id = @r AND state = 'ready' AND done >= total", r => r.GetString(0), cancellationToken, ("r", runId)).ConfigureAwait(false);
        await SucceedStepsAsync(c, tx, runId, done, now, cancellationToken).ConfigureAwait(false);
        await FinishRunIfDoneAsync(c, tx, runId, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks steps succeeded and makes ready the steps that waited only for them (and so on, for steps of no tasks).</summary>
    private static async Task SucceedStepsAsync(DbConnection c, DbTransaction tx, long runId, IEnumerable<string> steps, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var queue = new Queue<string>(steps);
        while (queue.TryDequeue(out var step))
        {
            await ExecuteAsync(c, tx, "UPDATE steps SET state = 'succeeded', finished_at = @now WHERE run_id = @r AND name = @s", cancellationToken, ("r", runId), ("s", step), ("now", Ms(now))).ConfigureAwait(false);
            var downstream = await QueryAsync(c, tx, "SELECT downstream FROM step_edges WHERE run_id = @r AND upstream = @s", r => r.GetString(0), cancellationToken, ("r", runId), ("s", step)).ConfigureAwait(false);
            foreach (var next in downstream)
            {
                var left = await QueryAsync(c, tx, "UPDATE steps SET waiting_on = waiting_on - 1 WHERE run_id = @r AND name = @s AND state = 'waiting' RETURNING waiting_on, total, done", r => (Waiting: Long(r, 0), Total: Long(r, 1), Done: Long(r, 2)), cancellationToken, ("r", runId), ("s", next)).ConfigureAwait(false);
                if (left.Count == 1 && left[0].Waiting == 0)
                {
                    await ExecuteAsync(c, tx, "UPDATE steps SET state = 'ready', ready_at = @now WHERE run_id = @r AND name = @s", cancellationToken, ("r", runId), ("s", next), ("now", Ms(now))).ConfigureAwait(false);
                    if (left[0].Done >= left[0].Total)
                    {
                        queue.Enqueue(next);
                    }
                    else
                    {
                        await ExecuteAsync(c, tx, "UPDATE tasks SET state = 'ready', ready_at = @now, not_before = @now WHERE run_id = @r AND step = @s AND state = 'waiting'", cancellationToken, ("r", runId), ("s", next), ("now", Ms(now))).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>Marks a step failed and every step after it (transitively) as not run.</summary>
    private static async Task FailStepAsync(DbConnection c, DbTransaction tx, long runId, string step, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(c, tx, "UPDATE steps SET state = 'failed', finished_at = @now WHERE run_id = @r AND name = @s", cancellationToken, ("r", runId), ("s", step), ("now", Ms(now))).ConfigureAwait(false);
        const string Descendants = """
            WITH RECURSIVE below(name) AS (
                SELECT downstream FROM step_edges WHERE run_id = @r AND upstream = @s
                UNION SELECT e.downstream FROM step_edges e JOIN below b ON e.upstream = b.name WHERE e.run_id = @r)
            """;
        await ExecuteAsync(c, tx, Descendants + " UPDATE tasks SET state = 'upstream_failed', finished_at = @now WHERE run_id = @r AND state = 'waiting' AND step IN (SELECT name FROM below)", cancellationToken, ("r", runId), ("s", step), ("now", Ms(now))).ConfigureAwait(false);
        await ExecuteAsync(c, tx, Descendants + " UPDATE steps SET state = 'upstream_failed', finished_at = @now WHERE run_id = @r AND state = 'waiting' AND name IN (SELECT name FROM below)", cancellationToken, ("r", runId), ("s", step), ("now", Ms(now))).ConfigureAwait(false);
    }

    /// <summary>Finishes the run when none of its steps can change any more, then starts the pipeline's next queued run.</summary>
    private static async Task FinishRunIfDoneAsync(DbConnection c, DbTransaction tx, long runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Takes the run's row lock before counting: two workers ending the run's last two steps at once would otherwise
        // each count the other's step as open (neither commit seen) under PostgreSQL, and the run would never finish.
        // Whoever waits for the lock counts after the other's commit.
        await ExecuteAsync(c, tx, "UPDATE runs SET state = state WHERE id = @r", cancellationToken, ("r", runId)).ConfigureAwait(false);
        // One row of the partial index of open steps answers this: counting every step of a 10,000-step run after each
        // of its tasks made the run's cost grow with the square of its size.
        if (await ScalarAsync(c, tx, "SELECT 1 FROM steps WHERE run_id = @r AND state IN ('waiting', 'ready', 'running') LIMIT 1", cancellationToken, ("r", runId)).ConfigureAwait(false) is not null)
        {
            return;
        }

        var failure = await QueryAsync(c, tx, "SELECT step, error FROM tasks WHERE run_id = @r AND state = 'failed' ORDER BY finished_at, id LIMIT 1", r => $"step '{r.GetString(0)}': {NullableString(r, 1) ?? "failed"}", cancellationToken, ("r", runId)).ConfigureAwait(false);
        var state = failure.Count > 0 ? RunStates.Failed : RunStates.Succeeded;
        var finished = await QueryAsync(c, tx, "UPDATE runs SET state = @state, finished_at = @now, error = @e WHERE id = @r AND state = 'running' RETURNING pipeline", r => r.GetString(0), cancellationToken,
            ("r", runId), ("state", state), ("now", Ms(now)), ("e", failure.Count > 0 ? failure[0] : null)).ConfigureAwait(false);
        if (finished.Count == 1)
        {
            await StartQueuedRunAsync(c, tx, finished[0], now, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task StartQueuedRunAsync(DbConnection c, DbTransaction tx, string pipeline, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await LockPipelineAsync(c, tx, pipeline, cancellationToken).ConfigureAwait(false);
        var next = await QueryAsync(c, tx, "SELECT id, max_active FROM runs WHERE pipeline = @p AND state = 'queued' ORDER BY id LIMIT 1", r => (Id: Long(r, 0), Max: Long(r, 1)), cancellationToken, ("p", pipeline)).ConfigureAwait(false);
        if (next.Count == 0)
        {
            return;
        }

        var running = Convert.ToInt64(await ScalarAsync(c, tx, "SELECT COUNT(*) FROM runs WHERE pipeline = @p AND state = 'running'", cancellationToken, ("p", pipeline)).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (running < next[0].Max)
        {
            await ActivateAsync(c, tx, next[0].Id, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Serializes the decisions that count a pipeline's active runs (start, queue or skip a new run; start the next
    /// queued one) until the transaction ends. Under PostgreSQL two such transactions at once each missed the other's
    /// uncommitted run and both started one, past max_active_runs. The lock is an upsert of a row of the pipeline's own
    /// in <c>leases</c> (expired since the epoch, so nobody holds it as a lease), the same SQL in both dialects.
    /// </summary>
    private static Task LockPipelineAsync(DbConnection c, DbTransaction tx, string pipeline, CancellationToken cancellationToken) =>
        ExecuteAsync(c, tx, "INSERT INTO leases (name, holder, expires_at) VALUES (@n, '', 0) ON CONFLICT (name) DO UPDATE SET expires_at = leases.expires_at", cancellationToken, ("n", "pipeline-runs:" + pipeline));
}
