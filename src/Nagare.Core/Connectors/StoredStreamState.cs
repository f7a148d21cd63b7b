namespace Nagare.Core.Connectors;

/// <summary>One stream's stored state, as <see cref="IStreamStateStore.ListStatesAsync"/> finds it.</summary>
/// <param name="Stream">The state key (the destination table, e.g. <c>lake.orders</c>).</param>
/// <param name="State">The state, with the chunks of an unfinished chunked load.</param>
/// <param name="UpdatedAt">When it was last committed, where the destination records it.</param>
public sealed record StoredStreamState(string Stream, StreamState State, DateTimeOffset? UpdatedAt);
