namespace Nagare.Runtime.Configuration;

/// <summary>Project-wide defaults (<c>defaults:</c> in <c>nagare.yml</c>).</summary>
/// <param name="Parallelism">Streams (and chunks) copied at once in a sync run.</param>
/// <param name="MaxConcurrency">Default <c>max_concurrency</c> of a connection.</param>
/// <param name="ChunkRows">Default rows per chunk for big tables.</param>
/// <param name="BatchSize">Rows per batch read from sources.</param>
public sealed record ProjectDefaults(int Parallelism, int MaxConcurrency, long ChunkRows, int BatchSize)
{
    /// <summary>4 streams at once, 4 per connection, one-million-row chunks, 8,192-row batches.</summary>
    public static ProjectDefaults Default { get; } = new(4, 4, ChunkingConfig.DefaultChunkRows, Core.Batches.ColumnBatch.DefaultCapacity);
}
