using System.Globalization;
using System.Text.RegularExpressions;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Models;

/// <summary>
/// A model project: a <c>nagare.yml</c> project (its settings taken from the <see cref="ProjectConfig"/> every command
/// uses) or a dbt project (<c>dbt_project.yml</c> with a dbt-duckdb <c>profiles.yml</c>), with one target selected.
/// </summary>
public sealed partial class ModelProject
{
    private ModelProject(string root, string name, ProjectFlavor flavor, string projectFile)
    {
        Root = root;
        Name = name;
        Flavor = flavor;
        ProjectFile = projectFile;
    }

    /// <summary>Absolute path of the project folder.</summary>
    public string Root { get; }

    /// <summary>Project name (dbt's <c>name:</c>), the first part of every node's unique id.</summary>
    public string Name { get; }

    public ProjectFlavor Flavor { get; }

    /// <summary>The file the project was read from (<c>nagare.yml</c> or <c>dbt_project.yml</c>).</summary>
    public string ProjectFile { get; }

    public IReadOnlyList<string> ModelPaths { get; init; } = ProjectDefaults.ModelPaths;

    public IReadOnlyList<string> SeedPaths { get; init; } = ProjectDefaults.SeedPaths;

    public IReadOnlyList<string> MacroPaths { get; init; } = ProjectDefaults.MacroPaths;

    public IReadOnlyList<string> TestPaths { get; init; } = ProjectDefaults.TestPaths;

    /// <summary>Where compiled SQL, the manifest and caches are written (dbt's <c>target-path</c>), absolute.</summary>
    public string TargetPath { get; init; } = string.Empty;

    /// <summary>Variables: project <c>vars:</c> overridden by command-line <c>--vars</c>.</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; init; } = new Dictionary<string, object?>();

    /// <summary>The selected target.</summary>
    public ModelTarget Target { get; init; } = null!;

    /// <summary>Block size of a warehouse file the models create (nagare.yml <c>warehouse_block_size</c>); null for the default.</summary>
    public int? WarehouseBlockSize { get; init; }

    /// <summary>How the models' warehouse compresses what it writes (nagare.yml <c>warehouse_compression</c>); null for auto.</summary>
    public string? WarehouseCompression { get; init; }

    /// <summary>The session time zone of model builds (<c>timezone:</c> of nagare.yml), or null for DuckDB's default.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Names of all targets defined.</summary>
    public IReadOnlyList<string> TargetNames { get; init; } = [];

    /// <summary>Days a run's log under <c>.nagare/logs/</c> is kept (<c>defaults.log_retention_days</c>).</summary>
    public int LogRetentionDays { get; init; } = ProjectDefaults.DefaultLogRetentionDays;

    internal FolderConfig ModelConfigs { get; init; } = new();

    internal FolderConfig SeedConfigs { get; init; } = new();

    internal FolderConfig TestConfigs { get; init; } = new();

    /// <summary>Whether <paramref name="directory"/> holds a nagare.yml or dbt_project.yml.</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, ProjectConfig.FileName)) || File.Exists(Path.Combine(directory, "dbt_project.yml"));

    /// <summary>Whether <paramref name="directory"/> is a dbt project (a dbt_project.yml, which wins over a nagare.yml beside it).</summary>
    public static bool IsDbt(string directory) => File.Exists(Path.Combine(directory, "dbt_project.yml"));

    /// <summary>Loads the project in <paramref name="directory"/>.</summary>
    /// <param name="directory">Project folder.</param>
    /// <param name="targetName">Target to select; the project's default when null.</param>
    /// <param name="cliVars">Variables given on the command line; they win over the project's.</param>
    /// <param name="profilesDirectory">Where to look for profiles.yml after the project folder; <c>DBT_PROFILES_DIR</c> or <c>~/.dbt</c> when null.</param>
    public static ModelProject Load(string directory, string? targetName = null, IReadOnlyDictionary<string, object?>? cliVars = null, string? profilesDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var root = Path.GetFullPath(directory);
        if (IsDbt(root))
        {
            return LoadDbt(root, targetName, cliVars, profilesDirectory);
        }

        if (File.Exists(Path.Combine(root, ProjectConfig.FileName)))
        {
            // The project's one reader; connections or syncs with problems do not concern the models.
            return Load(ProjectLoader.Read(directory), targetName, cliVars);
        }

        throw new ModelProjectException($"No nagare.yml or dbt_project.yml in '{directory}'.") { Hint = "Run the command inside a project folder or pass --project DIR." };
    }

