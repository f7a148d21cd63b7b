namespace Nagare.Runtime.Models;

internal sealed partial class ProjectScanner
{
    private readonly List<PackageMacroFile> _packageMacros = [];

    /// <summary>Macro files of installed packages (and their tests/generic definitions), package by package.</summary>
    public IReadOnlyList<PackageMacroFile> PackageMacros => _packageMacros;

    private void ScanPackages()
    {
        foreach (var package in _project.Packages)
        {
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
            _packageMacros.Add(new PackageMacroFile(package.Name, _project.Relative(file), File.ReadAllText(file)));
        }
    }
}
