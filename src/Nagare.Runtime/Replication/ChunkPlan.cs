namespace Nagare.Runtime.Replication;

/// <summary>How a big table is copied in key-range chunks, decided when the sync is planned.</summary>
/// <param name="Key">The single key column the source splits on.</param>
/// <param name="Chunks">About how many ranges to split into (1..10,000).</param>
public sealed record ChunkPlan(string Key, int Chunks);
