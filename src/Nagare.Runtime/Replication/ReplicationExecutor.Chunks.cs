using System.Collections.Immutable;
using Nagare.Core.Connectors;

namespace Nagare.Runtime.Replication;

public sealed partial class ReplicationExecutor
{
    private const int MaxChunks = 10_000;

    /// <summary>
    /// The key column and chunk count when <paramref name="table"/> is copied in key-range chunks: one source that
    /// can split, a single key column, a mode whose rows do not depend on chunk order (full refresh, or merge
    /// without a stored cursor), and a table estimated bigger than a chunk (or a configured chunk count).
    /// </summary>
    private (string Key, int Chunks)? ChunkingFor(TablePlan table)
    {
        if (source is not IKeyRangeSource || table.Sources.Length != 1 || table.Sources[0].CustomSql is not null ||
            table.Mode is not (WriteMode.FullRefresh or WriteMode.Merge))
        {
            return null;
        }

        var stream = table.Sources[0].Stream;
        var key = table.Config.Chunking.Key ?? (stream.PrimaryKey.Length == 1 ? stream.PrimaryKey[0] : null);
        if (key is null || stream.Find(key) is null)
        {
            return null;
        }

        if (table.Config.Chunking.Chunks is { } chunks)
        {
            return chunks > 1 ? (key, Math.Min(chunks, MaxChunks)) : null;
        }

        var rows = stream.EstimatedRows ?? 0;
        var chunkRows = Math.Max(1, table.Config.Chunking.ChunkRows);
        return rows > chunkRows ? (key, (int)Math.Min(MaxChunks, (rows + chunkRows - 1) / chunkRows)) : null;
    }

    private async Task<string?> RunChunkedAsync(ReplicationPlan plan, TablePlan table, string key, int chunks, TableCounters counters, CancellationToken cancellationToken)
    {
        var sourcePlan = table.Sources[0];
        var keyType = sourcePlan.Stream.Find(key)!.Type;
        var label = table.Target.ToString();
        var splitter = (IKeyRangeSource)source;
        var state = await destination.LoadStateAsync(plan.Sync.Name, table.StateKey, cancellationToken).ConfigureAwait(false);
        var resumable = destination is IChunkedDestination && state is { CompletedChunks.IsDefaultOrEmpty: false } &&
            state.Extra.TryGetValue(ChunkPlanCodec.StateKey, out var stored) && stored.Contains($"\"column\":\"{key}\"", StringComparison.Ordinal);
        IReadOnlyList<KeyRange> ranges = resumable
            ? ChunkPlanCodec.Decode(state!.Extra[ChunkPlanCodec.StateKey], keyType)
            : await options.Retry.ExecuteAsync((_, ct) => splitter.SplitAsync(sourcePlan.Stream, key, chunks, ct), options.Time, null, cancellationToken).ConfigureAwait(false);
        var request = WriteRequestFor(plan, table);
        object? max = null;
        var maxLock = new object();

        if (destination is not IChunkedDestination chunkedDestination)
        {
            // Without staging for chunks, the ranges go through one writer: still atomic, but a killed run restarts.
            await WithSlotsAsync(label, counters, async () =>
            {
                var rejected = new List<RejectedRow>();
                await using var writer = await destination.OpenWriterAsync(request, cancellationToken).ConfigureAwait(false);
                foreach (var range in ranges)
                {
                    var read = new ReadRequest(sourcePlan.Stream, sourcePlan.ReadColumns, Range: range, BatchSize: options.BatchSize);
                    var chunkMax = await CopySourceAsync(sourcePlan, table, read, writer, rejected, counters, cancellationToken).ConfigureAwait(false);
                    max = MaxOf(max, chunkMax);
                    counters.Chunks++;
                }

                counters.Changes = await writer.CommitAsync(FinalState(state, table, max), cancellationToken).ConfigureAwait(false);
                await QuarantineAsync(plan, table, rejected, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            return $"{ranges.Count} chunks in one writer";
        }

        var baseState = state ?? StreamState.Empty;
        var checkpoint = new StreamState(
            baseState.Cursor,
            baseState.CursorColumn,
            resumable ? baseState.CompletedChunks : [],
            baseState.Extra.SetItem(ChunkPlanCodec.StateKey, ChunkPlanCodec.Encode(ranges)));
        await using var chunked = await chunkedDestination.OpenChunkedWriterAsync(request, checkpoint, cancellationToken).ConfigureAwait(false);
        var done = chunked.CompletedChunks.IsDefault ? [] : chunked.CompletedChunks.ToHashSet();
        var todo = ranges.Where(r => !done.Contains(r.Index)).ToList();
        counters.ChunksResumed = ranges.Count - todo.Count;
        var rejectedAll = new List<RejectedRow>();
        ISourceSnapshot? snapshot = null;
        if (source is ISnapshotSource snapshots && todo.Count > 1)
        {
            snapshot = await snapshots.BeginSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var copies = todo.Select(range => options.Retry.ExecuteAsync(
                async (attempt, ct) =>
                {
                    await WithSlotsAsync($"{label} [chunk {range.Index + 1}/{ranges.Count}]", counters, async () =>
                    {
                        var rejected = new List<RejectedRow>();
                        var chunkCounters = new TableCounters();
                        await using var writer = await chunked.OpenChunkAsync(range.Index, ct).ConfigureAwait(false);
                        var read = new ReadRequest(sourcePlan.Stream, sourcePlan.ReadColumns, Range: range, Snapshot: snapshot?.Token, BatchSize: options.BatchSize);
                        var chunkMax = await CopySourceAsync(sourcePlan, table, read, writer, rejected, chunkCounters, ct).ConfigureAwait(false);
                        await writer.CommitAsync(null, ct).ConfigureAwait(false);
                        lock (maxLock)
                        {
                            max = MaxOf(max, chunkMax);
                            rejectedAll.AddRange(rejected);
                            counters.AddRead(chunkCounters.Read);
                            counters.AddWritten(chunkCounters.Written);
                            counters.AddRejected(chunkCounters.Rejected);
                            counters.Chunks++;
                        }
                    }, ct).ConfigureAwait(false);
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
                catch (Exception e) when (e is not OperationCanceledException)
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

        await WithSlotsAsync(label, counters, async () =>
        {
            counters.Changes = await chunked.CommitAsync(FinalState(state, table, max), cancellationToken).ConfigureAwait(false);
            await QuarantineAsync(plan, table, rejectedAll, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return counters.ChunksResumed > 0
            ? $"{ranges.Count} chunks, resumed after {counters.ChunksResumed} already staged"
            : $"{ranges.Count} chunks";
    }

    private static StreamState FinalState(StreamState? previous, TablePlan table, object? max)
    {
        var extra = (previous?.Extra ?? ImmutableDictionary<string, string>.Empty).Remove(ChunkPlanCodec.StateKey);
        var cursor = max is not null ? CursorValues.Format(max) : null;
        return new StreamState(cursor, table.Cursor, [], extra);
    }

    private static object? MaxOf(object? a, object? b) =>
        a is null ? b : b is null ? a : Comparer<object>.Default.Compare(a, b) >= 0 ? a : b;
}
