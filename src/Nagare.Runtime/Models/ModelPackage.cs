using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Models;

/// <summary>
/// An installed dbt package (a folder under <c>dbt_packages/</c> with its own <c>dbt_project.yml</c>): its macros
/// become the namespace <see cref="Name"/> (<c>dbt_utils.star(...)</c>), its vars are defaults under the root
/// project's, and its models, seeds and tests are built with the project's.
/// </summary>
/// <param name="Name">The package's <c>name:</c>, its macro namespace and the first part of its node ids.</param>
/// <param name="Root">Absolute path of the package folder.</param>
public sealed record ModelPackage(string Name, string Root)
{
    public IReadOnlyList<string> ModelPaths { get; init; } = ProjectDefaults.ModelPaths;

    public IReadOnlyList<string> SeedPaths { get; init; } = ProjectDefaults.SeedPaths;

    public IReadOnlyList<string> MacroPaths { get; init; } = ProjectDefaults.MacroPaths;

    public IReadOnlyList<string> TestPaths { get; init; } = ProjectDefaults.TestPaths;

    /// <summary>The package's own <c>vars:</c> (global and scoped to its name), used when the project sets none.</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; init; } = new Dictionary<string, object?>();

    /// <summary>The package's own <c>models:</c> folder configs; the root project's win over them.</summary>
    internal FolderConfig ModelConfigs { get; init; } = new();

    /// <summary>The package's own <c>seeds:</c> folder configs.</summary>
    internal FolderConfig SeedConfigs { get; init; } = new();
}
