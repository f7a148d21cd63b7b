namespace Nagare.Runtime.Models;

internal sealed partial class ProjectScanner
{
    private readonly List<PackageMacroFile> _packageMacros = [];

    /// <summary>Macro files of installed packages (and their tests/generic definitions), package by package.</summary>
    public IReadOnlyList<PackageMacroFile> PackageMacros => _packageMacros;

    /// <summary>
    /// Macros of every package; models, seeds, property files and singular tests of packages whose folders hold
    /// them. Runs before the project's property files are read, so those may describe package nodes too.
    /// </summary>
    private void ScanPackages(List<string> yamlFiles)
    {
        foreach (var package in _project.Packages)
        {
            foreach (var dir in package.ModelPaths.Select(d => Path.Combine(package.Root, d)))
            {
                foreach (var file in Files(dir, "*.sql"))
                {
                    AddModel(dir, file, ReadText(file), package);
                }

                yamlFiles.AddRange(Files(dir, "*.yml").Concat(Files(dir, "*.yaml")));
            }

            foreach (var dir in package.SeedPaths.Select(d => Path.Combine(package.Root, d)))
            {
                foreach (var file in Files(dir, "*.csv"))
                {
                    AddSeed(dir, file, package);
                }

                yamlFiles.AddRange(Files(dir, "*.yml").Concat(Files(dir, "*.yaml")));
            }

            foreach (var dir in package.MacroPaths)
            {
                AddPackageMacros(package, Path.Combine(package.Root, dir));
            }

            foreach (var dir in package.TestPaths)
            {
                AddPackageMacros(package, Path.Combine(package.Root, dir, "generic"));
            }
        }
    }

    private void AddPackageMacros(ModelPackage package, string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.sql", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            _packageMacros.Add(new PackageMacroFile(package.Name, _project.Relative(file), ReadText(file)));
        }
    }
}
