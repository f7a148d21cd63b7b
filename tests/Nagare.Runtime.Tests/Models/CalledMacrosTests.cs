using System.Text.RegularExpressions;
using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

/// <summary>
/// The macros a file calls, which go into its checksum (and so into <c>state:modified</c>): the same names as the
/// regular expression the checksum was defined with, so that checksums stay what they were.
/// </summary>
public sealed partial class CalledMacrosTests
{
    private static readonly Dictionary<string, string> Checksums = new(StringComparer.Ordinal)
    {
        ["dedup"] = "s1",
        ["cents_to_dollars"] = "s2",
        ["_private"] = "s3",
        ["star"] = "s4",
        ["a1"] = "s5",
        ["x"] = "s6",
    };

    [Theory]
    [InlineData("select {{ dedup('t') }}, {{ cents_to_dollars ('amount') }} from x", "cents_to_dollars,dedup")]
    [InlineData("{{ dbt_utils.star(from=ref('a')) }}", "star")]
    [InlineData("{{ dedup(dedup(x(1))) }}", "dedup,x")]
    [InlineData("select count(*), sum(a) from t", "")]
    [InlineData("{{ _private\n\t(1) }} {{ a1(2) }}", "_private,a1")]
    [InlineData("{{ 1dedup(1) }} {{ éstar(1) }} {{ _star(1) }} {{ stared(1) }} {{ xstar (1) }}", "")]
    [InlineData("{{ é.star(1) }} {{ -x(1) }} (dedup) ( x", "star,x")]
    [InlineData("(((((", "")]
    [InlineData("", "")]
    public void CalledMacros_FindsWhatTheChecksumsRegularExpressionFinds(string text, string expected)
    {
        var found = ModelRenderer.CalledMacros(text, Checksums);

        Assert.Equal(expected, string.Join(",", found.Select(f => f.Key)));
        Assert.Equal(ByRegex(text), found);
    }

    [Fact]
    public void CalledMacros_RandomText_SameAsTheRegularExpression()
    {
        var random = new Random(20261207);
        const string alphabet = "ax1_é. \n(tarsdeupxX";
        for (var i = 0; i < 20_000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 24)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            Assert.True(ByRegex(text).SequenceEqual(ModelRenderer.CalledMacros(text, Checksums)), $"differs on '{text}'");
        }
    }

    private static List<KeyValuePair<string, string>> ByRegex(string text) =>
        [.. CallPattern().Matches(text).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal)
            .Where(Checksums.ContainsKey).Select(n => new KeyValuePair<string, string>(n, Checksums[n]))];

    [GeneratedRegex(@"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")]
    private static partial Regex CallPattern();
}
