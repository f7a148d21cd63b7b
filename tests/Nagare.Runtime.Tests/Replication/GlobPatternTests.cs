using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Tests.Replication;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("public.*", "public.orders", true)]
    [InlineData("public.*", "sales.orders", false)]
    [InlineData("shard_*.orders_*", "shard_07.orders_2024", true)]
    [InlineData("shard_*.orders_*", "shard_07.customers", false)]
    [InlineData("*.orders", "a.b.orders", true)]
    [InlineData("s?.t", "s1.t", true)]
    [InlineData("s?.t", "s12.t", false)]
    [InlineData("s[0-2].t", "s1.t", true)]
    [InlineData("s[!0-2].t", "s1.t", false)]
    [InlineData("*", "", true)]
    [InlineData("Public.*", "public.x", false)]
    public void IsMatch_Pattern_MatchesWholeText(string pattern, string text, bool expected) =>
        Assert.Equal(expected, GlobPattern.IsMatch(pattern, text));

    [Theory]
    [InlineData("public.users")]
    [InlineData("odd.a*b")]
    [InlineData("odd.what?")]
    [InlineData("odd.[draft] x")]
    [InlineData("odd.[!]*?")]
    public void Escape_AnyName_MatchesExactlyThatName(string name)
    {
        var glob = GlobPattern.Escape(name);

        Assert.True(GlobPattern.IsMatch(glob, name));
        Assert.False(GlobPattern.IsMatch(glob, name + "x"));
        Assert.False(GlobPattern.IsMatch(glob, name.Replace('.', '_')));
    }

    [Fact]
    public void Escape_Wildcards_BecomeOneCharacterSets()
    {
        Assert.Equal("a[*]b[?]c[[]d]", GlobPattern.Escape("a*b?c[d]"));
        Assert.False(GlobPattern.IsMatch(GlobPattern.Escape("a*b"), "axxb"));
    }
}
