using Nagare.DuckDb.Native;

namespace Nagare.DuckDb.Reading;

/// <summary>
/// DATE vectors: days since 1970-01-01. <c>infinity</c> and <c>-infinity</c> map to
/// <see cref="DateOnly.MaxValue"/> and <see cref="DateOnly.MinValue"/>; other dates outside
/// years 1..9999 throw <see cref="OverflowException"/>.
/// </summary>
internal sealed unsafe class DateVectorReader : VectorReader
{
    private const int EpochDayNumber = 719162;
    private const int Infinity = int.MaxValue;

    public DateVectorReader()
        : base(DuckDbType.Date, "DATE", typeof(DateOnly))
    {
    }

    public override object GetValue(ulong row) => GetDateOnly(row);

    public override DateOnly GetDateOnly(ulong row)
    {
        var days = ((int*)Data)[row];
        if (days == Infinity)
        {
            return DateOnly.MaxValue;
        }

        if (days == -Infinity)
        {
            return DateOnly.MinValue;
        }

        var dayNumber = (long)days + EpochDayNumber;
        if (dayNumber < 0 || dayNumber > DateOnly.MaxValue.DayNumber)
        {
            throw OutOfRange($"{days} days from 1970-01-01", typeof(DateOnly));
        }

        return DateOnly.FromDayNumber((int)dayNumber);
    }

    public override DateTime GetDateTime(ulong row) => GetDateOnly(row).ToDateTime(TimeOnly.MinValue);
}
