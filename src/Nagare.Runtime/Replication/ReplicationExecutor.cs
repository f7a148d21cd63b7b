using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using Nagare.Connectors.DuckDb;
using Nagare.Core;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Runtime.Replication;

/// <summary>
/// Runs a <see cref="ReplicationPlan"/>: copies every destination table concurrently (up to the thread and
/// per-connection limits), each in one atomic write with its state, big tables in checkpointed key-range
/// chunks. A failing table is rolled back and reported; the others go on.
/// </summary>
public sealed partial class ReplicationExecutor
{
    /// <summary>The table quarantined rows go to, in the destination's target schema.</summary>
    public const string RejectedTable = "_rejected";

    /// <summary>How many streams may wait for a group commit at once.</summary>
    private const int GroupCommitWaiters = 256;

    /// <summary>Batches a fan-in reads ahead of its writer (a batch is one small source table, or part of a large one).</summary>
    private const int ReadAheadBatches = 4;

    /// <summary>
    /// Most sources of a fan-in handed to one <see cref="IMultiTableSource.ReadManyAsync"/> call: each holds a
    /// transformer and its output batch until the call ends (all 10,000 sources of one call held 140 MB more).
    /// </summary>
    private const int SourcesReadTogether = 200;

    private readonly ISource? source;
    private readonly IDestination destination;
    private readonly ExecutorOptions options;
    private readonly SemaphoreSlim threads;
    private readonly SemaphoreSlim sourceSlots;
    private readonly SemaphoreSlim destinationSlots;

    /// <summary>In a sync over several source connections: each connection and its own <c>max_concurrency</c> slots.</summary>
    private readonly Dictionary<string, (ISource Source, SemaphoreSlim Slots)> connections = new(StringComparer.Ordinal);

    /// <summary>In a sync over several source connections: one load at a time into each table they share.</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> sharedTables = new(StringComparer.Ordinal);

    /// <summary>Streams waiting for a group commit after giving back their slots (each holds its rows meanwhile).</summary>
    private readonly SemaphoreSlim groupCommits = new(GroupCommitWaiters);
    private readonly ConcurrentDictionary<string, byte> current = new(StringComparer.Ordinal);
    private readonly object progressLock = new();

    /// <summary>With <c>snapshot: run</c>, each source connection's snapshot token for the whole run.</summary>
    private readonly Dictionary<ISource, string> runSnapshots = new(ReferenceEqualityComparer.Instance);
    private long rowsRead;
    private long rowsWritten;
    private int tablesDone;
    private int tablesFailed;
    private int tablesTotal;
    private long startedAt;
    private long lastReport;
    private long? rowsExpected;

    public ReplicationExecutor(ISource source, IDestination destination, ExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        this.source = source;
        this.destination = destination;
        this.options = options;
        threads = new SemaphoreSlim(Math.Max(1, options.Threads));
        // One connection as source and destination: each copy holds a reading and a writing session, and a
        // shared snapshot one more, so fewer copies fit in its session limit.
        sourceSlots = new SemaphoreSlim(options.SameConnection ? Math.Max(1, (options.SourceConcurrency - 1) / 2) : Math.Max(1, options.SourceConcurrency));
        destinationSlots = options.SameConnection ? sourceSlots : new SemaphoreSlim(Math.Max(1, options.DestinationConcurrency));
    }

    /// <summary>
    /// An executor for a sync over several source connections: each table plan reads from its
    /// <see cref="TablePlan.Connection"/>, within that connection's limit (the <c>Limit</c> of <paramref name="sources"/>, its
    /// <c>max_concurrency</c>).
    /// </summary>
    public ReplicationExecutor(IReadOnlyList<(string Connection, ISource Source, int Limit)> sources, IDestination destination, ExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(options);
        this.destination = destination;
        this.options = options;
        threads = new SemaphoreSlim(Math.Max(1, options.Threads));
        // A table loaded from every connection takes each connection's slot while it reads from it (below); this
        // limit only counts the loads of one connection's own rows, which hold their connection's slot instead.
        sourceSlots = new SemaphoreSlim(Math.Max(1, options.Threads));
        destinationSlots = new SemaphoreSlim(Math.Max(1, options.DestinationConcurrency));
        foreach (var (name, connection, limit) in sources)
        {
            connections[name] = (connection, new SemaphoreSlim(Math.Max(1, limit)));
        }
    }

