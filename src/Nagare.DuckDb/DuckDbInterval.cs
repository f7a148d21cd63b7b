using System.Globalization;

namespace Nagare.DuckDb;

/// <summary>
/// A DuckDB INTERVAL: months, days and microseconds are kept apart because a month has no fixed
/// number of days and a day no fixed number of hours (daylight saving), exactly as DuckDB does.
/// </summary>
/// <param name="Months">Whole months.</param>
/// <param name="Days">Whole days.</param>
/// <param name="Micros">Microseconds.</param>
public readonly record struct DuckDbInterval(int Months, int Days, long Micros)
{
    /// <summary>An interval of days and microseconds equal to <paramref name="value"/> (100 ns ticks are truncated).</summary>
    public static DuckDbInterval FromTimeSpan(TimeSpan value) =>
        new(0, value.Days, (value.Ticks - (value.Days * TimeSpan.TicksPerDay)) / TimeSpan.TicksPerMicrosecond);

    /// <summary>Days and microseconds as a <see cref="TimeSpan"/>; throws when the interval has months.</summary>
    public TimeSpan ToTimeSpan() => Months == 0
        ? TimeSpan.FromTicks((Days * TimeSpan.TicksPerDay) + (Micros * TimeSpan.TicksPerMicrosecond))
        : throw new InvalidOperationException($"The interval {this} has months, which have no fixed length.");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Months} months {Days} days {Micros} microseconds");
}
