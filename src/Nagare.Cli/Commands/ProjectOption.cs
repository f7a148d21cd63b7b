using System.CommandLine;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;

namespace Nagare.Cli.Commands;

/// <summary>The <c>--project DIR</c> option shared by the project commands.</summary>
internal static class ProjectOption
{
    public static Option<string> Create() => new("--project", "-p")
    {
        Description = "Project folder (holding nagare.yml).",
        DefaultValueFactory = _ => ".",
    };

    public static ProjectConfig Load(ParseResult parse, Option<string> option) =>
        ProjectLoader.Load(parse.GetValue(option)!, ConnectorRegistry.Default);
}
