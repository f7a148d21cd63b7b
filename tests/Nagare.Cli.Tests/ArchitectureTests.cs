using System.Reflection;
using System.Xml.Linq;

namespace Nagare.Cli.Tests;

/// <summary>
/// Layers point one way: hosts → Runtime → Connectors → Core, DuckDb, Templating. Checked twice: the project files'
/// references, and the assemblies the compiler actually linked (a project sees its references' references, so a
/// `using` of a layer it must not touch would otherwise pass).
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>What each of our assemblies may use of ours.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["Nagare.Core"] = [],
        ["Nagare.Templating"] = [],
        ["Nagare.DuckDb"] = [],
        ["Nagare.Connectors"] = ["Nagare.Core", "Nagare.DuckDb"],
        ["Nagare.Runtime"] = ["Nagare.Core", "Nagare.DuckDb", "Nagare.Connectors", "Nagare.Templating"],

        // The server is a host: it reaches data through Runtime, and opens DuckDB connections to the warehouse it owns.
        ["Nagare.Server"] = ["Nagare.Core", "Nagare.Runtime", "Nagare.DuckDb"],

        // The command line is a host: it reaches data through Runtime. It still opens DuckDB itself for `query` and
        // the demo, which is why Nagare.DuckDb is here; it starts the server for `serve`; never a connector, never Templating.
        ["Nagare.Cli"] = ["Nagare.Core", "Nagare.Runtime", "Nagare.DuckDb", "Nagare.Server"],
    };

    [Fact]
    public void ProjectReferences_PointOnlyToAllowedLayers()
    {
        var root = RepositoryRoot();
        var problems = new List<string>();
        foreach (var (project, allowed) in Allowed)
        {
            var file = Path.Combine(root, "src", project, project + ".csproj");
            var references = XDocument.Load(file).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
                .ToList();
            problems.AddRange(references.Where(r => !allowed.Contains(r)).Select(r => $"{project}.csproj references {r}"));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void CompiledAssemblies_UseOnlyAllowedLayers()
    {
        var problems = new List<string>();
        foreach (var (name, allowed) in Allowed)
        {
            var file = Path.Combine(AppContext.BaseDirectory, name == "Nagare.Cli" ? "nagare.dll" : name + ".dll");
            var used = Assembly.LoadFrom(file).GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Nagare.", StringComparison.Ordinal));
            problems.AddRange(used.Where(u => !allowed.Contains(u)).Select(u => $"{name} uses {u}"));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void EveryProject_IsListedInTheLayerMap()
    {
        var projects = Directory.GetDirectories(Path.Combine(RepositoryRoot(), "src")).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), projects);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nagare.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Nagare.slnx above {AppContext.BaseDirectory}");
    }
}
