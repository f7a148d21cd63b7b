namespace Nagare.Runtime.Configuration;

/// <summary>How big tables are split into key-range chunks copied in parallel (<c>chunking:</c>).</summary>
/// <param name="ChunkRows">Rows per chunk; tables estimated larger than this are chunked.</param>
/// <param name="Chunks">A fixed number of chunks (chunking then applies whatever the estimate), or null.</param>
/// <param name="Key">The key column to split on; default: the single-column primary key.</param>
public sealed record ChunkingConfig(long ChunkRows, int? Chunks, string? Key)
{
    /// <summary>The default: <see cref="ProjectDefaults.ChunkRows"/> rows per chunk on the primary key.</summary>
    public static ChunkingConfig Default { get; } = new(ProjectDefaults.Default.ChunkRows, null, null);
}
