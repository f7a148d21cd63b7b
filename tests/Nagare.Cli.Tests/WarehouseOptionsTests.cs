using System.CommandLine;
using Nagare.Cli.Commands;

namespace Nagare.Cli.Tests;

public sealed class WarehouseOptionsTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("--wait", 60)]
    [InlineData("--wait 5", 5)]
    [InlineData("--wait 0", 0)]
    public void WaitFor_Arguments_GiveTheWait(string arguments, int seconds)
    {
        var options = new WarehouseOptions();
        var command = new RootCommand();
        options.AddWait(command);

        var parse = command.Parse(arguments);

        Assert.Empty(parse.Errors);
        Assert.Equal(TimeSpan.FromSeconds(seconds), options.WaitFor(parse));
    }

    [Fact]
    public void WaitFor_NotANumber_IsAParseError()
    {
        var options = new WarehouseOptions();
        var command = new RootCommand();
        options.AddWait(command);

        var parse = command.Parse("--wait soon");

        Assert.Equal("--wait takes a number of seconds, found 'soon'.", Assert.Single(parse.Errors).Message);
    }
}
