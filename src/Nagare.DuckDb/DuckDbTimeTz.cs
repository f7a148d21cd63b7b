using System.Globalization;

namespace Nagare.DuckDb;

/// <summary>
/// A DuckDB TIME WITH TIME ZONE: a time of day and its UTC offset in seconds. DuckDB allows offsets
/// of up to ±15:59:59 with second precision, beyond what <see cref="DateTimeOffset"/> accepts, so the
/// value has its own type.
/// </summary>
/// <param name="Time">Local time of day.</param>
/// <param name="OffsetSeconds">Offset from UTC in seconds (positive east of Greenwich).</param>
public readonly record struct DuckDbTimeTz(TimeOnly Time, int OffsetSeconds)
{
    private const int MaxOffsetSeconds = (16 * 60 * 60) - 1;

    /// <summary>The offset from UTC.</summary>
    public TimeSpan Offset => TimeSpan.FromSeconds(OffsetSeconds);

    /// <summary>This time on <paramref name="date"/>; needs an offset that <see cref="DateTimeOffset"/> accepts (whole minutes, ±14 h).</summary>
    public DateTimeOffset ToDateTimeOffset(DateOnly date) => new(date.ToDateTime(Time), Offset);

    /// <summary>Decodes DuckDB's 64-bit representation (micros in the upper 40 bits, encoded offset in the lower 24).</summary>
    internal static DuckDbTimeTz FromBits(ulong bits)
    {
        var micros = (long)(bits >> 24);
        var offset = MaxOffsetSeconds - (int)(bits & 0xFFFFFF);
        var ticks = micros * TimeSpan.TicksPerMicrosecond;
        return new DuckDbTimeTz(ticks >= TimeOnly.MaxValue.Ticks ? TimeOnly.MaxValue : new TimeOnly(ticks), offset);
    }

    /// <summary>Encodes DuckDB's 64-bit representation.</summary>
    internal ulong ToBits() =>
        ((ulong)(Time.Ticks / TimeSpan.TicksPerMicrosecond) << 24) | (ulong)(uint)(MaxOffsetSeconds - OffsetSeconds);

    public override string ToString()
    {
        var sign = OffsetSeconds < 0 ? '-' : '+';
        var offset = TimeSpan.FromSeconds(Math.Abs(OffsetSeconds));
        return string.Create(CultureInfo.InvariantCulture, $"{Time:HH:mm:ss.FFFFFF}{sign}{offset:hh\\:mm\\:ss}");
    }
}
