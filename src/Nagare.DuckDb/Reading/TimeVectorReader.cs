using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// TIME (microseconds) and TIME_NS (nanoseconds) since midnight. DuckDB allows
/// <c>24:00:00</c>, which maps to <see cref="TimeOnly.MaxValue"/>.
/// </summary>
internal sealed unsafe class TimeVectorReader : VectorReader
{
    private readonly long _ticksDivisor;
    private readonly long _ticksMultiplier;

    public TimeVectorReader(DuckDbType type)
        : base(type, type == DuckDbType.TimeNs ? "TIME_NS" : "TIME", typeof(TimeOnly))
    {
        (_ticksMultiplier, _ticksDivisor) = type == DuckDbType.TimeNs ? (1L, 100L) : (10L, 1L);
    }

    public override object GetValue(ulong row) => GetTimeOnly(row);

    public override TimeOnly GetTimeOnly(ulong row)
    {
        var ticks = ((long*)Data)[row] * _ticksMultiplier / _ticksDivisor;
        return ticks >= TimeOnly.MaxValue.Ticks ? TimeOnly.MaxValue : new TimeOnly(ticks);
    }

    public override TimeSpan GetTimeSpan(ulong row) => TimeSpan.FromTicks(((long*)Data)[row] * _ticksMultiplier / _ticksDivisor);
}
