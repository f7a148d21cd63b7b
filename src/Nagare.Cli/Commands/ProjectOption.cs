using System.CommandLine;
using Nagare.Cli.Commands.Pipelines;
using Nagare.Runtime.Access;
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
    /// <param name="parse">The command line.</param>
    /// <param name="option">The <c>--project</c> option.</param>
    /// <param name="store">
    /// The metadata store holding the secrets that <c>${secret:NAME}</c> references name (<c>--store</c>); null for
    /// <c>NAGARE_STORE</c>, else the project's SQLite store. It is opened only when a file references a secret.
    /// </param>
    public static ProjectConfig Load(ParseResult parse, Option<string> option, string? store = null)
    {
        var directory = parse.GetValue(option)!;
        var secrets = StoredSecrets.OnDemand(store ?? Environment.GetEnvironmentVariable(PipelineOptions.StoreVariable), directory);
        return ProjectLoader.Read(directory, ConnectorRegistry.Default, SecretReferences.Lookup(secrets));
    }

    /// <summary>Reads the project and warns on standard error about every connection and sync left out, and why.</summary>
    /// <inheritdoc cref="Load(ParseResult, Option{string}, string?)" path="/param"/>
    public static ProjectConfig Load(ParseResult parse, Option<string> option, CliContext context, string? store = null)
    {
        var config = Load(parse, option, store);
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
