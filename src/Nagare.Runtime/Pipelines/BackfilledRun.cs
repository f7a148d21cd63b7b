namespace Nagare.Runtime.Pipelines;

/// <summary>A run of a backfill: the run created (or found) and the logical date it is for.</summary>
/// <param name="Id">The run's id.</param>
/// <param name="State">Its state right after creation, or its current state when an earlier backfill made it.</param>
/// <param name="Existing">True when an earlier backfill of the same date and parameters made it.</param>
/// <param name="LogicalDate">The date it is for (several runs share one for a schedule of several ticks a day).</param>
/// <param name="ScheduledAt">The tick it stands for, in the schedule's zone (midnight of the date without a schedule).</param>
public sealed record BackfilledRun(long Id, string State, bool Existing, DateOnly LogicalDate, DateTimeOffset ScheduledAt);
