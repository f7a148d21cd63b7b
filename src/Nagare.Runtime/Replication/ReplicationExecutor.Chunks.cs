using System.Collections.Immutable;
using Nagare.Core.Connectors;

namespace Nagare.Runtime.Replication;

public sealed partial class ReplicationExecutor
{
    /// <summary>State key prefix of a staged chunk's largest cursor value.</summary>
    private const string ChunkCursorPrefix = "chunk_cursor:";

    private async Task<string?> RunChunkedAsync(ReplicationPlan plan, TablePlan table, string key, int chunks, TableCounters counters, CancellationToken cancellationToken)
    {
        var sourcePlan = table.Sources[0];
        var keyType = sourcePlan.Stream.Find(key)!.Type;
        var label = table.Target.ToString();
        var splitter = (IKeyRangeSource)SourceOf(table);
        var state = await destination.LoadStateAsync(plan.Sync.Name, table.StateKey, cancellationToken).ConfigureAwait(false);

        // With a stored cursor every chunk reads only its rows past it, as an unchunked run would read the table.
        var cursorType = sourcePlan.CursorIndex >= 0 ? sourcePlan.ReadColumns[sourcePlan.CursorIndex].Type : null;
        var after = table.UsesCursor && state is { Cursor: { } stored } && state.CursorColumn == table.Cursor ? CursorValues.Parse(stored, cursorType!) : null;
        var cursor = after is null ? null : new CursorRange(table.Cursor!, after);

        // Staged chunks of an interrupted run were read at another moment of the source. A merge with a cursor
        // finds what changed in them since (rows past the cursor value each had reached) and merges it after the
        // publish. Without a cursor, changed and deleted rows cannot be told from unchanged ones, so the staged
        // chunks are read again: a resumed run never publishes rows of two moments side by side.
        var staged = state is { CompletedChunks.IsDefaultOrEmpty: false } &&
            state.Extra.TryGetValue(ChunkPlanCodec.StateKey, out var storedPlan) && storedPlan.Contains($"\"column\":\"{key}\"", StringComparison.Ordinal);
        var catchUp = table.Mode == WriteMode.Merge && table.UsesCursor && table.Config.DeleteDetection == DeleteDetection.None;
        var resumable = staged && catchUp;
        var discarded = staged && !resumable ? state!.CompletedChunks.Length : 0;
        IReadOnlyList<KeyRange> ranges = resumable
            ? ChunkPlanCodec.Decode(state!.Extra[ChunkPlanCodec.StateKey], keyType)
            : await options.Retry.ExecuteAsync((_, ct) => splitter.SplitAsync(sourcePlan.Stream, key, chunks, ct), options.Time, null, cancellationToken).ConfigureAwait(false);
        var request = WriteRequestFor(plan, table);
        object? max = after;
        var maxLock = new object();

        var chunkedDestination = (IChunkedDestination)destination;
        var baseState = state ?? StreamState.Empty;
        var checkpoint = new StreamState(
            baseState.Cursor,
            baseState.CursorColumn,
            resumable ? baseState.CompletedChunks : [],
            (resumable ? baseState.Extra : WithoutChunkCursors(baseState.Extra)).SetItem(ChunkPlanCodec.StateKey, ChunkPlanCodec.Encode(ranges)));
        await using var chunked = await chunkedDestination.OpenChunkedWriterAsync(request, checkpoint, cancellationToken).ConfigureAwait(false);
        var done = chunked.CompletedChunks.IsDefault ? [] : chunked.CompletedChunks.ToHashSet();
        var todo = ranges.Where(r => !done.Contains(r.Index)).ToList();
        var resumed = ranges.Where(r => done.Contains(r.Index)).ToList();
        counters.ChunksResumed = resumed.Count;

        // How far each staged chunk had read: its own largest cursor value, or the run's starting cursor.
        var reached = resumed.ToDictionary(
            r => r.Index,
            r => checkpoint.Extra.TryGetValue(ChunkCursorKey(r.Index), out var text) && cursorType is not null ? MaxOf(CursorValues.Parse(text, cursorType), after) : after);
        foreach (var value in reached.Values)
        {
            max = MaxOf(max, value);
        }

        var rejectedAll = new List<RejectedRow>();
        // The run's snapshot when it has one; else one for this table's chunks.
        var runSnapshot = RunSnapshotOf(SourceOf(table));
        ISourceSnapshot? snapshot = null;
        if (runSnapshot is null && SourceOf(table) is ISnapshotSource snapshots && todo.Count > 1)
        {
            snapshot = await snapshots.BeginSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }

        var snapshotToken = runSnapshot ?? snapshot?.Token;

        using var atOnce = new SemaphoreSlim(Math.Max(1, options.ChunksAtOnce));
        try
        {
            var copies = todo.Select(range => options.Retry.ExecuteAsync(
                async (attempt, ct) =>
                {
                    await atOnce.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        await WithSlotsAsync($"{label} [chunk {range.Index + 1}/{ranges.Count}]", counters, async _ =>
                        {
                            var rejected = new List<RejectedRow>();
                            var chunkCounters = new TableCounters();
                            await using var writer = await chunked.OpenChunkAsync(range.Index, ct).ConfigureAwait(false);
                            var read = new ReadRequest(sourcePlan.Stream, sourcePlan.ReadColumns, Filter: sourcePlan.Filter, Cursor: cursor, Range: range, Snapshot: snapshotToken, BatchSize: options.BatchSize);
                            var chunkMax = await CopySourceAsync(sourcePlan, table, read, writer, rejected, chunkCounters, ct).ConfigureAwait(false);

                            // Staged with the chunk, so a resumed run knows from where to look for rows changed since.
                            var chunkState = chunkMax is null
                                ? null
                                : StreamState.Empty with { Extra = ImmutableDictionary<string, string>.Empty.Add(ChunkCursorKey(range.Index), CursorValues.Format(chunkMax)) };
                            await writer.CommitAsync(chunkState, ct).ConfigureAwait(false);
                            lock (maxLock)
                            {
                                max = MaxOf(max, chunkMax);
                                rejectedAll.AddRange(rejected);
                                counters.AddRead(chunkCounters.Read);
                                counters.AddWritten(chunkCounters.Written);
                                counters.AddRejected(chunkCounters.Rejected);
                                counters.Chunks++;
                            }
                        }, ct, table.Connection).ConfigureAwait(false);
                    }
                    finally
                    {
                        atOnce.Release();
                    }

                    return true;
                },
                options.Time,
                null,
                cancellationToken)).ToList();
            var failures = new List<Exception>();
            foreach (var copy in copies)
            {
                try
                {
                    await copy.ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException and not Connectors.DuckDb.WarehouseLockedException)
                {
                    failures.Add(e);
                }
            }

            if (failures.Count > 0)
            {
                throw new Core.NagareException($"{failures.Count} of {todo.Count} chunks failed (finished chunks stay staged; the next run resumes with the rest): {Describe(failures[0])}");
            }
        }
        finally
        {
            if (snapshot is not null)
            {
                await snapshot.DisposeAsync().ConfigureAwait(false);
            }
        }

