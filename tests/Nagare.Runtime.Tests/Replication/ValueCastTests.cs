using Nagare.Core.Types;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Tests.Replication;

public sealed class ValueCastTests
{
    private static readonly DateTimeOffset Instant = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560);

    [Fact]
    public void Convert_TimestampTzToString_CanonicalUtcText() =>
        Assert.Equal("2024-01-02T03:04:05.123456Z", ValueCast.Convert(Instant, ColumnType.String));

    [Fact]
    public void Convert_OtherKindsToString_CanonicalText()
    {
        Assert.Equal("2024-01-02T03:04:05", ValueCast.Convert(new DateTime(2024, 1, 2, 3, 4, 5), ColumnType.String));
        Assert.Equal("\\x00ff", ValueCast.Convert(new byte[] { 0, 255 }, ColumnType.String));
        Assert.Equal("P1M2DT3S", ValueCast.Convert(new Interval(1, 2, 3_000_000), ColumnType.String));
        Assert.Equal("1.50", ValueCast.Convert(new DecimalValue(150, 2), ColumnType.String));
        Assert.Equal("-Infinity", ValueCast.Convert(double.NegativeInfinity, ColumnType.String));
    }

    [Fact]
    public void Convert_ListToJson_JsonText() =>
        Assert.Equal("[1,\"a\",\"2024-01-02T03:04:05.123456Z\"]", ValueCast.Convert(new object?[] { 1L, "a", Instant }, ColumnType.Json));

    [Fact]
    public void Convert_CanonicalTextBackToTimestampTz_SameInstant() =>
        Assert.Equal(Instant, ValueCast.Convert("2024-01-02T03:04:05.123456Z", ColumnType.TimestampTz));
}