    /// <summary>The model project of a loaded <c>nagare.yml</c> project.</summary>
    /// <param name="config">The project, as <see cref="ProjectLoader"/> read it.</param>
    /// <param name="targetName">Target to select; the project's default when null.</param>
    /// <param name="cliVars">Variables given on the command line; they win over the project's.</param>
    /// <exception cref="ModelProjectException">No target named <paramref name="targetName"/>.</exception>
    public static ModelProject Load(ProjectConfig config, string? targetName = null, IReadOnlyDictionary<string, object?>? cliVars = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var settings = config.Models;
        var targets = settings.Targets;
        var defaultTarget = settings.DefaultTarget ?? (targets.IsEmpty ? ProjectDefaults.TargetName : targets.Any(t => t.Name == ProjectDefaults.TargetName) ? ProjectDefaults.TargetName : targets[0].Name);
        var chosen = targetName ?? defaultTarget;
        TargetConfig? target = null;
        if (!targets.IsEmpty)
        {
            target = targets.FirstOrDefault(t => t.Name == chosen)
                ?? throw new ModelProjectException($"{ProjectConfig.FileName}: no target '{chosen}'. Defined: {string.Join(", ", targets.Select(t => t.Name))}");
        }
        else if (targetName is not null && targetName != ProjectDefaults.TargetName)
        {
            throw new ModelProjectException($"{ProjectConfig.FileName}: no target '{chosen}' (the file defines no 'targets:', so only '{ProjectDefaults.TargetName}' exists)");
        }

        var warehouse = config.Connections[ProjectConfig.WarehouseConnection];
        var file = ProjectConfig.FileName;
        return new ModelProject(config.Root, config.Name, ProjectFlavor.Nagare, file)
        {
            ModelPaths = settings.ModelPaths,
            SeedPaths = settings.SeedPaths,
            MacroPaths = settings.MacroPaths,
            TestPaths = settings.TestPaths,
            TargetPath = Path.Combine(config.Root, settings.TargetPath),
            ModelConfigs = FolderConfig.From(YamlTree.FromPlainMap(settings.ModelConfig, file, "models.config")),
            SeedConfigs = FolderConfig.From(YamlTree.FromPlainMap(settings.SeedConfig, file, "models.seeds")),
            Vars = WithCliVars(YamlTree.FromPlainMap(settings.Vars, file, "vars"), cliVars),
            WarehouseBlockSize = warehouse.GetInt("block_size"),
            WarehouseCompression = warehouse.GetString("compression"),
            LogRetentionDays = config.Defaults.LogRetentionDays,
            TimeZone = config.Models.TimeZone,
            TargetNames = targets.IsEmpty ? [ProjectDefaults.TargetName] : [.. targets.Select(t => t.Name)],
            Target = new ModelTarget(
                chosen,
                target?.Warehouse is { } path ? ResolveDatabase(config.Root, path) : config.WarehousePath,
                target?.Schema ?? ProjectDefaults.Schema,
                target?.SchemaPrefix ?? string.Empty,
                target?.SchemaSuffix ?? string.Empty,
                target?.Threads),
        };
    }

    /// <summary>Parses <c>--vars</c> text (a YAML or JSON mapping, e.g. <c>{start: 2024-01-01}</c>).</summary>
    public static IReadOnlyDictionary<string, object?> ParseVars(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new Dictionary<string, object?>();
        }

