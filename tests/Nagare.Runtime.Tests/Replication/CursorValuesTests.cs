using Nagare.Core.Types;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Tests.Replication;

public sealed class CursorValuesTests
{
    [Fact]
    public void Format_TimeKinds_CanonicalText()
    {
        Assert.Equal("2024-01-02T03:04:05.5Z", CursorValues.Format(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 500, TimeSpan.Zero)));
        Assert.Equal("2026-01-07T11:15:00", CursorValues.Format(new DateTime(2026, 1, 7, 11, 15, 0)));
        Assert.Equal("03:04:05.000001", CursorValues.Format(new TimeOnly(3, 4, 5).Add(TimeSpan.FromTicks(10))));
        Assert.Equal("2024-01-02", CursorValues.Format(new DateOnly(2024, 1, 2)));
        Assert.Equal("12.50", CursorValues.Format(new DecimalValue(1250, 2)));
        Assert.Equal("0.1", CursorValues.Format(0.1));
    }

    /// <summary>The forms stored by versions that wrote six fixed fraction digits must still resume a sync.</summary>
    [Theory]
    [InlineData("2024-01-02T03:04:05.500000Z", "timestamptz")]
    [InlineData("2024-01-02T03:04:05.000000Z", "timestamptz")]
    [InlineData("2026-01-07T11:15:00.000000", "timestamp")]
    [InlineData("03:04:05.000001", "time")]
    public void Parse_FormsWrittenByEarlierVersions_SameValueAsTheCanonicalText(string old, string type)
    {
        var columnType = ColumnType.Parse(type);

        var parsed = CursorValues.Parse(old, columnType);

        Assert.Equal(parsed, CursorValues.Parse(CursorValues.Format(parsed), columnType));
    }

    [Fact]
    public void Parse_OldForms_ExactValues()
    {
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 500, TimeSpan.Zero), CursorValues.Parse("2024-01-02T03:04:05.500000Z", ColumnType.TimestampTz));
        Assert.Equal(new DateTime(2026, 1, 7, 11, 15, 0), CursorValues.Parse("2026-01-07T11:15:00.000000", ColumnType.Timestamp));
        Assert.Equal(new TimeOnly(3, 4, 5).Add(TimeSpan.FromTicks(10)), CursorValues.Parse("03:04:05.000001", ColumnType.Time));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 500, TimeSpan.Zero), CursorValues.Parse("2024-01-02T03:04:05.5Z", ColumnType.TimestampTz));
        Assert.Equal(new DateTime(2026, 1, 7, 11, 15, 0), CursorValues.Parse("2026-01-07T11:15:00", ColumnType.Timestamp));
    }
}
