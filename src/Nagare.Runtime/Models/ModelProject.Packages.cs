using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Models;

public sealed partial class ModelProject
{
    /// <summary>Where packages are installed, relative to the root (dbt's <c>packages-install-path</c>).</summary>
    public const string DefaultPackagesPath = "dbt_packages";

    /// <summary>Installed packages (each folder of <see cref="PackagesPath"/> with a dbt_project.yml), by name order.</summary>
    public IReadOnlyList<ModelPackage> Packages { get; init; } = [];

    /// <summary>Absolute path of the packages folder.</summary>
    public string PackagesPath { get; init; } = string.Empty;

    /// <summary>dbt_project.yml <c>dispatch:</c>: for a macro namespace, the packages searched in order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DispatchOrders { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Reads every installed package; a folder without dbt_project.yml is skipped, as dbt does.</summary>
    internal static List<ModelPackage> ReadPackages(string packagesPath, string rootName)
    {
        var packages = new List<ModelPackage>();
        if (!Directory.Exists(packagesPath))
        {
            return packages;
        }

        foreach (var dir in Directory.EnumerateDirectories(packagesPath).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(dir, "dbt_project.yml");
            if (!File.Exists(file))
            {
                continue;
            }

            var display = Path.GetRelativePath(Path.GetDirectoryName(packagesPath)!, file).Replace('\\', '/');
            var yml = YamlTree.Load(file, display);
            var name = yml.String("name") ?? throw new ModelProjectException($"{display}:1: name: missing; a package needs a name");
            if (name == rootName)
            {
                throw new ModelProjectException($"{display}: the package is named '{name}' like the project itself; rename one of them");
            }

            if (packages.FirstOrDefault(p => p.Name == name) is { } twin)
            {
                throw new ModelProjectException($"{display}: package '{name}' is installed twice ({Path.GetFileName(twin.Root)} and {Path.GetFileName(dir)})");
            }

            packages.Add(new ModelPackage(name, dir)
            {
                ModelPaths = yml.StringList("model-paths") ?? yml.StringList("source-paths") ?? [.. ProjectDefaults.ModelPaths],
                SeedPaths = yml.StringList("seed-paths") ?? yml.StringList("data-paths") ?? [.. ProjectDefaults.SeedPaths],
                MacroPaths = yml.StringList("macro-paths") ?? [.. ProjectDefaults.MacroPaths],
                TestPaths = yml.StringList("test-paths") ?? [.. ProjectDefaults.TestPaths],
                Vars = ScopedVars(yml.Map("vars"), name, []),
                ModelConfigs = FolderConfig.From(yml.Map("models")),
                SeedConfigs = FolderConfig.From(yml.Map("seeds")),
            });
        }

        return packages;
    }

    /// <summary>
    /// The vars a project file sets for <paramref name="scope"/>: those scoped under its name win over global ones;
    /// mappings named after other known projects are theirs and left out.
    /// </summary>
    private static Dictionary<string, object?> ScopedVars(YamlMap? vars, string scope, ICollection<string> otherScopes)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (vars is null)
        {
            return result;
        }

        if (vars.TryGetValue(scope, out var own) && own is YamlMap scoped)
        {
            foreach (var (k, v) in scoped)
            {
                result[k] = v;
            }
        }

        foreach (var (k, v) in vars)
        {
            if (k != scope && !(otherScopes.Contains(k) && v is YamlMap))
            {
                result.TryAdd(k, v);
            }
        }

        return result;
    }

    /// <summary>
    /// The root project's vars with the packages' defaults under them: root vars (its own scope, then global), then
    /// vars the root scopes to a package, then the packages' own dbt_project.yml vars.
    /// </summary>
    private static Dictionary<string, object?> VarsWithPackages(YamlMap? rootVars, string rootName, IReadOnlyList<ModelPackage> packages)
    {
        var names = packages.Select(p => p.Name).ToList();
        var vars = ScopedVars(rootVars, rootName, names);
        foreach (var package in packages)
        {
            if (rootVars?.TryGetValue(package.Name, out var scoped) == true && scoped is YamlMap m)
            {
                foreach (var (k, v) in m)
                {
                    vars.TryAdd(k, v);
                }
            }
        }

        foreach (var package in packages)
        {
            foreach (var (k, v) in package.Vars)
            {
                vars.TryAdd(k, v);
            }
        }

        return vars;
    }

    /// <summary>Reads <c>dispatch: [{macro_namespace: dbt_utils, search_order: [my_project, dbt_utils]}]</c>.</summary>
    private static Dictionary<string, IReadOnlyList<string>> ReadDispatch(YamlMap yml)
    {
        var orders = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in yml.List("dispatch") ?? [])
        {
            if (entry is not YamlMap m)
            {
                throw yml.Error("dispatch", "expected a list of mappings with 'macro_namespace:' and 'search_order:'");
            }

            var ns = m.String("macro_namespace") ?? throw m.Error("macro_namespace", "missing");
            orders[ns] = m.StringList("search_order") ?? throw m.Error("search_order", "missing; list the packages searched in order");
        }

        return orders;
    }
}
