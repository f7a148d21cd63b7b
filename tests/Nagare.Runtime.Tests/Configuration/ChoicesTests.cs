using Nagare.Core.Connectors;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Tests.Configuration;

public sealed class ChoicesTests
{
    private static readonly Choices<WriteMode> Modes = new(("merge", WriteMode.Merge), ("append", WriteMode.Append), ("full_refresh", WriteMode.FullRefresh));

    [Theory]
    [InlineData("merge", WriteMode.Merge)]
    [InlineData("append", WriteMode.Append)]
    [InlineData("full_refresh", WriteMode.FullRefresh)]
    public void TryGetValue_WrittenName_GivesItsValue(string name, WriteMode expected)
    {
        Assert.True(Modes.TryGetValue(name, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("Merge")]
    [InlineData("merge ")]
    [InlineData("")]
    public void TryGetValue_OtherSpelling_IsNotAChoice(string name)
    {
        Assert.False(Modes.TryGetValue(name, out _));
    }

    [Fact]
    public void Names_AreSortedOrdinally()
    {
        Assert.Equal(["append", "full_refresh", "merge"], Modes.Names);
    }

    [Fact]
    public void Choice_UnknownName_ListsTheNamesAndSuggestsTheNearest()
    {
        var file = Path.Combine(Path.GetTempPath(), "nagare-choices-" + Guid.NewGuid().ToString("N") + ".yml");
        File.WriteAllText(file, "mode: merg\n");
        try
        {
            var section = YamlSection.Load(file, "syncs/orders.yml", _ => null);
            var error = Assert.Throws<ConfigException>(() => section.Choice("mode", Modes));
            Assert.Contains("'merg' is not one of append, full_refresh, merge (did you mean 'merge'?)", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