        // Until the catch-up below commits, the stored cursor is the lowest any staged chunk had reached, so a run
        // killed in between still reads what changed in those chunks.
        var published = resumed.Count > 0 ? Lowest(reached.Values) : max;
        await WithSlotsAsync(label, counters, async () =>
        {
            counters.Changes = await chunked.CommitAsync(FinalState(state, table, published), cancellationToken).ConfigureAwait(false);
            await QuarantineAsync(plan, table, rejectedAll, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        if (resumed.Count == 0)
        {
            return discarded > 0
                ? $"{ranges.Count} chunks, all read again: the {discarded} staged by an interrupted run may have changed since, and without a cursor the changes cannot be found"
                : $"{ranges.Count} chunks";
        }

        var caughtUp = await CatchUpAsync(plan, table, resumed, reached, state, max, counters, cancellationToken).ConfigureAwait(false);
        return $"{ranges.Count} chunks, resumed after {resumed.Count} already staged; {caughtUp} rows changed in those since the interrupted run were read again and merged";
    }

    /// <summary>
    /// Merges the rows of <paramref name="resumed"/> chunks that changed after an interrupted run staged them: in
    /// each chunk's key range, the rows past the cursor value that chunk had reached. Returns the rows read.
    /// </summary>
    private async Task<long> CatchUpAsync(ReplicationPlan plan, TablePlan table, List<KeyRange> resumed, Dictionary<int, object?> reached, StreamState? state, object? max, TableCounters counters, CancellationToken cancellationToken)
    {
        var sourcePlan = table.Sources[0];
        var request = WriteRequestFor(plan, table);
        var read = 0L;
        await options.Retry.ExecuteAsync(
            async (attempt, ct) =>
            {
                await WithSlotsAsync(table.Target.ToString(), counters, async _ =>
                {
                    var rejected = new List<RejectedRow>();
                    var caught = new TableCounters();
                    var newest = max;
                    await using var writer = await destination.OpenWriterAsync(request, ct).ConfigureAwait(false);
                    foreach (var range in resumed)
                    {
                        var since = new ReadRequest(sourcePlan.Stream, sourcePlan.ReadColumns, Filter: sourcePlan.Filter, Cursor: new CursorRange(table.Cursor!, reached[range.Index]), Range: range, Snapshot: RunSnapshotOf(SourceOf(table)), BatchSize: options.BatchSize);
                        newest = MaxOf(newest, await CopySourceAsync(sourcePlan, table, since, writer, rejected, caught, ct).ConfigureAwait(false));
                    }

                    var changes = await writer.CommitAsync(FinalState(state, table, newest), ct).ConfigureAwait(false);
                    counters.Changes = counters.Changes is { } first
                        ? new WriteResult(
                            first.RowsWritten + changes.RowsWritten,
                            first.RowsInserted + changes.RowsInserted,
                            first.RowsUpdated + changes.RowsUpdated,
                            first.RowsDeleted + changes.RowsDeleted,
                            first.RowsUnchanged + changes.RowsUnchanged)
                        : changes;
                    counters.AddRead(caught.Read);
                    counters.AddWritten(caught.Written);
                    counters.AddRejected(caught.Rejected);
                    read = caught.Read;
                    await QuarantineAsync(plan, table, rejected, ct).ConfigureAwait(false);
                }, ct, table.Connection).ConfigureAwait(false);
                return true;
            },
            options.Time,
            null,
            cancellationToken).ConfigureAwait(false);
        return read;
    }

    private static string ChunkCursorKey(int chunkIndex) => ChunkCursorPrefix + chunkIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ImmutableDictionary<string, string> WithoutChunkCursors(ImmutableDictionary<string, string> extra) =>
        extra.RemoveRange(extra.Keys.Where(k => k.StartsWith(ChunkCursorPrefix, StringComparison.Ordinal)).ToList());

    /// <summary>The lowest of <paramref name="values"/>, where null (nothing reached) is lowest of all.</summary>
    private static object? Lowest(IEnumerable<object?> values)
    {
        object? lowest = null;
        var first = true;
        foreach (var value in values)
        {
            if (value is null)
            {
                return null;
            }

            lowest = first || Comparer<object>.Default.Compare(value, lowest) < 0 ? value : lowest;
            first = false;
        }

        return lowest;
    }

    private static StreamState FinalState(StreamState? previous, TablePlan table, object? max)
    {
        var extra = WithoutChunkCursors((previous?.Extra ?? ImmutableDictionary<string, string>.Empty).Remove(ChunkPlanCodec.StateKey));
        var cursor = max is not null ? CursorValues.Format(max) : null;
        return new StreamState(cursor, table.Cursor, [], extra);
    }

    private static object? MaxOf(object? a, object? b) =>
        a is null ? b : b is null ? a : Comparer<object>.Default.Compare(a, b) >= 0 ? a : b;
}
