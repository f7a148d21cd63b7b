using System.Globalization;
using System.Text.RegularExpressions;

namespace Nagare.Runtime.Models;

/// <summary>
/// A model project: a <c>nagare.yml</c> project or a dbt project (<c>dbt_project.yml</c> with a dbt-duckdb
/// <c>profiles.yml</c>), with one target selected.
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

    public IReadOnlyList<string> ModelPaths { get; private set; } = ["models"];

    public IReadOnlyList<string> SeedPaths { get; private set; } = ["seeds"];

    public IReadOnlyList<string> MacroPaths { get; private set; } = ["macros"];

    public IReadOnlyList<string> TestPaths { get; private set; } = ["tests"];

    /// <summary>Where compiled SQL, the manifest and caches are written (dbt's <c>target-path</c>), absolute.</summary>
    public string TargetPath { get; private set; } = string.Empty;

    /// <summary>Variables: project <c>vars:</c> overridden by command-line <c>--vars</c>.</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; private set; } = new Dictionary<string, object?>();

    /// <summary>The selected target.</summary>
    public ModelTarget Target { get; private set; } = null!;

    /// <summary>Block size of a warehouse file the models create (nagare.yml <c>warehouse_block_size</c>); null for the default.</summary>
    public int? WarehouseBlockSize { get; private set; }

    /// <summary>How the models' warehouse compresses what it writes (nagare.yml <c>warehouse_compression</c>); null for auto.</summary>
    public string? WarehouseCompression { get; private set; }

    /// <summary>Names of all targets defined.</summary>
    public IReadOnlyList<string> TargetNames { get; private set; } = [];

    internal FolderConfig ModelConfigs { get; private set; } = new();

    internal FolderConfig SeedConfigs { get; private set; } = new();

    internal FolderConfig TestConfigs { get; private set; } = new();

    /// <summary>Whether <paramref name="directory"/> holds a nagare.yml or dbt_project.yml.</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, "nagare.yml")) || File.Exists(Path.Combine(directory, "dbt_project.yml"));

    /// <summary>Loads the project in <paramref name="directory"/>.</summary>
    /// <param name="directory">Project folder.</param>
    /// <param name="targetName">Target to select; the project's default when null.</param>
    /// <param name="cliVars">Variables given on the command line; they win over the project's.</param>
    /// <param name="profilesDirectory">Where to look for profiles.yml after the project folder; <c>DBT_PROFILES_DIR</c> or <c>~/.dbt</c> when null.</param>
    public static ModelProject Load(string directory, string? targetName = null, IReadOnlyDictionary<string, object?>? cliVars = null, string? profilesDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var root = Path.GetFullPath(directory);
        ModelProject project;
        if (File.Exists(Path.Combine(root, "nagare.yml")) && !File.Exists(Path.Combine(root, "dbt_project.yml")))
        {
            project = LoadNagare(root, targetName);
        }
        else if (File.Exists(Path.Combine(root, "dbt_project.yml")))
        {
            project = LoadDbt(root, targetName, profilesDirectory);
        }
        else
        {
            throw new ModelProjectException($"No nagare.yml or dbt_project.yml in '{directory}'.") { Hint = "Run the command inside a project folder or pass --project DIR." };
        }

        if (cliVars is not null)
        {
            var vars = new Dictionary<string, object?>(project.Vars, StringComparer.Ordinal);
            foreach (var (k, v) in cliVars)
            {
                vars[k] = v;
            }

            project.Vars = vars;
        }

        return project;
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

    private static ModelProject LoadNagare(string root, string? targetName)
    {
        var yml = YamlTree.Load(Path.Combine(root, "nagare.yml"), "nagare.yml");
        var name = yml.String("name") ?? Path.GetFileName(root);
        var project = new ModelProject(root, name, ProjectFlavor.Nagare, "nagare.yml");
        switch (yml.TryGetValue("models", out var models) ? models : null)
        {
            case string s:
                project.ModelPaths = [s];
                break;
            case List<object?>:
                project.ModelPaths = yml.StringList("models")!;
                break;
            case YamlMap m:
                project.ModelPaths = m.StringList("paths") ?? m.StringList("model_paths") ?? ["models"];
                project.SeedPaths = m.StringList("seed_paths") ?? ["seeds"];
                project.MacroPaths = m.StringList("macro_paths") ?? ["macros"];
                project.TestPaths = m.StringList("test_paths") ?? ["tests"];
                project.ModelConfigs = FolderConfig.From(m.Map("config"));
                project.SeedConfigs = FolderConfig.From(m.Map("seeds"));
                break;
            case null:
                break;
            default:
                throw yml.Error("models", "expected a folder, a list of folders, or a mapping with 'paths:'");
        }

        project.TargetPath = Path.Combine(root, yml.String("target_path") ?? "target");
        project.Vars = yml.Map("vars") ?? new YamlMap("nagare.yml", "vars", 0);
        var warehouse = yml.String("warehouse") ?? ".nagare/warehouse.duckdb";
        project.WarehouseBlockSize = yml.Int("warehouse_block_size");
        if (project.WarehouseBlockSize is { } blockSize && Connectors.DuckDb.WarehouseFile.BlockSizeProblem(blockSize) is { } problem)
        {
            throw yml.Error("warehouse_block_size", problem);
        }

        project.WarehouseCompression = yml.String("warehouse_compression");
        if (project.WarehouseCompression is { } compression && Connectors.DuckDb.WarehouseFile.CompressionProblem(compression) is { } wrong)
        {
            throw yml.Error("warehouse_compression", wrong);
        }

        var targets = yml.Map("targets");
        var defaultTarget = yml.String("default_target") ?? yml.String("target") ?? (targets is { Count: > 0 } ? (targets.ContainsKey("dev") ? "dev" : targets.Keys.First()) : "dev");
        var chosen = targetName ?? defaultTarget;
        project.TargetNames = targets is null ? ["dev"] : [.. targets.Keys];
        YamlMap? t = null;
        if (targets is not null)
        {
            if (!targets.TryGetValue(chosen, out var tv))
            {
                throw new ModelProjectException($"nagare.yml: no target '{chosen}'. Defined: {string.Join(", ", targets.Keys)}");
            }

            t = tv as YamlMap ?? (tv is null ? new YamlMap("nagare.yml", "targets." + chosen, targets.LineOf(chosen)) : throw targets.Error(chosen, "expected a mapping"));
        }
        else if (targetName is not null && targetName != "dev")
        {
            throw new ModelProjectException($"nagare.yml: no target '{chosen}' (the file defines no 'targets:', so only 'dev' exists)");
        }

        var path = t?.String("warehouse") ?? t?.String("path") ?? warehouse;
        project.Target = new ModelTarget(
            chosen,
            ResolveDatabase(root, path),
            t?.String("schema") ?? "main",
            t?.String("schema_prefix") ?? string.Empty,
            t?.String("schema_suffix") ?? string.Empty,
            t?.Int("threads"));
        return project;
    }

    private static ModelProject LoadDbt(string root, string? targetName, string? profilesDirectory)
    {
        var yml = YamlTree.Load(Path.Combine(root, "dbt_project.yml"), "dbt_project.yml");
        var name = yml.String("name") ?? throw new ModelProjectException("dbt_project.yml:1: name: missing; dbt projects need a name");
        var project = new ModelProject(root, name, ProjectFlavor.Dbt, "dbt_project.yml")
        {
            ModelPaths = yml.StringList("model-paths") ?? yml.StringList("source-paths") ?? ["models"],
            SeedPaths = yml.StringList("seed-paths") ?? yml.StringList("data-paths") ?? ["seeds"],
            MacroPaths = yml.StringList("macro-paths") ?? ["macros"],
            TestPaths = yml.StringList("test-paths") ?? ["tests"],
            TargetPath = Path.Combine(root, yml.String("target-path") ?? "target"),
            ModelConfigs = FolderConfig.From(yml.Map("models")),
            SeedConfigs = FolderConfig.From(yml.Map("seeds")),
            TestConfigs = FolderConfig.From(yml.Map("data_tests") ?? yml.Map("tests")),
        };

        // Vars may be global or scoped to this project's name, as in dbt.
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (yml.Map("vars") is { } v)
        {
            foreach (var (k, value) in v)
            {
                if (k == name && value is YamlMap scoped)
                {
                    foreach (var (sk, sv) in scoped)
                    {
                        vars[sk] = sv;
                    }
                }
                else
                {
                    vars.TryAdd(k, value);
                }
            }
        }

        project.Vars = vars;
        var profileName = yml.String("profile") ?? name;
        project.Target = LoadProfile(root, profileName, targetName, profilesDirectory, out var names);
        project.TargetNames = names;
        return project;
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
