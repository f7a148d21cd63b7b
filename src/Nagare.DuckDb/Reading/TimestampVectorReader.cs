using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// TIMESTAMP_S/_MS/TIMESTAMP/_NS (→ <see cref="DateTime"/>, kind Unspecified) and TIMESTAMPTZ /
/// TIMESTAMPTZ_NS (→ <see cref="DateTimeOffset"/> in UTC): an int64 count of units since the Unix
/// epoch. Nanoseconds keep 100 ns ticks. <c>infinity</c>/<c>-infinity</c> map to MaxValue/MinValue;
/// other values outside years 1..9999 throw <see cref="OverflowException"/>.
/// </summary>
internal sealed unsafe class TimestampVectorReader : VectorReader
{
    private readonly long _ticksMultiplier;
    private readonly long _ticksDivisor;
    private readonly bool _utc;

    public TimestampVectorReader(DuckDbType type)
        : base(type, NameOf(type), IsUtc(type) ? typeof(DateTimeOffset) : typeof(DateTime))
    {
        _utc = IsUtc(type);
        (_ticksMultiplier, _ticksDivisor) = type switch
        {
            DuckDbType.TimestampS => (TimeSpan.TicksPerSecond, 1L),
            DuckDbType.TimestampMs => (TimeSpan.TicksPerMillisecond, 1L),
            DuckDbType.TimestampNs or DuckDbType.TimestampTzNs => (1L, 100L),
            _ => (TimeSpan.TicksPerMicrosecond, 1L),
        };
    }

    public override object GetValue(ulong row) => _utc ? GetDateTimeOffset(row) : (object)GetDateTime(row);

    public override DateTime GetDateTime(ulong row)
    {
        var raw = ((long*)Data)[row];
        var kind = _utc ? DateTimeKind.Utc : DateTimeKind.Unspecified;
        if (raw == long.MaxValue)
        {
            return DateTime.SpecifyKind(DateTime.MaxValue, kind);
        }

        if (raw == -long.MaxValue)
        {
            return DateTime.SpecifyKind(DateTime.MinValue, kind);
        }

        var ticks = (Int128)raw * _ticksMultiplier / _ticksDivisor + DateTime.UnixEpoch.Ticks;
        if (ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            throw OutOfRange($"{raw} units since 1970-01-01", typeof(DateTime));
        }

        return new DateTime((long)ticks, kind);
    }

    public override DateTimeOffset GetDateTimeOffset(ulong row)
    {
        var value = GetDateTime(row);
        return new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);
    }

    public override DateOnly GetDateOnly(ulong row) => DateOnly.FromDateTime(GetDateTime(row));

    private static bool IsUtc(DuckDbType type) => type is DuckDbType.TimestampTz or DuckDbType.TimestampTzNs;

    private static string NameOf(DuckDbType type) => type switch
    {
        DuckDbType.TimestampS => "TIMESTAMP_S",
        DuckDbType.TimestampMs => "TIMESTAMP_MS",
        DuckDbType.TimestampNs => "TIMESTAMP_NS",
        DuckDbType.TimestampTz => "TIMESTAMP WITH TIME ZONE",
        DuckDbType.TimestampTzNs => "TIMESTAMP_NS WITH TIME ZONE",
        _ => "TIMESTAMP",
    };
}
