using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;

namespace Nagare.Runtime.Pipelines.Store;

/// <summary>Reading runs and logs; the scheduler's leases, ticks, pools, deadlines and notices.</summary>
public abstract partial class MetadataStore
{
    private const string RunColumns = "id, pipeline, run_trigger, logical_date, scheduled_at, state, params, created_at, started_at, finished_at, deadline_at, eta, slo, error";

    /// <summary>Runs, newest first.</summary>
    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(RunFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // The casts give an absent filter (a null sent without a type) a type: PostgreSQL cannot infer one from IS NULL.
        return ReadAsync<IReadOnlyList<RunRecord>>(async c => await QueryAsync(c, null, $"""
            SELECT {RunColumns} FROM runs
            WHERE (CAST(@p AS TEXT) IS NULL OR pipeline = @p) AND (CAST(@s AS TEXT) IS NULL OR state = @s) AND (CAST(@before AS BIGINT) IS NULL OR id < @before)
            ORDER BY id DESC LIMIT @limit
            """, ReadRun, cancellationToken, ("p", filter.Pipeline), ("s", filter.State), ("before", filter.BeforeId), ("limit", Math.Clamp(filter.Limit, 1, 10_000))).ConfigureAwait(false), cancellationToken);
    }

    /// <summary>The newest run of every pipeline that has one, by pipeline: one query however many pipelines there are.</summary>
    public Task<IReadOnlyDictionary<string, RunRecord>> LatestRunsAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<string, RunRecord>>(async c => (await QueryAsync(c, null, $"""
            SELECT {RunColumns} FROM runs WHERE id IN (SELECT MAX(id) FROM runs GROUP BY pipeline)
            """, ReadRun, cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Pipeline, StringComparer.Ordinal), cancellationToken);

    /// <summary>
    /// What ran on each day (UTC) from <paramref name="from"/> to <paramref name="to"/>, oldest first, days without runs
    /// included: runs by the day they were created, rows and bytes by the day their task finished. The task that runs a
    /// fan-out's query is left out: it counts items, not rows.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    public Task<IReadOnlyList<DailyRunStats>> DailyStatsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The last day {to:yyyy-MM-dd} is before the first {from:yyyy-MM-dd}."), nameof(to));
        }

        var start = Ms(new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var end = Ms(new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        // Times are milliseconds since the epoch, so the day is an integer division in both dialects.
        return ReadAsync<IReadOnlyList<DailyRunStats>>(async c =>
        {
            var runs = (await QueryAsync(c, null, """
                SELECT created_at / 86400000, COUNT(*), SUM(CASE WHEN state = 'succeeded' THEN 1 ELSE 0 END), SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END)
                FROM runs WHERE created_at >= @from AND created_at < @to GROUP BY created_at / 86400000
                """, r => (Day: Long(r, 0), Runs: Int(r, 1), Succeeded: Int(r, 2), Failed: Int(r, 3)), cancellationToken, ("from", start), ("to", end)).ConfigureAwait(false))
                .ToDictionary(d => d.Day);
            var written = (await QueryAsync(c, null, """
                SELECT t.finished_at / 86400000, SUM(COALESCE(t.rows_written, 0)), SUM(COALESCE(t.bytes_written, 0)) FROM tasks t
                WHERE t.finished_at >= @from AND t.finished_at < @to
                  AND NOT (t.item IS NULL AND EXISTS (SELECT 1 FROM steps s WHERE s.run_id = t.run_id AND s.name = t.step AND s.query_fanout = 1))
                GROUP BY t.finished_at / 86400000
                """, r => (Day: Long(r, 0), Rows: Long(r, 1), Bytes: Long(r, 2)), cancellationToken, ("from", start), ("to", end)).ConfigureAwait(false))
                .ToDictionary(d => d.Day);
            var days = new List<DailyRunStats>(to.DayNumber - from.DayNumber + 1);
            for (var date = from; date <= to; date = date.AddDays(1))
            {
                var day = start / 86_400_000 + (date.DayNumber - from.DayNumber);
                var (_, count, succeeded, failed) = runs.GetValueOrDefault(day);
                var (_, rows, bytes) = written.GetValueOrDefault(day);
                days.Add(new DailyRunStats(date, count, succeeded, failed, rows, bytes));
            }

            return days;
        }, cancellationToken);
    }

    /// <summary>A run (without its steps and tasks), or null when there is no such run: cheap enough to poll.</summary>
    public Task<RunRecord?> FindRunAsync(long runId, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            var runs = await QueryAsync(c, null, $"SELECT {RunColumns}, followed, generation FROM runs WHERE id = @r", r => ReadRun(r) with { Followed = Long(r, 14) != 0, Generation = Int(r, 15) }, cancellationToken, ("r", runId)).ConfigureAwait(false);
            return runs.Count == 0 ? null : runs[0];
        }, cancellationToken);

