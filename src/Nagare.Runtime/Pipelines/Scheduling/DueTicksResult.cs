using System.Collections.Immutable;

namespace Nagare.Runtime.Pipelines.Scheduling;

/// <summary>What a scheduler does for one pipeline now: the ticks to create runs for and the mark to store.</summary>
/// <param name="Ticks">Ticks to create runs for, oldest first (often empty).</param>
/// <param name="NewLastTick">The <c>lastTick</c> to store and pass to the next <see cref="DueTicks.Compute"/>.</param>
public sealed record DueTicksResult(ImmutableArray<DateTimeOffset> Ticks, DateTimeOffset NewLastTick);
