using System.CommandLine;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;

namespace Nagare.Cli.Commands;

/// <summary>The <c>--project DIR</c> option shared by the project commands, and how they read the project.</summary>
internal static class ProjectOption
{
    public static Option<string> Create() => new("--project", "-p")
    {
        Description = "Project folder (holding nagare.yml).",
        DefaultValueFactory = _ => ".",
    };

    /// <summary>
    /// Reads the project; connections and syncs whose files have problems are left out, so only a command using
    /// one of them fails (saying why). Prefer the overload taking the context, which warns about them.
    /// </summary>
    public static ProjectConfig Load(ParseResult parse, Option<string> option) =>
        ProjectLoader.Read(parse.GetValue(option)!, ConnectorRegistry.Default);

    /// <summary>Reads the project and warns on standard error about every connection and sync left out, and why.</summary>
    public static ProjectConfig Load(ParseResult parse, Option<string> option, CliContext context)
    {
        var config = Load(parse, option);
        WarnBroken(config, context);
        return config;
    }

    /// <summary>One warning per connection or sync left out of <paramref name="config"/>, naming its file's problems.</summary>
    public static void WarnBroken(ProjectConfig config, CliContext context)
    {
        foreach (var broken in config.Broken)
        {
            context.Error.WriteLine($"warning: {broken.Kind} '{broken.Name}' is skipped: {broken.Problem.Message}");
        }
    }
}
