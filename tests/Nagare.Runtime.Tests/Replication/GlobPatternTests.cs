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
}