        return YamlTree.Parse(text, "--vars");
    }

    private static IReadOnlyDictionary<string, object?> WithCliVars(IReadOnlyDictionary<string, object?> vars, IReadOnlyDictionary<string, object?>? cliVars)
    {
        if (cliVars is null)
        {
            return vars;
        }

        var merged = new Dictionary<string, object?>(vars, StringComparer.Ordinal);
        foreach (var (k, v) in cliVars)
        {
            merged[k] = v;
        }

        return merged;
    }

    private static ModelProject LoadDbt(string root, string? targetName, IReadOnlyDictionary<string, object?>? cliVars, string? profilesDirectory)
    {
        var yml = YamlTree.Load(Path.Combine(root, "dbt_project.yml"), "dbt_project.yml");
        var name = yml.String("name") ?? throw new ModelProjectException("dbt_project.yml:1: name: missing; dbt projects need a name");

        // Vars may be global or scoped to this project's name, as in dbt; installed packages add their defaults.
        var packagesPath = Path.Combine(root, yml.String("packages-install-path") ?? DefaultPackagesPath);
        var packages = ReadPackages(packagesPath, name);
        var vars = VarsWithPackages(yml.Map("vars"), name, packages);

        var profileName = yml.String("profile") ?? name;
        var target = LoadProfile(root, profileName, targetName, profilesDirectory, out var names);
        var allVars = WithCliVars(vars, cliVars);
        return new ModelProject(root, name, ProjectFlavor.Dbt, "dbt_project.yml")
        {
            ModelPaths = yml.StringList("model-paths") ?? yml.StringList("source-paths") ?? [.. ProjectDefaults.ModelPaths],
            SeedPaths = yml.StringList("seed-paths") ?? yml.StringList("data-paths") ?? [.. ProjectDefaults.SeedPaths],
            MacroPaths = yml.StringList("macro-paths") ?? [.. ProjectDefaults.MacroPaths],
            TestPaths = yml.StringList("test-paths") ?? [.. ProjectDefaults.TestPaths],
            TargetPath = Path.Combine(root, yml.String("target-path") ?? ProjectDefaults.TargetPath),
            ModelConfigs = FolderConfig.From(RenderConfigs(yml.Map("models"), allVars, target)),
            SeedConfigs = FolderConfig.From(RenderConfigs(yml.Map("seeds"), allVars, target)),
            TestConfigs = FolderConfig.From(RenderConfigs(yml.Map("data_tests") ?? yml.Map("tests"), allVars, target)),
            SnapshotPaths = yml.StringList("snapshot-paths") ?? [.. DefaultSnapshotPaths],
            AnalysisPaths = yml.StringList("analysis-paths") ?? [.. DefaultAnalysisPaths],
            SnapshotConfigs = FolderConfig.From(RenderConfigs(yml.Map("snapshots"), allVars, target)),
            OnRunStart = RunHookList(yml, "on-run-start"),
            OnRunEnd = RunHookList(yml, "on-run-end"),
            Vars = allVars,
            Target = target,
            TargetNames = names,
            Packages = packages,
            PackagesPath = packagesPath,
            DispatchOrders = ReadDispatch(yml),
        };
    }

    private static ModelTarget LoadProfile(string root, string profileName, string? targetName, string? profilesDirectory, out IReadOnlyList<string> names)
    {
        var candidates = new List<string> { root };
        if (profilesDirectory is not null)
        {
            candidates.Add(profilesDirectory);
        }
        else if (Environment.GetEnvironmentVariable("DBT_PROFILES_DIR") is { Length: > 0 } dir)
        {
            candidates.Add(dir);
        }
        else
        {
            candidates.Add(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dbt"));
        }

        var file = candidates.Select(c => Path.Combine(c, "profiles.yml")).FirstOrDefault(File.Exists)
            ?? throw new ModelProjectException($"No profiles.yml for profile '{profileName}' in {string.Join(" or ", candidates)}.")
            {
                Hint = "Put a dbt-duckdb profiles.yml (type: duckdb, path: file.duckdb) in the project folder.",
            };
        var display = Path.GetRelativePath(root, file);
        var text = EnvVarPattern().Replace(File.ReadAllText(file), m =>
            Environment.GetEnvironmentVariable(m.Groups[1].Value) ?? (m.Groups[2].Success ? m.Groups[2].Value : throw new ModelProjectException($"{display}: environment variable '{m.Groups[1].Value}' is not set")));
        var profiles = YamlTree.Parse(text, display);
        var profile = profiles.Map(profileName) ?? throw new ModelProjectException($"{display}: no profile '{profileName}' (dbt_project.yml names it). Defined: {string.Join(", ", profiles.Keys)}");
        var outputs = profile.Map("outputs") ?? throw profile.Error("outputs", "missing; a profile lists its targets under 'outputs:'");
        names = [.. outputs.Keys];
        var chosen = targetName ?? profile.String("target") ?? outputs.Keys.FirstOrDefault() ?? "dev";
        var output = outputs.Map(chosen) ?? throw new ModelProjectException($"{display}: profile '{profileName}' has no target '{chosen}'. Defined: {string.Join(", ", outputs.Keys)}");
        var type = output.String("type") ?? "duckdb";
        if (type != "duckdb")
        {
            throw output.Error("type", $"'{type}' is not supported; Nagare builds dbt projects on DuckDB (type: duckdb)");
        }

        return new ModelTarget(
            chosen,
            ResolveDatabase(root, output.String("path") ?? ":memory:"),
            output.String("schema") ?? "main",
            string.Empty,
            string.Empty,
            output.Int("threads"));
    }

    private static string ResolveDatabase(string root, string path) =>
        path.StartsWith(":memory:", StringComparison.Ordinal) || path == "md:" ? path : Path.GetFullPath(Path.Combine(root, path));

    /// <summary>Path of a project file relative to the root, with forward slashes (as in manifests).</summary>
    internal string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    internal static string FormatInvariant(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;

    [GeneratedRegex(@"\{\{\s*env_var\(\s*['""]([^'""]+)['""]\s*(?:,\s*['""]([^'""]*)['""]\s*)?\)\s*\}\}")]
    private static partial Regex EnvVarPattern();
}
