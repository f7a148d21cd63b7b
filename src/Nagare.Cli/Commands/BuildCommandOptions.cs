using System.CommandLine;
using Nagare.DuckDb;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Models;

namespace Nagare.Cli.Commands;

/// <summary>Options shared by the model commands (compile, build, run, test, seed, ls, show, docs) and how they load a project.</summary>
internal sealed class BuildCommandOptions
{
    public Option<string> Project { get; } = new("--project", "-p", "--project-dir")
    {
        Description = "Project folder (with nagare.yml or dbt_project.yml).",
        DefaultValueFactory = _ => ".",
    };

    public Option<string?> Target { get; } = new("--target", "-t") { Description = "Target (environment) to build into, e.g. dev, prod, ci." };

    public Option<string?> Vars { get; } = new("--vars") { Description = "Variables as YAML, e.g. '{start_date: 2024-01-01}'; they win over the project's." };

    public Option<string[]> Select { get; } = new("--select", "-s")
    {
        Description = "Nodes to include: name, +name, name+, tag:x, path:dir, source:x+, config.materialized:table, state:modified+ …",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string[]> Exclude { get; } = new("--exclude")
    {
        Description = "Nodes to leave out (same syntax as --select).",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string?> State { get; } = new("--state") { Description = "Folder with the manifest.json of an earlier compile, for state:modified." };

    public void AddProjectOptions(Command command)
    {
        command.Options.Add(Project);
        command.Options.Add(Target);
        command.Options.Add(Vars);
    }

    public void AddSelection(Command command)
    {
        command.Options.Add(Select);
        command.Options.Add(Exclude);
        command.Options.Add(State);
    }

    public ModelProject LoadProject(ParseResult parse, CliContext context)
    {
        var directory = parse.GetValue(Project)!;
        var target = parse.GetValue(Target);
        var vars = ModelProject.ParseVars(parse.GetValue(Vars));
        if (ModelProject.IsDbt(directory) || !File.Exists(Path.Combine(directory, ProjectConfig.FileName)))
        {
            return ModelProject.Load(directory, target, vars);
        }

        // The same reading of nagare.yml as every other command: a key valid for sync is valid here, and a typo fails both.
        var config = ProjectOption.Load(parse, Project, context);
        return ModelProject.Load(config, target, vars);
    }

    public Manifest Compile(ParseResult parse, CliContext context, ModelProject project, Func<DuckDbConnection>? connection, bool writeArtifacts = true)
    {
        var options = new CompileOptions
        {
            Log = message => context.Error.WriteLine(message),
            Connection = connection,
            WriteArtifacts = writeArtifacts,
        };
        return ModelCompiler.Compile(project, options);
    }

    public IReadOnlySet<string> SelectNodes(ParseResult parse, Manifest manifest)
    {
        var statePath = parse.GetValue(State);
        var state = statePath is null ? null : SavedState.Read(statePath);
        return NodeSelector.Select(manifest, parse.GetValue(Select), parse.GetValue(Exclude), state);
    }
}