    /// <summary>A run with its steps, tasks and attempts, or null when there is no such run.</summary>
    public Task<RunDetail?> GetRunAsync(long runId, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            var runs = await QueryAsync(c, null, $"SELECT {RunColumns} FROM runs WHERE id = @r", ReadRun, cancellationToken, ("r", runId)).ConfigureAwait(false);
            if (runs.Count == 0)
            {
                return null;
            }

            var edges = (await QueryAsync(c, null, "SELECT upstream, downstream FROM step_edges WHERE run_id = @r", r => (Up: r.GetString(0), Down: r.GetString(1)), cancellationToken, ("r", runId)).ConfigureAwait(false))
                .ToLookup(e => e.Down, e => e.Up, StringComparer.Ordinal);
            var steps = await QueryAsync(c, null, "SELECT name, ordinal, state, total, done, failed, running, ready_at, started_at, finished_at FROM steps WHERE run_id = @r ORDER BY ordinal", r => new StepRecord(
                r.GetString(0), Int(r, 1), r.GetString(2), Int(r, 3), Int(r, 4), Int(r, 5), Int(r, 6), [.. edges[r.GetString(0)].Order(StringComparer.Ordinal)], NullableTime(r, 7), NullableTime(r, 8), NullableTime(r, 9)), cancellationToken, ("r", runId)).ConfigureAwait(false);
            var tasks = await QueryAsync(c, null, "SELECT id, step, item, state, attempts, started_at, finished_at, rows_written, bytes_written, error FROM tasks WHERE run_id = @r ORDER BY id", r => new TaskRecord(
                Long(r, 0), r.GetString(1), NullableString(r, 2), r.GetString(3), Int(r, 4), NullableTime(r, 5), NullableTime(r, 6), NullableLong(r, 7), NullableLong(r, 8), NullableString(r, 9)), cancellationToken, ("r", runId)).ConfigureAwait(false);
            var attempts = await QueryAsync(c, null, "SELECT id, task_id, number, worker, state, started_at, finished_at, rows_written, bytes_written, error FROM attempts WHERE run_id = @r ORDER BY id", r => new AttemptRecord(
                Long(r, 0), Long(r, 1), Int(r, 2), r.GetString(3), r.GetString(4), Time(Long(r, 5)), NullableTime(r, 6), NullableLong(r, 7), NullableLong(r, 8), NullableString(r, 9)), cancellationToken, ("r", runId)).ConfigureAwait(false);
            return new RunDetail(runs[0], [.. steps], [.. tasks], [.. attempts]);
        }, cancellationToken);

    /// <summary>Adds lines to an attempt's log.</summary>
    public Task AppendLogAsync(long runId, long attemptId, IReadOnlyList<(DateTimeOffset At, string Line)> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return lines.Count == 0 ? Task.CompletedTask : WriteAsync(async (c, tx) =>
        {
            await AppendLogAsync(c, tx, new TaskLog(runId, attemptId, lines), cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    private static async Task AppendLogAsync(DbConnection c, DbTransaction tx, TaskLog? log, CancellationToken cancellationToken)
    {
        if (log is { Lines.Count: > 0 })
        {
            await InsertRowsAsync(c, tx, "task_logs", ["attempt_id", "run_id", "at", "line"], log.Lines.Select(l => new object?[] { log.AttemptId, log.RunId, Ms(l.At), l.Line }), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A run's log lines after <paramref name="afterId"/> (all its tasks', or one task's), oldest first.</summary>
    public Task<IReadOnlyList<LogLine>> ReadLogAsync(long runId, long? taskId, long afterId, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<LogLine>>(async c => await QueryAsync(c, null, """
            SELECT l.id, l.attempt_id, l.at, l.line FROM task_logs l
            WHERE l.run_id = @r AND l.id > @after AND (CAST(@t AS BIGINT) IS NULL OR l.attempt_id IN (SELECT id FROM attempts WHERE task_id = @t))
            ORDER BY l.id LIMIT @limit
            """, r => new LogLine(Long(r, 0), Long(r, 1), Time(Long(r, 2)), r.GetString(3)), cancellationToken, ("r", runId), ("t", taskId), ("after", afterId), ("limit", limit)).ConfigureAwait(false), cancellationToken);

    /// <summary>
    /// Takes or renews the lease <paramref name="name"/> for <paramref name="holder"/> until <paramref name="now"/> +
    /// <paramref name="duration"/>; true when the holder has it (it was free, expired, or already the holder's).
    /// </summary>
    public Task<bool> TryAcquireLeaseAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, """
            INSERT INTO leases (name, holder, expires_at) VALUES (@n, @h, @exp)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE leases.holder = excluded.holder OR leases.expires_at < @now
            """, cancellationToken, ("n", name), ("h", holder), ("exp", Ms(now + duration)), ("now", Ms(now))).ConfigureAwait(false) == 1, cancellationToken);

    /// <summary>Gives up a lease (when the holder still has it).</summary>
    public Task ReleaseLeaseAsync(string name, string holder, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "DELETE FROM leases WHERE name = @n AND holder = @h", cancellationToken, ("n", name), ("h", holder)).ConfigureAwait(false), cancellationToken);

    /// <summary>Who holds the lease <paramref name="name"/> and until when, or null when nobody does at <paramref name="now"/>.</summary>
    public Task<(string Holder, DateTimeOffset Expires)?> GetLeaseAsync(string name, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            var rows = await QueryAsync(c, null, "SELECT holder, expires_at FROM leases WHERE name = @n AND expires_at >= @now", r => (r.GetString(0), Time(Long(r, 1))), cancellationToken, ("n", name), ("now", Ms(now))).ConfigureAwait(false);
            return rows.Count == 0 ? ((string, DateTimeOffset)?)null : rows[0];
        }, cancellationToken);

    /// <summary>The last tick the scheduler handled for a pipeline, or null when it never saw the pipeline.</summary>
    public Task<DateTimeOffset?> GetLastTickAsync(string pipeline, CancellationToken cancellationToken) =>
        ReadAsync(async c => await ScalarAsync(c, null, "SELECT last_tick FROM schedules WHERE pipeline = @p", cancellationToken, ("p", pipeline)).ConfigureAwait(false) is { } ms
            ? Time(Convert.ToInt64(ms, CultureInfo.InvariantCulture)) : (DateTimeOffset?)null, cancellationToken);

    /// <summary>Records the last tick handled for a pipeline.</summary>
    public Task SetLastTickAsync(string pipeline, DateTimeOffset tick, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "INSERT INTO schedules (pipeline, last_tick) VALUES (@p, @t) ON CONFLICT (pipeline) DO UPDATE SET last_tick = excluded.last_tick", cancellationToken, ("p", pipeline), ("t", Ms(tick))).ConfigureAwait(false), cancellationToken);

    /// <summary>Sets the slots of the project's pools (a pool's slots in use are kept).</summary>
    public Task SyncPoolsAsync(IReadOnlyDictionary<string, int> pools, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pools);
        return WriteAsync(async (c, tx) =>
        {
            foreach (var (name, slots) in pools)
            {
                await ExecuteAsync(c, tx, "INSERT INTO pools (name, slots) VALUES (@n, @s) ON CONFLICT (name) DO UPDATE SET slots = excluded.slots", cancellationToken, ("n", name), ("s", slots)).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken);
    }

    /// <summary>
    /// How long each step of a pipeline took from ready to finished (waiting included) in its last
    /// <paramref name="runs"/> successful runs, by step.
    /// </summary>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<TimeSpan>>> StepDurationsAsync(string pipeline, int runs, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyDictionary<string, IReadOnlyList<TimeSpan>>>(async c =>
        {
            var rows = await QueryAsync(c, null, """
                SELECT s.name, s.finished_at - s.ready_at FROM steps s
                WHERE s.run_id IN (SELECT id FROM runs WHERE pipeline = @p AND state = 'succeeded' ORDER BY id DESC LIMIT @n)
                  AND s.state = 'succeeded' AND s.ready_at IS NOT NULL AND s.finished_at IS NOT NULL
                """, r => (Step: r.GetString(0), Ms: Long(r, 1)), cancellationToken, ("p", pipeline), ("n", runs)).ConfigureAwait(false);
            return rows.GroupBy(r => r.Step, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<TimeSpan>)[.. g.Select(x => TimeSpan.FromMilliseconds(x.Ms))], StringComparer.Ordinal);
        }, cancellationToken);

    /// <summary>Records a run's expected finish and deadline status.</summary>
    public Task SetSloAsync(long runId, DateTimeOffset? eta, string slo, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "UPDATE runs SET eta = @eta, slo = @slo WHERE id = @r", cancellationToken, ("r", runId), ("eta", eta is { } e ? Ms(e) : null), ("slo", slo)).ConfigureAwait(false), cancellationToken);

    /// <summary>Runs with a deadline or started and not finished, and finished runs whose outcome was not handled yet (follow-ups, notices).</summary>
    public Task<IReadOnlyList<RunRecord>> RunsToWatchAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RunRecord>>(async c => await QueryAsync(c, null, $"SELECT {RunColumns}, followed, generation FROM runs WHERE state IN ('queued', 'running') OR followed = 0 ORDER BY id", r => ReadRun(r) with { Followed = Long(r, 14) != 0, Generation = Int(r, 15) }, cancellationToken).ConfigureAwait(false), cancellationToken);

    /// <summary>Marks a finished run's outcome as handled (follow-up runs created, notices recorded).</summary>
    public Task MarkFollowedAsync(long runId, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "UPDATE runs SET followed = 1 WHERE id = @r", cancellationToken, ("r", runId)).ConfigureAwait(false), cancellationToken);

    /// <summary>The state of the pipeline's last finished (succeeded or failed) run before <paramref name="beforeRunId"/>, or null.</summary>
    public Task<string?> PreviousOutcomeAsync(string pipeline, long beforeRunId, CancellationToken cancellationToken) =>
        ReadAsync(async c => (string?)await ScalarAsync(c, null, "SELECT state FROM runs WHERE pipeline = @p AND id < @r AND state IN ('succeeded', 'failed') ORDER BY id DESC LIMIT 1", cancellationToken, ("p", pipeline), ("r", beforeRunId)).ConfigureAwait(false), cancellationToken);

    /// <summary>Records that a notice of <paramref name="kind"/> about a run goes to a channel; its id, or null when one was already recorded (a notice goes once per run, kind and channel).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="kind">The kind of notice.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="now">The time.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <param name="step">For a step's own deadline, the step (its notices are apart from the run's); null for the run.</param>
    public Task<long?> TryRecordNoticeAsync(long runId, NotificationKind kind, string channel, DateTimeOffset now, CancellationToken cancellationToken, string? step = null) =>
        WriteAsync(async (c, tx) =>
        {
            // One notice per run, kind and channel; a run run again (runs rerun) is a new generation that may fail or be late again.
            var ids = await QueryAsync(c, tx, "INSERT INTO notices (run_id, generation, step, kind, channel, state, created_at) SELECT @r, generation, @step, @k, @c, 'pending', @now FROM runs WHERE id = @r ON CONFLICT (run_id, generation, step, kind, channel) DO NOTHING RETURNING id", r => Long(r, 0), cancellationToken,
                ("r", runId), ("step", step ?? string.Empty), ("k", KindName(kind)), ("c", channel), ("now", Ms(now))).ConfigureAwait(false);
            return ids.Count == 0 ? (long?)null : ids[0];
        }, cancellationToken);

    /// <summary>Records the delivery of a notice.</summary>
    public Task FinishNoticeAsync(long noticeId, bool sent, int attempts, string? error, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx) => await ExecuteAsync(c, tx, "UPDATE notices SET state = @s, attempts = @a, error = @e, sent_at = @now WHERE id = @id", cancellationToken,
            ("s", sent ? "sent" : "failed"), ("a", attempts), ("e", error), ("now", Ms(now)), ("id", noticeId)).ConfigureAwait(false), cancellationToken);

    /// <summary>The notices recorded for a run.</summary>
    public Task<IReadOnlyList<NoticeRecord>> ListNoticesAsync(long runId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<NoticeRecord>>(async c => await QueryAsync(c, null, "SELECT id, run_id, kind, channel, state, attempts, step FROM notices WHERE run_id = @r ORDER BY id", r => new NoticeRecord(
            Long(r, 0), Long(r, 1), ParseKind(r.GetString(2)), r.GetString(3), r.GetString(4), Int(r, 5)) { Step = r.GetString(6) is { Length: > 0 } step ? step : null }, cancellationToken, ("r", runId)).ConfigureAwait(false), cancellationToken);

    /// <summary>How many of a pipeline's runs with a deadline, scheduled since <paramref name="since"/>, finished in time, out of how many finished.</summary>
    public Task<(int Met, int Total)> ComplianceAsync(string pipeline, DateTimeOffset since, CancellationToken cancellationToken) =>
        ReadAsync(async c =>
        {
            var rows = await QueryAsync(c, null, """
                SELECT COUNT(*), SUM(CASE WHEN state = 'succeeded' AND finished_at <= deadline_at THEN 1 ELSE 0 END) FROM runs
                WHERE pipeline = @p AND deadline_at IS NOT NULL AND scheduled_at >= @since AND state IN ('succeeded', 'failed', 'cancelled')
                """, r => (Total: Int(r, 0), Met: r.IsDBNull(1) ? 0 : Int(r, 1)), cancellationToken, ("p", pipeline), ("since", Ms(since))).ConfigureAwait(false);
            return (rows[0].Met, rows[0].Total);
        }, cancellationToken);

    /// <summary>Workers that sent a heartbeat since <paramref name="since"/>.</summary>
    public Task<IReadOnlyList<(string Id, string Host, int Pid, bool Warehouse, DateTimeOffset HeartbeatAt)>> WorkersAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<(string, string, int, bool, DateTimeOffset)>>(async c => await QueryAsync(c, null, "SELECT id, host, pid, warehouse, heartbeat_at FROM workers WHERE heartbeat_at >= @since ORDER BY id", r => (r.GetString(0), r.GetString(1), Int(r, 2), Long(r, 3) != 0, Time(Long(r, 4))), cancellationToken, ("since", Ms(since))).ConfigureAwait(false), cancellationToken);

    /// <summary>The snake_case name of a notice kind (<c>at_risk</c>).</summary>
    public static string KindName(NotificationKind kind) => kind switch
    {
        NotificationKind.AtRisk => "at_risk",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static NotificationKind ParseKind(string name) => name == "at_risk" ? NotificationKind.AtRisk : Enum.Parse<NotificationKind>(name, ignoreCase: true);

    private static RunRecord ReadRun(DbDataReader r) => new(
        Long(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), Time(Long(r, 4)), r.GetString(5), r.GetString(6), Time(Long(r, 7)),
        NullableTime(r, 8), NullableTime(r, 9), NullableTime(r, 10), NullableTime(r, 11), NullableString(r, 12), NullableString(r, 13));
}
