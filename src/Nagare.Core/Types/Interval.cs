namespace Nagare.Core.Types;

/// <summary>A calendar interval as SQL databases store it: months, days and microseconds kept apart.</summary>
/// <param name="Months">Whole months.</param>
/// <param name="Days">Whole days.</param>
/// <param name="Microseconds">The rest, in microseconds.</param>
public readonly record struct Interval(int Months, int Days, long Microseconds);