    /// <summary>The source <paramref name="table"/> (or its stream <paramref name="stream"/>) is read from.</summary>
    private ISource SourceOf(TablePlan table, SourcePlan? stream = null) =>
        (stream?.Connection ?? table.Connection) is { } name ? connections[name].Source
        : source ?? throw new InvalidOperationException("The executor was made for several sources; plan " + table.Target + " names none.");

    /// <summary>Copies every table of <paramref name="plan"/>; never throws for a single table's failure.</summary>
    public async Task<SyncSummary> RunAsync(ReplicationPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        startedAt = options.Time.GetTimestamp();
        tablesTotal = plan.Tables.Length;
        rowsExpected = plan.Tables.All(t => !t.UsesCursor && t.Sources.All(s => s.Stream.EstimatedRows is not null && s.CustomSql is null && s.Filter is null))
            ? plan.Tables.Sum(t => t.Sources.Sum(s => s.Stream.EstimatedRows!.Value))
            : null;
        Report(force: true);
        // A source connection that could not be discovered is a failure of its own: its tables are left as they are.
        var unreachable = plan.FailedSources.Select(f => new StreamResult(
            f.Connection + ":*", "(not planned)", plan.Sync.Streams[0].Mode, 0, 0, 0, 0, StreamStatus.Failed, f.Message, 0, 0, null)).ToList();
        foreach (var result in unreachable)
        {
            options.StreamFinished?.Invoke(result);
        }

        var snapshots = new List<ISourceSnapshot>();
        StreamResult[][] results;
        try
        {
            if (plan.Sync.Snapshot == Configuration.SnapshotScope.Run)
            {
                await BeginRunSnapshotsAsync(plan, snapshots, cancellationToken).ConfigureAwait(false);
            }

            results = await Task.WhenAll(plan.Tables.Select(t => RunSharedAsync(plan, t, cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            foreach (var snapshot in snapshots)
            {
                await snapshot.DisposeAsync().ConfigureAwait(false);
            }

            runSnapshots.Clear();
        }

        Report(force: true);
        return new SyncSummary(plan.Sync.Name, [.. unreachable, .. results.SelectMany(r => r)], plan.Renames, options.Time.GetElapsedTime(startedAt).TotalSeconds);
    }

    /// <summary>
    /// Takes one snapshot per source connection the plan reads from (<c>snapshot: run</c>): every read of the run then
    /// sees that connection at the same moment.
    /// </summary>
    /// <exception cref="NagareException">A source connection cannot hold a snapshot.</exception>
    private async Task BeginRunSnapshotsAsync(ReplicationPlan plan, List<ISourceSnapshot> snapshots, CancellationToken cancellationToken)
    {
        var read = plan.Tables.SelectMany(t => t.Sources.Select(s => (Name: s.Connection ?? t.Connection, Source: SourceOf(t, s))))
            .DistinctBy(s => s.Source, ReferenceEqualityComparer.Instance).ToList();
        foreach (var (name, reader) in read)
        {
            if (reader is not ISnapshotSource snapshotSource)
            {
                throw new NagareException($"Sync '{plan.Sync.Name}' reads with snapshot: run, but connection '{name ?? reader.Name}' cannot hold one moment for a whole run.")
                {
                    Hint = "snapshot: run reads PostgreSQL and MySQL/MariaDB connections; remove it to read each table at its own moment.",
                };
            }

            var snapshot = await snapshotSource.BeginSnapshotAsync(cancellationToken).ConfigureAwait(false);
            snapshots.Add(snapshot);
            runSnapshots[reader] = snapshot.Token;
        }
    }

    /// <summary>The run's snapshot of <paramref name="reader"/>, or null when each table is read at its own moment.</summary>
    private string? RunSnapshotOf(ISource reader) => runSnapshots.GetValueOrDefault(reader);

    /// <summary>
    /// Runs <paramref name="table"/>. In a sync over several connections: a table replaced whole falls back to its
    /// per-connection loads when that fails; a per-connection load of a shared table waits for the other
    /// connections' loads into it (each creates or evolves the table and deletes its own rows, which concurrent
    /// loads into one table would conflict on). The wait holds no slot.
    /// </summary>
    private async Task<StreamResult[]> RunSharedAsync(ReplicationPlan plan, TablePlan table, CancellationToken cancellationToken)
    {
        if (!table.Fallback.IsEmpty)
        {
            // One load from every connection; when it fails (a connection's read, a bad row), each connection's rows
            // are loaded alone, so the failure stays with the connection that has it.
            var whole = await RunTableAsync(plan, table, cancellationToken, reportFailure: false).ConfigureAwait(false);
            if (whole.Status != StreamStatus.Failed)
            {
                return [whole];
            }

            Interlocked.Add(ref tablesTotal, table.Fallback.Length - 1);
            Interlocked.Decrement(ref tablesDone);
            var alone = new List<StreamResult>(table.Fallback.Length);
            foreach (var unit in table.Fallback)
            {
                alone.Add(await RunTableAsync(plan, unit, cancellationToken).ConfigureAwait(false));
            }

            return [.. alone];
        }

        if (!table.IsShared)
        {
            return [await RunTableAsync(plan, table, cancellationToken).ConfigureAwait(false)];
        }

        var gate = sharedTables.GetOrAdd(table.Target.ToString(), _ => new SemaphoreSlim(1));
        try
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return [await RunTableAsync(plan, table, cancellationToken).ConfigureAwait(false)];
        }

        try
        {
            return [await RunTableAsync(plan, table, cancellationToken).ConfigureAwait(false)];
        }
        finally
        {
            gate.Release();
        }
    }

    /// <param name="plan">The run's plan.</param>
    /// <param name="table">The table to load.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <param name="reportFailure">False when a failure will be retried another way: it is then neither counted nor reported.</param>
    private async Task<StreamResult> RunTableAsync(ReplicationPlan plan, TablePlan table, CancellationToken cancellationToken, bool reportFailure = true)
    {
        var started = options.Time.GetTimestamp();
        var counters = new TableCounters();
        var label = table.Target.ToString();
        string? note = null;
        var status = StreamStatus.Succeeded;
        string? message = null;
        try
        {
            if (table.Chunking is { } chunking && SourceOf(table) is IKeyRangeSource && destination is IChunkedDestination)
            {
                note = await RunChunkedAsync(plan, table, chunking.Key, chunking.Chunks, counters, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await options.Retry.ExecuteAsync(
                    async (attempt, ct) =>
                    {
                        counters.Reset();
                        await WithSlotsAsync(label, counters, lease => CopyWholeAsync(plan, table, counters, lease, ct), ct, table.Connection).ConfigureAwait(false);
                        return true;
                    },
                    options.Time,
                    (attempt, delay, e) => note = $"retried after: {e.Message}",
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            status = StreamStatus.Cancelled;
            message = "cancelled";
        }
        // A database file another process holds fails every stream alike: the run ends with that one message instead.
        catch (Exception e) when (e is not OutOfMemoryException and not WarehouseLockedException)
        {
            status = StreamStatus.Failed;
            message = Describe(e);
            if (reportFailure)
            {
                Interlocked.Increment(ref tablesFailed);
            }
        }

        Interlocked.Increment(ref tablesDone);
        Report(force: true);
        var result = new StreamResult(
            table.SourceLabel,
            label,
            table.Mode,
            counters.Read,
            status == StreamStatus.Succeeded ? counters.Written : 0,
            counters.Rejected,
            // Time spent copying, from the moment the stream got its slots: with thousands of streams queued, the
            // wait for a free slot would otherwise dominate every stream's figure.
            options.Time.GetElapsedTime(counters.StartedAt ?? started).TotalSeconds,
            status,
            message ?? note,
            counters.Chunks,
            counters.ChunksResumed,
            status == StreamStatus.Succeeded ? counters.Changes : null);
        if (reportFailure || status != StreamStatus.Failed)
        {
            options.StreamFinished?.Invoke(result);
        }

        return result;
    }

    private static string Describe(Exception e) => e switch
    {
        // A stream's outcome is all a sync's user sees of its failure, so the way around it travels with it.
        NagareException { Hint: { Length: > 0 } hint } => $"{e.Message} Hint: {hint}",
        NagareException => e.Message,
        AggregateException { InnerExceptions.Count: > 0 } a => Describe(a.InnerExceptions[0]),
        _ when e.GetType().Name.EndsWith("DuckDbException", StringComparison.Ordinal) => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private async Task WithSlotsAsync(string label, TableCounters counters, Func<Task> work, CancellationToken cancellationToken) =>
        await WithSlotsAsync(label, counters, _ => work(), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs <paramref name="work"/> holding a thread, a source (of <paramref name="connection"/> in a sync over several)
    /// and a destination slot; the work may hand them back early.
    /// </summary>
    private async Task WithSlotsAsync(string label, TableCounters counters, Func<SlotLease, Task> work, CancellationToken cancellationToken, string? connection = null)
    {
        var lease = new SlotLease(this, label, connection is null ? sourceSlots : connections[connection].Slots);
        try
        {
            await threads.WaitAsync(cancellationToken).ConfigureAwait(false);
            lease.Threads = true;
            await lease.SourceSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            lease.Source = true;
            if (!options.SameConnection)
            {
                await destinationSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
                lease.Destination = true;
            }

            counters.StartedAt ??= options.Time.GetTimestamp();
            current[label] = 0;
            Report(force: false);
            await work(lease).ConfigureAwait(false);
        }
        finally
        {
            lease.Release();
        }
    }

    /// <summary>The slots one stream holds; <see cref="Release"/> gives back whatever is still held.</summary>
    private sealed class SlotLease(ReplicationExecutor owner, string label, SemaphoreSlim sourceSlots)
    {
        public SemaphoreSlim SourceSlots => sourceSlots;

        public bool Threads { get; set; }

        public bool Source { get; set; }

        public bool Destination { get; set; }

        public void Release()
        {
            owner.current.TryRemove(label, out _);
            if (Destination)
            {
                Destination = false;
                owner.destinationSlots.Release();
            }

            if (Source)
            {
                Source = false;
                sourceSlots.Release();
            }

            if (Threads)
            {
                Threads = false;
                owner.threads.Release();
            }
        }
    }

    private WriteRequest WriteRequestFor(ReplicationPlan plan, TablePlan table) => new(
        plan.Sync.Name,
        table.StateKey,
        table.Target,
        table.Columns,
        // One connection's rows of a shared table, replaced with delete detection: the old rows that did not come
        // again must be told apart from the new ones by key, which is what a merge with delete detection does.
        table.Scope is not null && table.Mode == WriteMode.FullRefresh && table.Config.DeleteDetection != DeleteDetection.None ? WriteMode.Merge : table.Mode,
        // Appended rows may repeat a key (append and incremental keep every version), so only modes that
        // keep one row per key declare it.
        table.Mode is WriteMode.Merge or WriteMode.FullRefresh ? table.PrimaryKey : [],
        plan.Sync.SchemaChanges,
        table.Mode is WriteMode.FullRefresh or WriteMode.Merge ? table.Config.DeleteDetection : DeleteDetection.None,
        plan.Sync.SoftDeleteColumn)
    {
        Scope = table.Scope,
    };

    private static string CursorStateKey(SourcePlan source) => "cursor:" + (source.SourceName ?? source.Stream.Id.ToString());

    private static string SeenStateKey(SourcePlan source) => "seen:" + (source.SourceName ?? source.Stream.Id.ToString());

    private async Task CopyWholeAsync(ReplicationPlan plan, TablePlan table, TableCounters counters, SlotLease lease, CancellationToken cancellationToken)
    {
        var state = await destination.LoadStateAsync(plan.Sync.Name, table.StateKey, cancellationToken).ConfigureAwait(false);
        var rejected = new List<RejectedRow>();
        await using (var writer = await destination.OpenWriterAsync(WriteRequestFor(plan, table), cancellationToken).ConfigureAwait(false))
        {
            var (extra, cursorText) = table.Sources.Length > 1
                ? await CopyAheadAsync(table, state, writer, rejected, counters, cancellationToken).ConfigureAwait(false)
                : await ReadSourcesAsync(table, state, rejected, counters, (batch, ct) => WriteAsync(writer, batch, counters, ct), cancellationToken).ConfigureAwait(false);
            var newState = new StreamState(table.IsFanIn ? null : cursorText, table.Cursor, [], extra.Remove(ChunkPlanCodec.StateKey));
            if (writer is IGroupCommitWriter { CommitsInGroup: true } && rejected.Count == 0)
            {
                // Reading is done and the commit waits for its group without a session: another stream may start.
                await groupCommits.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    lease.Release();
                    counters.Changes = await writer.CommitAsync(newState, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    groupCommits.Release();
                }
            }
            else
            {
                counters.Changes = await writer.CommitAsync(newState, cancellationToken).ConfigureAwait(false);
            }
        }

        await QuarantineAsync(plan, table, rejected, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies a table read from several sources (a fan-in): the sources are read one after another, as before, but
    /// up to <see cref="ReadAheadBatches"/> batches ahead of the writer, so that the next source's round trips overlap
    /// with the destination storing the previous one's rows instead of waiting for it. Batches are copied on the way,
    /// since a source reuses its batch.
    /// </summary>
    private async Task<(ImmutableDictionary<string, string> Extra, string? CursorText)> CopyAheadAsync(TablePlan table, StreamState? state, IStreamWriter writer, List<RejectedRow> rejected, TableCounters counters, CancellationToken cancellationToken)
    {
        var ahead = Channel.CreateBounded<ColumnBatch>(new BoundedChannelOptions(ReadAheadBatches) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(
            async () =>
            {
                try
                {
                    return await ReadSourcesAsync(table, state, rejected, counters, (batch, ct) => ahead.Writer.WriteAsync(batch.Copy(), ct), stop.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    ahead.Writer.TryComplete(e);
                    throw;
                }
                finally
                {
                    ahead.Writer.TryComplete();
                }
            },
            stop.Token);
        try
        {
            while (await ahead.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
            {
                while (ahead.Reader.TryRead(out var batch))
                {
                    await WriteAsync(writer, batch, counters, stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception failure)
        {
            // The writer failed (stop the reading and keep its error), or the reading did (its own error is the one to tell).
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await reading.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception readFailure) when (ReferenceEquals(readFailure, failure))
            {
            }

            throw;
        }

        return await reading.ConfigureAwait(false);
    }

    /// <summary>
    /// Reads every source of <paramref name="table"/> in turn and hands each transformed batch to <paramref name="emit"/>;
    /// returns the state to commit (each fan-in source's cursor and what it noted as read) and the last cursor.
    /// </summary>
    private async Task<(ImmutableDictionary<string, string> Extra, string? CursorText)> ReadSourcesAsync(TablePlan table, StreamState? state, List<RejectedRow> rejected, TableCounters counters, Func<ColumnBatch, CancellationToken, ValueTask> emit, CancellationToken cancellationToken)
    {
        var sameCursor = state is not null && state.CursorColumn == table.Cursor;
        var extra = state?.Extra ?? ImmutableDictionary<string, string>.Empty;
        string? cursorText = null;
        var sources = table.Sources;
        for (var start = 0; start < sources.Length;)
        {
            // Consecutive sources on a connection that reads many tables in one statement are read together.
            var groupSource = SourceOf(table, sources[start]);
            var end = start + 1;
            if (groupSource is IMultiTableSource and not IRejectingSource)
            {
                while (end < sources.Length && end - start < SourcesReadTogether && ReferenceEquals(SourceOf(table, sources[end]), groupSource))
                {
                    end++;
                }
            }

            var reads = new SourceRead[end - start];
            for (var i = 0; i < reads.Length; i++)
            {
                var sourcePlan = sources[start + i];
                var previous = !sameCursor ? null : table.IsFanIn ? extra.GetValueOrDefault(CursorStateKey(sourcePlan)) : state!.Cursor;
                var cursorType = sourcePlan.CursorIndex >= 0 ? sourcePlan.ReadColumns[sourcePlan.CursorIndex].Type : null;
                var after = previous is not null && table.UsesCursor ? CursorValues.Parse(previous, cursorType!) : null;
                // What the source noted as read last time counts only while the cursor column stays the same.
                var seen = table.UsesCursor ? new SeenTracker { Previous = sameCursor ? extra.GetValueOrDefault(SeenStateKey(sourcePlan)) : null } : null;
                var request = new ReadRequest(
                    sourcePlan.Stream,
                    sourcePlan.ReadColumns,
                    Filter: sourcePlan.Filter,
                    Cursor: table.UsesCursor ? new CursorRange(table.Cursor!, after) : null,
                    CustomSql: sourcePlan.CustomSql,
                    Snapshot: RunSnapshotOf(groupSource),
                    BatchSize: options.BatchSize,
                    Seen: seen);
                reads[i] = new SourceRead(sourcePlan, request, previous, seen, new BatchTransformer(sourcePlan, table.Columns, table.Config.OnError));
            }

            // A table read from several connections holds each one's slot only while it reads from it.
            var slot = table.Connection is null && sources[start].Connection is { } connection ? connections[connection].Slots : null;
            if (slot is not null)
            {
                await slot.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                if (reads.Length == 1)
                {
                    await CopySourceAsync(reads[0], table, emit, rejected, counters, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await foreach (var (index, batch) in ((IMultiTableSource)groupSource).ReadManyAsync([.. reads.Select(r => r.Request)], cancellationToken).ConfigureAwait(false))
                    {
                        await CopyBatchAsync(reads[index], batch, emit, rejected, counters, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                slot?.Release();
            }

            foreach (var read in reads)
            {
                var sourcePlan = read.Plan;
                extra = read.Seen?.Current is { } current ? extra.SetItem(SeenStateKey(sourcePlan), current) : extra.Remove(SeenStateKey(sourcePlan));
                if (sourcePlan.CursorIndex >= 0)
                {
                    var text = read.Max is null ? (table.UsesCursor ? read.Previous : null) : CursorValues.Format(read.Max);
                    if (table.IsFanIn && text is not null)
                    {
                        extra = extra.SetItem(CursorStateKey(sourcePlan), text);
                    }

                    cursorText = text;
                }
            }

            start = end;
        }

        return (extra, cursorText);
    }

    private async ValueTask WriteAsync(IStreamWriter writer, ColumnBatch batch, TableCounters counters, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        counters.AddWritten(batch.RowCount);
        Interlocked.Add(ref rowsWritten, batch.RowCount);
    }

    private Task<object?> CopySourceAsync(SourcePlan sourcePlan, TablePlan table, ReadRequest request, IStreamWriter writer, List<RejectedRow> rejected, TableCounters counters, CancellationToken cancellationToken) =>
        CopySourceAsync(sourcePlan, table, request, (batch, ct) => WriteAsync(writer, batch, counters, ct), rejected, counters, cancellationToken);

    private async Task<object?> CopySourceAsync(SourcePlan sourcePlan, TablePlan table, ReadRequest request, Func<ColumnBatch, CancellationToken, ValueTask> emit, List<RejectedRow> rejected, TableCounters counters, CancellationToken cancellationToken)
    {
        var read = new SourceRead(sourcePlan, request, null, null, new BatchTransformer(sourcePlan, table.Columns, table.Config.OnError));
        await CopySourceAsync(read, table, emit, rejected, counters, cancellationToken).ConfigureAwait(false);
        return read.Max;
    }

    private async Task CopySourceAsync(SourceRead read, TablePlan table, Func<ColumnBatch, CancellationToken, ValueTask> emit, List<RejectedRow> rejected, TableCounters counters, CancellationToken cancellationToken)
    {
        await foreach (var batch in Read(SourceOf(table, read.Plan), read.Request, table.Config.OnError, rejected, counters, cancellationToken).ConfigureAwait(false))
        {
            await CopyBatchAsync(read, batch, emit, rejected, counters, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Counts a source's batch, notes its largest cursor value, transforms it and hands it on.</summary>
    private async ValueTask CopyBatchAsync(SourceRead read, ColumnBatch batch, Func<ColumnBatch, CancellationToken, ValueTask> emit, List<RejectedRow> rejected, TableCounters counters, CancellationToken cancellationToken)
    {
        var rows = batch.RowCount;
        if (rows == 0)
        {
            return;
        }

        counters.AddRead(rows);
        Interlocked.Add(ref rowsRead, rows);
        if (read.Plan.CursorIndex >= 0)
        {
            read.Max = CursorValues.Max(batch.Columns[read.Plan.CursorIndex], rows, read.Max);
        }

        ColumnBatch output;
        lock (rejected)
        {
            var before = rejected.Count;
            output = read.Transformer.Transform(batch, rejected);
            counters.AddRejected(rejected.Count - before);
        }

        if (output.RowCount > 0)
        {
            await emit(output, cancellationToken).ConfigureAwait(false);
        }

        Report(force: false);
    }

    private static IAsyncEnumerable<ColumnBatch> Read(ISource source, ReadRequest request, OnError onError, List<RejectedRow> rejected, TableCounters counters, CancellationToken cancellationToken)
    {
        if (source is IRejectingSource rejecting)
        {
            return rejecting.ReadAsync(
                request,
                onError,
                row =>
                {
                    lock (rejected)
                    {
                        rejected.Add(row);
                    }

                    counters.AddRejected(1);
                    counters.AddRead(1);
                    return ValueTask.CompletedTask;
                },
                cancellationToken);
        }

        return source.ReadAsync(request, cancellationToken);
    }

    private async Task QuarantineAsync(ReplicationPlan plan, TablePlan table, List<RejectedRow> rejected, CancellationToken cancellationToken)
    {
        if (table.Config.OnError != OnError.Quarantine || rejected.Count == 0)
        {
            return;
        }

        var name = destination.Dialect?.SanitizeIdentifier(RejectedTable) ?? RejectedTable;
        ImmutableArray<ColumnSchema> columns =
        [
            new("sync", ColumnType.String, false),
            new("stream", ColumnType.String, false),
            new("file", ColumnType.String),
            new("row", ColumnType.Int64),
            new("column", ColumnType.String),
            new("reason", ColumnType.String, false),
            new("raw", ColumnType.String),
            new("rejected_at", ColumnType.TimestampTz, false),
        ];
        var request = new WriteRequest(plan.Sync.Name, name, new StreamId(table.Target.Namespace, name), columns, WriteMode.Append, []);
        var now = options.Time.GetUtcNow();
        var batch = new ColumnBatch(columns, Math.Min(rejected.Count, ColumnBatch.DefaultCapacity));
        await using var writer = await destination.OpenWriterAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in rejected.Chunk(batch.Capacity))
        {
            batch.Reset();
            for (var i = 0; i < chunk.Length; i++)
            {
                var row = chunk[i];
                batch.Column<string?>(0).Set(i, plan.Sync.Name);
                batch.Column<string?>(1).Set(i, table.IsFanIn ? row.Stream : table.Target.ToString());
                batch.Column<string?>(2).SetBoxed(i, row.File);
                batch.Column<long>(3).Set(i, row.Line);
                batch.Column<string?>(4).SetBoxed(i, row.Column);
                batch.Column<string?>(5).Set(i, row.Reason);
                batch.Column<string?>(6).SetBoxed(i, row.RawRow);
                batch.Column<DateTimeOffset>(7).Set(i, now);
            }

            batch.RowCount = chunk.Length;
            await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        await writer.CommitAsync(null, cancellationToken).ConfigureAwait(false);
    }

    private void Report(bool force)
    {
        if (options.Progress is null)
        {
            return;
        }

        var now = options.Time.GetTimestamp();
        lock (progressLock)
        {
            if (!force && options.Time.GetElapsedTime(lastReport, now) < TimeSpan.FromMilliseconds(200))
            {
                return;
            }

            lastReport = now;
        }

        options.Progress.Report(new SyncProgress(
            Volatile.Read(ref tablesDone),
            tablesTotal,
            Volatile.Read(ref tablesFailed),
            Interlocked.Read(ref rowsRead),
            Interlocked.Read(ref rowsWritten),
            options.Time.GetElapsedTime(startedAt).TotalSeconds,
            [.. current.Keys.Order(StringComparer.Ordinal).Take(8)])
        {
            RowsExpected = rowsExpected,
        });
    }

    /// <summary>One source's read of a table: what it asks for, how its batches are transformed, the largest cursor value seen.</summary>
    private sealed class SourceRead(SourcePlan plan, ReadRequest request, string? previous, SeenTracker? seen, BatchTransformer transformer)
    {
        public SourcePlan Plan { get; } = plan;

        public ReadRequest Request { get; } = request;

        /// <summary>The cursor the read starts after, as stored.</summary>
        public string? Previous { get; } = previous;

        public SeenTracker? Seen { get; } = seen;

        public BatchTransformer Transformer { get; } = transformer;

        public object? Max { get; set; }
    }

    private sealed class TableCounters
    {
        private long read;
        private long written;
        private long rejected;
        private long? startedAt;

        public long Read => Interlocked.Read(ref read);

        public long Written => Interlocked.Read(ref written);

        public long Rejected => Interlocked.Read(ref rejected);

        public int Chunks { get; set; }

        public int ChunksResumed { get; set; }

        /// <summary>What the final commit did.</summary>
        public WriteResult? Changes { get; set; }

        /// <summary>When the table first got its slots (chunks of one table may start on several threads at once).</summary>
        public long? StartedAt
        {
            get { lock (this) { return startedAt; } }
            set { lock (this) { startedAt ??= value; } }
        }

        public void AddRead(long rows) => Interlocked.Add(ref read, rows);

        public void AddWritten(long rows) => Interlocked.Add(ref written, rows);

        public void AddRejected(long rows) => Interlocked.Add(ref rejected, rows);

        public void Reset()
        {
            Interlocked.Exchange(ref read, 0);
            Interlocked.Exchange(ref written, 0);
            Interlocked.Exchange(ref rejected, 0);
            Changes = null;
        }
    }
}
