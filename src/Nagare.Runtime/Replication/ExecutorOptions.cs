using Nagare.Core.Batches;

namespace Nagare.Runtime.Replication;

/// <summary>How a sync run uses its sources and destinations.</summary>
/// <param name="Threads">Streams and chunks copied at once (global parallelism).</param>
/// <param name="SourceConcurrency">Most streams or chunks read from the source at once (its <c>max_concurrency</c>).</param>
/// <param name="DestinationConcurrency">Most writers open on the destination at once.</param>
/// <param name="SameConnection">Source and destination are one connection (one limit for both).</param>
/// <param name="BatchSize">Rows per batch read.</param>
public sealed record ExecutorOptions(int Threads = 4, int SourceConcurrency = 4, int DestinationConcurrency = 4, bool SameConnection = false, int BatchSize = ColumnBatch.DefaultCapacity)
{
    /// <summary>Retries of transient failures.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>The clock (back-off waits and durations).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Receives progress reports, or null.</summary>
    public IProgress<SyncProgress>? Progress { get; init; }

    /// <summary>Called once per destination table as it finishes, or null.</summary>
    public Action<StreamResult>? StreamFinished { get; init; }

    /// <summary>
    /// Most chunks of one table copied at once (within <see cref="Threads"/>): one per two cores, since each keeps
    /// about two busy (decoding the rows, and the destination storing them). Two chunks of a 2M-row table at once on
    /// two cores took about 0.1 s (median of five) and 0.25 CPU s more than one after the other.
    /// </summary>
    public int ChunksAtOnce { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);
}
