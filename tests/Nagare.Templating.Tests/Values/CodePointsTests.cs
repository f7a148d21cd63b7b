using Nagare.Templating.Values;

namespace Nagare.Templating.Tests.Values;

public sealed class CodePointsTests
{
    [Fact]
    public void IndexMapping_StringWithoutSurrogates_AllocatesNothing()
    {
        var text = new string('x', 1000);
        Measure(text);

        // Many calls, so a one-off allocation by the runtime (tiered compilation) cannot pass for a per-call one.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = 0L;
        for (var i = 0; i < 1000; i++)
        {
            sum += Measure(text);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1000, $"{allocated} bytes allocated by 1000 calls");
        Assert.Equal(1000L * (1000 + 500 + 250 + 0 + 1), sum);
    }

    [Theory]
    [InlineData("a🎉b", 3, 2, 3)]
    [InlineData("🎉🎉x", 3, 2, 4)]
    [InlineData("ab", 2, 1, 1)]
    public void ToUtf16_SurrogatePairs_CountAsOneCharacter(string text, int length, int index, int utf16)
    {
        Assert.Equal(length, CodePoints.Length(text));
        Assert.Equal(utf16, CodePoints.ToUtf16(text, index));
        Assert.Equal(index, CodePoints.FromUtf16(text, utf16));
    }

    [Theory]
    [InlineData("\uff01", "🎉", -1)]
    [InlineData("🎉", "\uff01", 1)]
    [InlineData("a", "ab", -1)]
    [InlineData("b", "a", 1)]
    [InlineData("🎉", "🎉", 0)]
    public void Compare_MixedPlanes_OrdersByCodePoint(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(CodePoints.Compare(a, b)));
    }

    private static int Measure(string text) =>
        CodePoints.Length(text) + CodePoints.ToUtf16(text, 500) + CodePoints.FromUtf16(text, 250) + CodePoints.Compare(text, text) +
        (CodePoints.HasSurrogates(text) ? 0 : 1);
}
