using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// TIME WITH TIME ZONE: 64 bits holding microseconds since midnight (upper 40 bits) and an
/// encoded offset in seconds (lower 24 bits, stored as <c>57599 - offset</c> so it sorts).
/// </summary>
internal sealed unsafe class TimeTzVectorReader : VectorReader
{
    public TimeTzVectorReader()
        : base(DuckDbType.TimeTz, "TIME WITH TIME ZONE", typeof(DuckDbTimeTz))
    {
    }

    public DuckDbTimeTz Read(ulong row) => DuckDbTimeTz.FromBits(((ulong*)Data)[row]);

    public override object GetValue(ulong row) => Read(row);

    public override TimeOnly GetTimeOnly(ulong row) => Read(row).Time;

    public override T GetFieldValue<T>(ulong row) =>
        typeof(T) == typeof(DuckDbTimeTz) || typeof(T) == typeof(DuckDbTimeTz?) ? (T)(object)Read(row) : base.GetFieldValue<T>(row);
}
