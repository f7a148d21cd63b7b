using System.CommandLine;
using Nagare.Runtime.Models.Packages;

namespace Nagare.Cli.Commands;

/// <summary><c>nagare deps</c>: install the packages of packages.yml / dependencies.yml into dbt_packages/ and pin them in package-lock.yml.</summary>
public static class DepsCommand
{
    public static Command Create(CliContext context)
    {
        var project = new Option<string>("--project", "-p", "--project-dir")
        {
            Description = "Project folder (with dbt_project.yml and packages.yml).",
            DefaultValueFactory = _ => ".",
        };
        var upgrade = new Option<bool>("--upgrade") { Description = "Resolve versions and branches again instead of installing what package-lock.yml pins." };
        var hubUrl = new Option<string?>("--hub-url")
        {
            Description = "Where hub packages (package: org/name) are cloned from instead of GitHub, e.g. 'file:///mirror/{org}/{repo}.git'.",
        };
        var command = new Command("deps", "Install the packages of packages.yml (hub, git and local) into dbt_packages/ and write package-lock.yml.");
        command.Options.Add(project);
        command.Options.Add(upgrade);
        command.Options.Add(hubUrl);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var installer = new PackageInstaller(parse.GetValue(project)!, line => context.Out.WriteLine(line))
            {
                Upgrade = parse.GetValue(upgrade),
                HubUrl = parse.GetValue(hubUrl),
            };
            var installed = await installer.InstallAsync(cancellationToken).ConfigureAwait(false);
            if (installed.Count > 0)
            {
                context.Out.WriteLine($"{installed.Count} package(s) installed; pinned in {PackageFile.LockFileName}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
