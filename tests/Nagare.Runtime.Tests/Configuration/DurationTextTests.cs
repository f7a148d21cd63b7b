using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Tests.Configuration;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("10m", 600_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s500ms", 90_500)]
    [InlineData("90", 90_000)]
    [InlineData(" 0 ", 0)]
    public void Parse_ValidText_GivesTheDuration(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationText.Parse(text));
    }

    [Theory]
    [InlineData("10x", "'x' is not a unit")]
    [InlineData("1.5h", "expected a unit at '.5h'")]
    [InlineData("1h 30m", "expected a number at ' 30m'")]
    [InlineData("30m1h", "units go from the largest down")]
    [InlineData("-5s", "expected a number at '-5s'")]
    [InlineData("", "it is empty")]
    [InlineData("h", "expected a number at 'h'")]
    [InlineData("99999999999999999999d", "too long")]
    public void Parse_InvalidText_SaysWhy(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => DurationText.Parse(text));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(500, "500ms")]
    [InlineData(5_400_000, "1h30m")]
    [InlineData(90_061_000, "1d1h1m1s")]
    public void Format_Duration_ReadsBackTheSame(long milliseconds, string text)
    {
        var value = TimeSpan.FromMilliseconds(milliseconds);

        Assert.Equal(text, DurationText.Format(value));
        Assert.Equal(value, DurationText.Parse(text));
    }
}
