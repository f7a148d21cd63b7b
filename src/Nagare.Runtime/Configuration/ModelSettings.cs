using System.Collections.Immutable;

namespace Nagare.Runtime.Configuration;

/// <summary>The model keys of <c>nagare.yml</c> (<c>models:</c>, <c>vars:</c>, <c>targets:</c>, <c>target_path:</c>).</summary>
/// <param name="ModelPaths">Folders of SQL models, relative to the project.</param>
/// <param name="SeedPaths">Folders of seed CSV files.</param>
/// <param name="MacroPaths">Folders of macros.</param>
/// <param name="TestPaths">Folders of singular tests.</param>
/// <param name="TargetPath">Where compiled SQL and the manifest are written, relative to the project.</param>
/// <param name="ModelConfig">Folder configs of models (<c>models.config</c>), as plain data.</param>
/// <param name="SeedConfig">Folder configs of seeds (<c>models.seeds</c>), as plain data.</param>
/// <param name="Vars">Project variables, as plain data (mappings are sorted dictionaries, lists arrays).</param>
/// <param name="Targets">Targets in file order; empty when <c>targets:</c> is absent.</param>
/// <param name="DefaultTarget">The target chosen when the command names none (<c>default_target:</c>), or null.</param>
public sealed record ModelSettings(
    ImmutableArray<string> ModelPaths,
    ImmutableArray<string> SeedPaths,
    ImmutableArray<string> MacroPaths,
    ImmutableArray<string> TestPaths,
    string TargetPath,
    ImmutableSortedDictionary<string, object?> ModelConfig,
    ImmutableSortedDictionary<string, object?> SeedConfig,
    ImmutableSortedDictionary<string, object?> Vars,
    ImmutableArray<TargetConfig> Targets,
    string? DefaultTarget)
{
    /// <summary>
    /// The session time zone (an IANA name, <c>timezone:</c>) of model builds and queries: how DuckDB shows
    /// <c>TIMESTAMP WITH TIME ZONE</c> values and casts naive timestamps to them; null leaves DuckDB's default.
    /// </summary>
    public string? TimeZone { get; init; }

    /// <summary>No model keys written: the default folders, no vars, the single target <c>dev</c>.</summary>
    public static ModelSettings Default { get; } = new(
        ProjectDefaults.ModelPaths,
        ProjectDefaults.SeedPaths,
        ProjectDefaults.MacroPaths,
        ProjectDefaults.TestPaths,
        ProjectDefaults.TargetPath,
        ImmutableSortedDictionary<string, object?>.Empty,
        ImmutableSortedDictionary<string, object?>.Empty,
        ImmutableSortedDictionary<string, object?>.Empty,
        [],
        null);
}
