using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>INTERVAL vectors (months, days, microseconds) → <see cref="DuckDbInterval"/>.</summary>
internal sealed unsafe class IntervalVectorReader : VectorReader
{
    public IntervalVectorReader()
        : base(DuckDbType.Interval, "INTERVAL", typeof(DuckDbInterval))
    {
    }

    public DuckDbInterval Read(ulong row)
    {
        var raw = ((DuckDbIntervalStruct*)Data)[row];
        return new DuckDbInterval(raw.Months, raw.Days, raw.Micros);
    }

    public override object GetValue(ulong row) => Read(row);

    public override TimeSpan GetTimeSpan(ulong row)
    {
        var value = Read(row);
        return value.Months == 0
            ? value.ToTimeSpan()
            : throw new InvalidCastException(
                $"Column '{Name}' holds the interval {value}, which has months; months have no fixed length, so it cannot be read as TimeSpan. Read it as DuckDbInterval.");
    }

    public override T GetFieldValue<T>(ulong row) =>
        typeof(T) == typeof(DuckDbInterval) || typeof(T) == typeof(DuckDbInterval?) ? (T)(object)Read(row) : base.GetFieldValue<T>(row);
}
