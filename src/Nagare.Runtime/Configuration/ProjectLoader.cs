using System.Collections.Immutable;
using Nagare.Connectors.DuckDb;
using Nagare.Core.Connectors;
using Nagare.Core.Types;
using Nagare.Runtime.Activations;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Pipelines;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Configuration;

/// <summary>
/// Reads a project folder into <see cref="ProjectConfig"/>. <c>${ENV}</c> references are substituted while
/// loading; every problem is a <see cref="ConfigException"/> naming file, line, column and key.
/// </summary>
public static class ProjectLoader
{
    private static readonly Choices<WriteMode> Modes = new(
        ("full_refresh", WriteMode.FullRefresh),
        ("append", WriteMode.Append),
        ("incremental", WriteMode.Incremental),
        ("merge", WriteMode.Merge));

    private static readonly Choices<OnError> OnErrors = new(
        ("fail", OnError.Fail),
        ("skip", OnError.Skip),
        ("quarantine", OnError.Quarantine));

    private static readonly Choices<DeleteDetection> DeleteDetections = new(
        ("none", DeleteDetection.None),
        ("soft", DeleteDetection.Soft),
        ("hard", DeleteDetection.Hard));

    private static readonly Choices<SchemaChangePolicy> SchemaPolicies = new(
        ("evolve", SchemaChangePolicy.Evolve),
        ("fail", SchemaChangePolicy.Fail));

    private static readonly Choices<SnapshotScope> SnapshotScopes = new(
        ("table", SnapshotScope.Table),
        ("run", SnapshotScope.Run));

    private static readonly Choices<MaskKind> Masks = new(
        ("sha256", MaskKind.Sha256),
        ("hmac", MaskKind.Hmac));

    /// <summary>
    /// The warehouse file (absolute) that <paramref name="directory"/>'s nagare.yml names, or null without a nagare.yml.
    /// Reads nagare.yml alone: commands that only need the warehouse do not depend on connections and syncs (or the
    /// secrets they reference) being loadable.
    /// </summary>
    /// <exception cref="ConfigException">nagare.yml is invalid; the message lists every problem.</exception>
    public static string? WarehousePath(string directory, Func<string, string?>? environment = null) =>
        RootSetting(directory, environment, settings => settings.WarehousePath);

    /// <summary>Loads the project in <paramref name="directory"/>, failing when any file has a problem.</summary>
    /// <param name="directory">The project folder, as the user gave it (file names in messages start with it).</param>
    /// <param name="registry">Connector types, for checking connection keys; <see cref="ConnectorRegistry.Default"/> when null.</param>
    /// <param name="environment">Environment lookup for <c>${NAME}</c>; the process environment when null.</param>
    /// <exception cref="ConfigException">A file is missing or invalid; the message lists every problem of every file.</exception>
    public static ProjectConfig Load(string directory, ConnectorRegistry? registry = null, Func<string, string?>? environment = null)
    {
        var project = Read(directory, registry, environment);
        project.ThrowIfBroken();
        return project;
    }

    /// <summary>
    /// Reads the project in <paramref name="directory"/>, leaving out (in <see cref="ProjectConfig.Broken"/>) the
    /// connections, syncs, notification channels and pipelines whose files have problems, so that they block only what
    /// uses them.
    /// </summary>
    /// <inheritdoc cref="Load" path="/param"/>
    /// <exception cref="ConfigException">nagare.yml is missing or invalid (it is the root every object depends on); the message lists every problem of every file.</exception>
    public static ProjectConfig Read(string directory, ConnectorRegistry? registry = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        registry ??= ConnectorRegistry.Default;
        environment ??= Environment.GetEnvironmentVariable;
        var root = Path.GetFullPath(directory);
        var rootProblems = new List<ConfigException>();
        var settings = ReadRoot(directory, root, environment, rootProblems);
        var broken = new List<BrokenObject>();
        var defaults = settings.Defaults;

        var connections = ImmutableSortedDictionary.CreateBuilder<string, ConnectionConfig>(StringComparer.Ordinal);
        // The built-in warehouse is a duckdb connection whose keys come from nagare.yml's warehouse_* keys.
        connections[ProjectConfig.WarehouseConnection] = WarehouseConnection(settings, defaults);
        var origins = new Dictionary<string, ConfigLocation>(StringComparer.Ordinal);
        foreach (var file in YamlFiles(root, "connections"))
        {
            var display = Display(directory, Path.GetRelativePath(root, file));
            YamlSection? section = null;
            try
            {
                section = YamlSection.Load(file, display, environment);
                var connection = ReadConnection(section, Path.GetFileNameWithoutExtension(file), registry, defaults);
                if (connection.Name == ProjectConfig.WarehouseConnection)
                {
                    throw section.Error("name", "'warehouse' is the built-in connection to the embedded warehouse; choose another name (set the warehouse file with 'warehouse:' in nagare.yml)");
                }

                // A template's shards are connections of their own (NAME.SHARD), defined where their entries are.
                var shards = ReadShards(section, connection, registry);
                foreach (var defined in shards.Prepend(connection))
                {
                    if (origins.TryGetValue(defined.Name, out var first))
                    {
                        throw section.Error("name", $"connection '{defined.Name}' is already defined at {first}");
                    }
                }

                foreach (var defined in shards.Prepend(connection))
                {
                    origins[defined.Name] = defined.Location;
                    connections[defined.Name] = defined;
                }
            }
            catch (ConfigException e)
            {
                broken.Add(new BrokenObject("connection", NameOf(section, file), display, ConfigException.Combine([e])));
            }
        }

        var brokenConnections = broken.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        var files = new ObjectFiles(directory, root, environment, broken);
        var syncs = files.Read<SyncConfig>("syncs", "sync", "sync", (section, stem) => ReadSync(section, stem, connections, brokenConnections, defaults), s => (s.Name, s.Location));
        var channels = files.Read<NotificationChannelConfig>("notifications", "notification", "notification channel", PipelineReader.ReadChannel, c => (c.Name, c.Location));
        var activations = files.Read<ActivationConfig>("activations", "activation", "activation", (section, stem) => ActivationReader.Read(section, stem, root, connections, brokenConnections), a => (a.Name, a.Location));

        var activationNames = activations.Keys.Concat(broken.Where(b => b.Kind == "activation").Select(b => b.Name)).ToHashSet(StringComparer.Ordinal);
        var pipelines = ReadPipelines(directory, root, environment, settings, connections.Keys, syncs, channels.Keys, activationNames, broken);

        if (rootProblems.Count > 0)
        {
            // nagare.yml is the root of everything: nothing runs, and every problem found anywhere is reported at once.
            throw ConfigException.Combine(rootProblems.Concat(broken.Select(b => b.Problem)));
        }

        return new ProjectConfig(
            settings.Name,
            root,
            settings.WarehousePath,
            defaults,
            connections.ToImmutable(),
            syncs.ToImmutable(),
            settings.Models,
            [.. broken.OrderBy(b => b.File, StringComparer.Ordinal)])
        {
            Pipelines = pipelines,
            Notifications = channels.ToImmutable(),
            Pools = settings.Pools,
            Activations = activations.ToImmutable(),
        };
    }

    /// <summary>
    /// Reads one connection file exactly as <see cref="Read"/> reads those of <c>connections/</c>: for a host that writes
    /// a connection file and checks it before putting it in place.
    /// </summary>
    /// <param name="file">The file to read.</param>
    /// <param name="displayName">The file's name in messages (where it will be).</param>
    /// <param name="name">The connection's name when the file names none (its file name without the extension).</param>
    /// <param name="defaults">The project's defaults.</param>
    /// <param name="registry">Connector types; <see cref="ConnectorRegistry.Default"/> when null.</param>
    /// <param name="environment">Environment lookup for <c>${NAME}</c> and <c>${secret:NAME}</c>; the process environment when null.</param>
    /// <exception cref="ConfigException">The file is invalid; the message names file, line, column and key.</exception>
    public static ConnectionConfig ReadConnectionFile(string file, string displayName, string name, ProjectDefaults defaults, ConnectorRegistry? registry = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var section = YamlSection.Load(file, displayName, environment ?? Environment.GetEnvironmentVariable);
        var connection = ReadConnection(section, name, registry ?? ConnectorRegistry.Default, defaults);
        return connection.Name == ProjectConfig.WarehouseConnection
            ? throw section.Error("name", "'warehouse' is the built-in connection to the embedded warehouse; choose another name")
            : connection;
    }

    /// <summary>
    /// Reads <c>pipelines/*.yml</c> once everything they refer to is read, then checks triggers across pipelines.
    /// A broken sync, connection or channel still exists (so naming it is no typo); only a broken sync a step runs
    /// breaks the pipeline, as the step could never run.
    /// </summary>
    private static ImmutableSortedDictionary<string, PipelineConfig> ReadPipelines(
        string directory,
        string root,
        Func<string, string?> environment,
        RootSettings settings,
        IEnumerable<string> connections,
        ImmutableSortedDictionary<string, SyncConfig>.Builder syncs,
        IEnumerable<string> channels,
        IReadOnlyCollection<string> activations,
        List<BrokenObject> broken)
    {
        BrokenObject[] BrokenOf(string kind) => [.. broken.Where(b => b.Kind == kind)];
        var context = new PipelineReader.Context(
            root,
            settings.Models.TimeZone ?? "UTC",
            syncs.ToImmutable(),
            BrokenOf("sync").DistinctBy(b => b.Name, StringComparer.Ordinal).Where(b => !syncs.ContainsKey(b.Name)).ToDictionary(b => b.Name, StringComparer.Ordinal),
            connections.Concat(BrokenOf("connection").Select(b => b.Name)).ToHashSet(StringComparer.Ordinal),
            channels.Concat(BrokenOf("notification").Select(b => b.Name)).ToHashSet(StringComparer.Ordinal),
            settings.Pools)
        {
            Activations = activations,
        };
        var read = new List<PipelineReader.PipelineFile>();
        var origins = new Dictionary<string, ConfigLocation>(StringComparer.Ordinal);
        foreach (var file in YamlFiles(root, "pipelines"))
        {
            var display = Display(directory, Path.GetRelativePath(root, file));
            YamlSection? section = null;
            try
            {
                section = YamlSection.Load(file, display, environment);
                var pipeline = PipelineReader.ReadPipeline(section, Path.GetFileNameWithoutExtension(file), context);
                if (origins.TryGetValue(pipeline.Pipeline.Name, out var first))
                {
                    throw section.Error("name", $"pipeline '{pipeline.Pipeline.Name}' is already defined at {first}");
                }

                origins[pipeline.Pipeline.Name] = pipeline.Pipeline.Location;
                read.Add(pipeline);
            }
            catch (ConfigException e)
            {
                broken.Add(new BrokenObject("pipeline", NameOf(section, file), display, ConfigException.Combine([e])));
            }
        }

        PipelineReader.CheckTriggers(read, broken);
        return read.ToImmutableSortedDictionary(p => p.Pipeline.Name, p => p.Pipeline, StringComparer.Ordinal);
    }

    private static string Display(string directory, string relative) => Path.Join(directory, relative);

    /// <summary>The name a broken file's object goes by: its <c>name:</c> when that much is readable, else the file name.</summary>
    private static string NameOf(YamlSection? section, string file)
    {
        try
        {
            return section?.String("name") is { Length: > 0 } name ? name : Path.GetFileNameWithoutExtension(file);
        }
        catch (ConfigException)
        {
            return Path.GetFileNameWithoutExtension(file);
        }
    }

    private static IEnumerable<string> YamlFiles(string root, string folder)
    {
        var path = Path.Combine(root, folder);
        return !Directory.Exists(path) ? [] :
            Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
    }

    /// <summary>Runs one read of nagare.yml; a problem is recorded and <paramref name="fallback"/> used, so every key is checked in one pass.</summary>
    private static T Collect<T>(List<ConfigException> problems, Func<T> read, T fallback)
    {
        try
        {
            return read();
        }
        catch (ConfigException e)
        {
            problems.Add(e);
            return fallback;
        }
    }

    /// <summary>Reads every key of nagare.yml (the one list of known top-level keys, whatever the command), recording each problem.</summary>
    private static RootSettings ReadRoot(string directory, string root, Func<string, string?> environment, List<ConfigException> problems)
    {
        var projectFile = Path.Combine(root, ProjectConfig.FileName);
        var noPools = ImmutableSortedDictionary.Create<string, int>(StringComparer.Ordinal);
        var fallback = new RootSettings(string.Empty, Path.GetFullPath(ProjectDefaults.WarehousePath, root), null, null, null, ProjectDefaults.Default, ModelSettings.Default, noPools);
        if (!File.Exists(projectFile))
        {
            throw new ConfigException($"No {ProjectConfig.FileName} in '{root}'.")
            {
                Hint = "Run 'nagare init' to create a project there, or pass --project DIR.",
            };
        }

        YamlSection project;
        try
        {
            project = YamlSection.Load(projectFile, Display(directory, ProjectConfig.FileName), environment);
        }
        catch (ConfigException e)
        {
            problems.Add(e);
            return fallback;
        }

        var name = Collect(problems, () => project.RequiredString("name"), string.Empty);
        var warehousePath = Collect(problems, () => Path.GetFullPath(project.String("warehouse") ?? ProjectDefaults.WarehousePath, root), fallback.WarehousePath);
        var blockSize = Collect(problems, () => Checked(project, "warehouse_block_size", project.Int("warehouse_block_size", int.MinValue, int.MaxValue), size => WarehouseFile.BlockSizeProblem(size!.Value)), null);
        var compression = Collect(problems, () => Checked(project, "warehouse_compression", project.String("warehouse_compression"), WarehouseFile.CompressionProblem), null);
        var defaults = Collect(problems, () => ReadDefaults(project.Section("defaults")), ProjectDefaults.Default);
        var models = ReadModelSettings(project, problems) with
        {
            TimeZone = Collect(problems, () => Checked(project, "timezone", project.String("timezone"), TimeZoneProblem), null),
        };
        var pools = Collect(problems, () => ReadPools(project.Section("pools")), noPools);
        Collect(problems, () => { project.RejectUnknownKeys(); return true; }, false);
        return new RootSettings(name, warehousePath, blockSize, compression, project, defaults, models, pools);
    }

    /// <summary>Why <paramref name="name"/> is not a time zone DuckDB and .NET both know by its IANA name, or null.</summary>
    internal static string? TimeZoneProblem(string name) =>
        name.Length > 0 && !name.Contains('\\', StringComparison.Ordinal) && TimeZoneInfo.TryFindSystemTimeZoneById(name, out _)
            ? null
            : $"'{name}' is not an IANA time zone such as Asia/Tokyo, Europe/Berlin or UTC";

    /// <summary>The <c>timezone:</c> of the project's nagare.yml, or null when it sets none or there is no nagare.yml.</summary>
    /// <exception cref="ConfigException">nagare.yml has problems.</exception>
    public static string? TimeZone(string directory, Func<string, string?>? environment = null) =>
        RootSetting(directory, environment, settings => settings.Models.TimeZone);

    /// <summary>One setting of nagare.yml alone (null without a nagare.yml); every problem of the file is an error.</summary>
    private static string? RootSetting(string directory, Func<string, string?>? environment, Func<RootSettings, string?> pick)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var root = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(root, ProjectConfig.FileName)))
        {
            return null;
        }

        var problems = new List<ConfigException>();
        var settings = ReadRoot(directory, root, environment ?? Environment.GetEnvironmentVariable, problems);
        return problems.Count > 0 ? throw ConfigException.Combine(problems) : pick(settings);
    }

    private static T? Checked<T>(YamlSection section, string key, T? value, Func<T, string?> problemOf) =>
        value is not null && problemOf(value) is { } problem ? throw section.Error(key, problem) : value;

    private static ConnectionConfig WarehouseConnection(RootSettings settings, ProjectDefaults defaults)
    {
        var warehouseSettings = ImmutableDictionary<string, ConfigSetting>.Empty;
        var location = settings.File?.Location ?? new ConfigLocation(ProjectConfig.FileName, 1, 1);
        foreach (var (key, value, yamlKey) in new[]
        {
            ("path", settings.WarehousePath, "warehouse"),
            ("block_size", settings.BlockSize?.ToString(System.Globalization.CultureInfo.InvariantCulture), "warehouse_block_size"),
            ("compression", settings.Compression, "warehouse_compression"),
        })
        {
            if (value is not null)
            {
                warehouseSettings = warehouseSettings.Add(key, new ConfigSetting(key, value, null, [], null, settings.File?.LocationOf(yamlKey) ?? location));
            }
        }

        return new ConnectionConfig(ProjectConfig.WarehouseConnection, "duckdb", defaults.MaxConcurrency, warehouseSettings, location);
    }

    private static ModelSettings ReadModelSettings(YamlSection project, List<ConfigException> problems)
    {
        var d = ModelSettings.Default;
        var (modelPaths, seedPaths, macroPaths, testPaths) = (d.ModelPaths, d.SeedPaths, d.MacroPaths, d.TestPaths);
        var (modelConfig, seedConfig) = (d.ModelConfig, d.SeedConfig);
        switch (project.Node("models"))
        {
            case YamlScalarNode or YamlSequenceNode:
                // models: models  /  models: [models, more_models]
                modelPaths = Collect(problems, () => Or(project.StringList("models"), d.ModelPaths), d.ModelPaths);
                break;
            case YamlMappingNode:
                var section = project.Section("models")!;
                modelPaths = Collect(problems, () => Or(section.StringList("paths"), Or(section.StringList("model_paths"), d.ModelPaths)), d.ModelPaths);
                seedPaths = Collect(problems, () => Or(section.StringList("seed_paths"), d.SeedPaths), d.SeedPaths);
                macroPaths = Collect(problems, () => Or(section.StringList("macro_paths"), d.MacroPaths), d.MacroPaths);
                testPaths = Collect(problems, () => Or(section.StringList("test_paths"), d.TestPaths), d.TestPaths);
                modelConfig = Collect(problems, () => Mapping(section, "config", "folder configs such as 'dwh: { +materialized: table }'"), d.ModelConfig);
                seedConfig = Collect(problems, () => Mapping(section, "seeds", "seed configs such as '+schema: lake_seed'"), d.SeedConfig);
                Collect(problems, () => { section.RejectUnknownKeys(); return true; }, false);
                break;
        }

        var targetPath = Collect(problems, () => project.String("target_path") ?? d.TargetPath, d.TargetPath);
        var vars = Collect(problems, () => Mapping(project, "vars", "variables such as 'start_date: \"2024-01-01\"'"), d.Vars);
        var targets = Collect(problems, () => ReadTargets(project.Section("targets")), d.Targets);
        var defaultTarget = Collect(problems, () => project.String("default_target"), null);
        var target = Collect(problems, () => project.String("target"), null);
        defaultTarget ??= target;
        if (defaultTarget is not null && !targets.IsEmpty && !targets.Any(t => t.Name == defaultTarget))
        {
            var names = targets.Select(t => t.Name).ToList();
            var key = project.Has("default_target") ? "default_target" : "target";
            problems.Add(project.Error(key, $"no target '{defaultTarget}' under targets:{YamlSection.Suggest(defaultTarget, names)}. Defined: {string.Join(", ", names)}"));
        }

        return new ModelSettings(modelPaths, seedPaths, macroPaths, testPaths, targetPath, modelConfig, seedConfig, vars, targets, defaultTarget);
    }

    private static ImmutableArray<string> Or(ImmutableArray<string> value, ImmutableArray<string> fallback) => value.IsDefaultOrEmpty ? fallback : value;

    private static ImmutableSortedDictionary<string, object?> Mapping(YamlSection section, string key, string example) => section.Value(key) switch
    {
        null => ImmutableSortedDictionary<string, object?>.Empty,
        ImmutableSortedDictionary<string, object?> map => map,
        _ => throw section.Error(key, $"expected a mapping of {example}"),
    };

    private static ImmutableArray<TargetConfig> ReadTargets(YamlSection? section)
    {
        if (section is null)
        {
            return [];
        }

        var targets = ImmutableArray.CreateBuilder<TargetConfig>();
        var problems = new List<ConfigException>();
        foreach (var (name, value, location) in section.Entries())
        {
            try
            {
                targets.Add(value switch
                {
                    YamlScalarNode { Value: null or "" or "~" or "null" } => new TargetConfig(name, null, null, string.Empty, string.Empty, null, location),
                    YamlMappingNode mapping => ReadTarget(section.Child(name, mapping), name),
                    _ => throw new ConfigException(location, section.KeyPath(name), "expected a mapping such as { warehouse: .nagare/ci.duckdb, schema_suffix: _ci }"),
                });
            }
            catch (ConfigException e)
            {
                problems.Add(e);
            }
        }

        return problems.Count > 0 ? throw ConfigException.Combine(problems) : targets.ToImmutable();
    }

    private static TargetConfig ReadTarget(YamlSection section, string name)
    {
        var warehouse = section.String("warehouse");
        var path = section.String("path");
        var target = new TargetConfig(
            name,
            warehouse ?? path,
            section.String("schema"),
            section.String("schema_prefix") ?? string.Empty,
            section.String("schema_suffix") ?? string.Empty,
            section.Int("threads", 1, 1024),
            section.Location);
        section.RejectUnknownKeys();
        return target;
    }

    /// <summary><c>pools:</c> of nagare.yml: a name to the number of tasks that may hold one of its slots at once.</summary>
    private static ImmutableSortedDictionary<string, int> ReadPools(YamlSection? section)
    {
        var pools = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        if (section is null)
        {
            return pools.ToImmutable();
        }

        var problems = new List<ConfigException>();
        foreach (var (name, value, location) in section.Entries())
        {
            try
            {
                var text = section.ScalarText(name, value);
                pools[name] = int.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var slots) && slots >= 1
                    ? slots
                    : throw new ConfigException(location, section.KeyPath(name), $"expected a positive number of slots, found '{text}' (e.g. pools: {{ {name}: 4 }})");
            }
            catch (ConfigException e)
            {
                problems.Add(e);
            }
        }

        return problems.Count > 0 ? throw ConfigException.Combine(problems) : pools.ToImmutable();
    }

    private static ProjectDefaults ReadDefaults(YamlSection? section)
    {
        var d = ProjectDefaults.Default;
        if (section is null)
        {
            return d;
        }

        var result = new ProjectDefaults(
            section.Int("parallelism", 1, 1024) ?? d.Parallelism,
            section.Int("max_concurrency", 1, 1024) ?? d.MaxConcurrency,
            section.Long("chunk_rows", 1, long.MaxValue) ?? d.ChunkRows,
            section.Int("batch_size", 1, 1_048_576) ?? d.BatchSize,
            section.Int("log_retention_days", 1, 36_500) ?? d.LogRetentionDays);
        section.RejectUnknownKeys();
        return result;
    }

    private static ConnectionConfig ReadConnection(YamlSection section, string fileStem, ConnectorRegistry registry, ProjectDefaults defaults)
    {
        var name = section.String("name") ?? fileStem;
        var typeName = section.RequiredString("type");
        var type = registry.Find(typeName) ?? throw section.Error("type", $"unknown connector type '{typeName}'{YamlSection.Suggest(typeName, registry.TypeNames)}. Known: {string.Join(", ", registry.TypeNames)}");
        var maxConcurrency = section.Int("max_concurrency", 1, 1000) ?? defaults.MaxConcurrency;
        var settings = ReadSettings(section, type);
        var shardSections = section.SectionList("shards");
        if (shardSections.Count == 0)
        {
            RequireKeys(section, typeName, type, settings);
        }

        section.RejectUnknownKeys();
        return new ConnectionConfig(name, typeName, maxConcurrency, settings, section.Location)
        {
            Shards = [.. shardSections.Select((s, i) => ShardName(name, s, i, type))],
        };
    }

    /// <summary>
    /// The connections a template's <c>shards:</c> entries define: the template's keys with the entry's keys over them,
    /// named <c>TEMPLATE.SHARD</c>.
    /// </summary>
    private static List<ConnectionConfig> ReadShards(YamlSection section, ConnectionConfig template, ConnectorRegistry registry)
    {
        var result = new List<ConnectionConfig>();
        if (template.Shards.IsEmpty)
        {
            return result;
        }

        var type = registry.Find(template.Type)!;
        var sections = section.SectionList("shards");
        for (var i = 0; i < sections.Count; i++)
        {
            var entry = sections[i];
            var settings = template.Settings.SetItems(ReadSettings(entry, type));
            RequireKeys(entry, template.Type, type, settings);
            // 'name' was read when the template named its shards.
            entry.RejectUnknownKeys([.. type.Keys, "name"]);
            result.Add(new ConnectionConfig(template.Shards[i], template.Type, template.MaxConcurrency, settings, entry.Location) { Template = template.Name });
        }

        return result;
    }

    /// <summary>
    /// A shard's connection name: <c>TEMPLATE.</c> and the entry's <c>name:</c>, or else the values it sets, joined by
    /// <c>_</c> (<c>database: app_01</c> gives <c>TEMPLATE.app_01</c>).
    /// </summary>
    private static string ShardName(string template, YamlSection entry, int index, ConnectorType type)
    {
        var own = entry.String("name");
        if (own is null)
        {
            // Only the connector's keys: a misspelt key must stay unread, for the unknown-key error to name it.
            var values = entry.Keys.Where(type.Keys.Contains).Select(k => entry.Node(k) is YamlScalarNode { Value: { } v } ? v : null).ToList();
            if (values.Count == 0 || values.Any(v => v is null || v.Contains("${", StringComparison.Ordinal)))
            {
                // A misspelt key is the likelier mistake: its did-you-mean says more than "name is required".
                entry.RejectUnknownKeys([.. type.Keys, "name"]);
                throw entry.Error("name", $"is required for shard {index + 1}: its keys do not name it (give each shard a name, e.g. name: s{index + 1:00})");
            }

            own = string.Join('_', values);
        }

        return $"{template}.{ConnectionConfig.Slug(own)}";
    }

    private static void RequireKeys(YamlSection section, string typeName, ConnectorType type, ImmutableDictionary<string, ConfigSetting> settings)
    {
        foreach (var key in type.RequiredKeys)
        {
            if (!settings.ContainsKey(key))
            {
                throw section.Error(key, $"is required for a {typeName} connection");
            }
        }
    }

    private static ImmutableDictionary<string, ConfigSetting> ReadSettings(YamlSection section, ConnectorType type)
    {
        var settings = ImmutableDictionary.CreateBuilder<string, ConfigSetting>(StringComparer.Ordinal);
        foreach (var key in type.Keys)
        {
            var node = section.Node(key);
            if (node is null)
            {
                continue;
            }

            var location = section.At(node);
            settings[key] = node switch
            {
                YamlSequenceNode => new ConfigSetting(key, null, null, section.StringList(key), null, location),
                YamlMappingNode mapping => new ConfigSetting(key, null, null, [], ReadPlainMap(section.Child(key, mapping)), location),
                // A value from a stored secret stays secret whatever key it is written under.
                _ when type.SecretKeys.Contains(key) || section.ReferencesSecret(key) => new ConfigSetting(key, null, section.Secret(key), [], null, location) { Reference = EnvironmentReference(node) },
                _ => new ConfigSetting(key, section.String(key), null, [], null, location) { Reference = EnvironmentReference(node) },
            };
        }

        static string? EnvironmentReference(YamlNode node) =>
            node is YamlScalarNode { Value: { } text } && text.Contains("${", StringComparison.Ordinal) && !text.Contains("${secret:", StringComparison.Ordinal) ? text : null;

        return settings.ToImmutable();
    }

    private static ImmutableSortedDictionary<string, string> ReadPlainMap(YamlSection section)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value, _) in section.Entries())
        {
            builder[key] = section.ScalarText(key, value);
        }

        return builder.ToImmutable();
    }

    private static SyncConfig ReadSync(YamlSection section, string fileStem, ImmutableSortedDictionary<string, ConnectionConfig>.Builder connections, IReadOnlySet<string> brokenConnections, ProjectDefaults defaults)
    {
        var name = section.String("name") ?? fileStem;
        var sources = ReadSources(section, connections, brokenConnections);
        var source = sources[0];

        var destination = section.String("destination") ?? ProjectConfig.WarehouseConnection;
        if (!connections.ContainsKey(destination) && !brokenConnections.Contains(destination))
        {
            throw section.Error("destination", $"no connection named '{destination}'{YamlSection.Suggest(destination, connections.Keys)}. Known: {string.Join(", ", connections.Keys)}");
        }

        var targetSchema = section.String("target_schema");
        var naming = section.String("naming") ?? SyncConfig.DefaultNaming;
        ValidateNaming(section, naming);
        var defaultMode = section.Choice("mode", Modes) ?? WriteMode.FullRefresh;
        var defaultCursor = section.String("cursor");
        var defaultKey = section.StringList("primary_key");
        var onError = section.Choice("on_error", OnErrors) ?? OnError.Fail;
        var deleteDetection = section.Choice("delete_detection", DeleteDetections) ?? DeleteDetection.None;
        var chunking = ReadChunking(section.Section("chunking"), new ChunkingConfig(defaults.ChunkRows, null, null));
        var schemaChanges = section.Choice("schema_changes", SchemaPolicies) ?? SchemaChangePolicy.Evolve;
        var softDeleteColumn = section.String("soft_delete_column") ?? "_deleted_at";
        var snapshot = section.Choice("snapshot", SnapshotScopes) ?? SnapshotScope.Table;
        var columns = ReadColumnRules(section.Section("columns"));
        var vars = section.Section("vars") is { } varsSection ? ReadPlainMap(varsSection).ToImmutableDictionary(StringComparer.Ordinal) : ImmutableDictionary<string, string>.Empty;
        var streamSections = section.SectionList("streams");
        if (streamSections.Count == 0)
        {
            // A misspelt 'streams:' is the likelier mistake: its did-you-mean says more than "no streams".
            section.RejectUnknownKeys();
            throw section.Error("streams", "at least one stream selection is required, e.g. '- select: \"public.*\"'");
        }

        var problems = new List<ConfigException>();
        var streams = ImmutableArray.CreateBuilder<StreamConfig>(streamSections.Count);
        foreach (var streamSection in streamSections)
        {
            try
            {
                streams.Add(ReadStream(streamSection, defaultMode, defaultCursor, defaultKey, onError, deleteDetection, chunking));
            }
            catch (ConfigException e)
            {
                problems.Add(e);
            }
        }

        try
        {
            section.RejectUnknownKeys();
        }
        catch (ConfigException e)
        {
            problems.Add(e);
        }

        if (problems.Count > 0)
        {
            throw ConfigException.Combine(problems);
        }

        return new SyncConfig(name, source, destination, targetSchema, naming, streams.MoveToImmutable(), columns, vars, schemaChanges, softDeleteColumn, section.Location)
        {
            Sources = sources,
            Snapshot = snapshot,
        };
    }

    /// <summary>
    /// The sync's source connections: <c>source:</c> (one connection or a template, which stands for its shards) or
    /// <c>sources:</c> (a list of them), each existing, none twice.
    /// </summary>
    private static ImmutableArray<string> ReadSources(YamlSection section, ImmutableSortedDictionary<string, ConnectionConfig>.Builder connections, IReadOnlySet<string> brokenConnections)
    {
        var key = section.Has("sources") ? "sources" : "source";
        if (key == "sources" && section.Has("source"))
        {
            throw section.Error("source", "and 'sources:' cannot both be given: list every connection under 'sources:'");
        }

        var names = key == "sources" ? section.StringList("sources") : [section.RequiredString("source")];
        if (names.IsEmpty)
        {
            throw section.Error("sources", "lists no connection; write e.g. sources: [shard1, shard2]");
        }

        var result = new List<string>();
        foreach (var name in names)
        {
            // A connection whose own file is broken still exists: the sync is fine, it just cannot run until that file is fixed.
            if (!connections.TryGetValue(name, out var connection))
            {
                if (!brokenConnections.Contains(name))
                {
                    throw section.Error(key, $"no connection named '{name}'{YamlSection.Suggest(name, connections.Keys)}. Known: {string.Join(", ", connections.Keys)}");
                }

                result.Add(name);
                continue;
            }

            foreach (var one in connection.Shards.IsEmpty ? [name] : connection.Shards)
            {
                if (result.Contains(one, StringComparer.Ordinal))
                {
                    throw section.Error(key, $"connection '{one}' is listed twice");
                }

                result.Add(one);
            }
        }

        return [.. result];
    }

    private static void ValidateNaming(YamlSection section, string naming)
    {
        var position = 0;
        while ((position = naming.IndexOf('{', position)) >= 0)
        {
            var end = naming.IndexOf('}', position);
            var placeholder = end < 0 ? naming[position..] : naming[position..(end + 1)];
            if (placeholder is not ("{schema}" or "{table}" or "{source}"))
            {
                throw section.Error("naming", $"unknown placeholder '{placeholder}'; use {{schema}}, {{table}} and {{source}}, e.g. \"{{schema}}_{{table}}\"");
            }

            position = end + 1;
        }

        if (!naming.Contains("{table}", StringComparison.Ordinal))
        {
            throw section.Error("naming", "must contain {table}, otherwise every stream would load into the same table (use 'into:' for that)");
        }
    }

    private static StreamConfig ReadStream(YamlSection section, WriteMode defaultMode, string? defaultCursor, ImmutableArray<string> defaultKey, OnError onError, DeleteDetection deleteDetection, ChunkingConfig chunking)
    {
        var select = section.StringList("select");
        var exclude = section.StringList("exclude");
        var mode = section.Choice("mode", Modes) ?? defaultMode;
        var cursor = section.String("cursor") ?? defaultCursor;
        var primaryKey = section.Has("primary_key") ? section.StringList("primary_key") : defaultKey;
        var into = section.String("into");
        var sourceColumn = section.String("source_column") ?? "_source";
        var columns = ReadColumnRules(section.Section("columns"));
        var sql = section.String("sql");
        var filter = section.String("filter");
        var streamOnError = section.Choice("on_error", OnErrors) ?? onError;
        var streamDeletes = section.Choice("delete_detection", DeleteDetections) ?? deleteDetection;
        var streamChunking = ReadChunking(section.Section("chunking"), chunking);

        // Unknown keys first: a misspelt 'select' or 'cursor' should be reported as such, not as missing.
        section.RejectUnknownKeys();
        if (mode == WriteMode.Incremental && cursor is null)
        {
            throw section.Error("cursor", "is required with mode incremental: the column whose growth marks new rows (e.g. updated_at or id)");
        }

        if (streamDeletes != DeleteDetection.None && mode is not (WriteMode.FullRefresh or WriteMode.Merge))
        {
            throw section.Error("delete_detection", "applies to modes full_refresh and merge only");
        }

        if (streamDeletes != DeleteDetection.None && mode == WriteMode.Merge && cursor is not null)
        {
            // A run with a cursor reads only the rows changed since the last one: a key it did not read is not gone.
            throw section.Error(
                "delete_detection",
                $"cannot be {streamDeletes.ToString().ToLowerInvariant()} in a merge with cursor '{cursor}': a run reads only rows past the cursor, so rows it does not read are not deleted rows. " +
                "Remove the cursor (a merge without one reads every row, leaves unchanged rows alone and detects deletes), or set delete_detection: none");
        }

        if (filter is not null && sql is not null)
        {
            throw section.Error("filter", "cannot be combined with 'sql': put the condition in the query's WHERE clause");
        }

        if (select.IsEmpty)
        {
            throw section.Error("select", "is required: a glob over schema.table such as \"public.*\"");
        }

        return new StreamConfig(select, exclude, mode, cursor, primaryKey, into, sourceColumn, columns, sql, streamOnError, streamDeletes, streamChunking, section.Location)
        {
            Filter = filter,
        };
    }

    private static ChunkingConfig ReadChunking(YamlSection? section, ChunkingConfig inherited)
    {
        if (section is null)
        {
            return inherited;
        }

        var result = new ChunkingConfig(
            section.Long("chunk_rows", 1, long.MaxValue) ?? inherited.ChunkRows,
            section.Int("chunks", 1, 100_000) ?? inherited.Chunks,
            section.String("key") ?? inherited.Key);
        section.RejectUnknownKeys();
        return result;
    }

    private static ImmutableArray<ColumnRule> ReadColumnRules(YamlSection? section)
    {
        if (section is null)
        {
            return [];
        }

        var rules = ImmutableArray.CreateBuilder<ColumnRule>();
        foreach (var (pattern, value, location) in section.Entries())
        {
            if (value is not YamlMappingNode mapping)
            {
                throw new ConfigException(location, section.KeyPath(pattern), "expected a mapping such as { rename: new_name }, { exclude: true }, { cast: \"decimal(12,2)\" } or { mask: sha256 }");
            }

            rules.Add(new ColumnRule(pattern, ReadColumnMapping(section.Child(pattern, mapping))));
        }

        return rules.ToImmutable();
    }

    private static ColumnMapping ReadColumnMapping(YamlSection section)
    {
        // One spelling for a type override: hints and docs say cast:, so type: (a natural guess) gets a pointer to it.
        if (section.Has("type"))
        {
            throw section.Error("type", "is not a column rule key: write cast: instead, e.g. { cast: string } or { cast: \"decimal(12,2)\" }");
        }

        var rename = section.String("rename");
        var exclude = section.Bool("exclude") ?? false;
        ColumnType? cast = null;
        if (section.String("cast") is { } castText)
        {
            try
            {
                cast = ColumnType.Parse(castText);
            }
            catch (FormatException e)
            {
                throw section.Error("cast", e.Message);
            }
        }

        var mask = section.Choice("mask", Masks);
        var secret = section.Secret("secret");
        if (mask == MaskKind.Hmac && secret is null)
        {
            throw section.Error("secret", "is required with mask: hmac (write secret: ${SOME_ENV_VARIABLE})");
        }

        if (secret is not null && mask != MaskKind.Hmac)
        {
            throw section.Error("secret", "is only used with mask: hmac");
        }

        if (mask is not null && cast is not null)
        {
            throw section.Error("cast", "cannot be combined with mask: a masked column is text");
        }

        section.RejectUnknownKeys();
        return new ColumnMapping(rename, exclude, cast, mask, secret, section.Location);
    }

    /// <summary>
    /// Reads the files of one folder of objects (syncs, channels, activations) the same way: one object per file,
    /// a name defined twice is an error at the second file, and a file with problems becomes a <see cref="BrokenObject"/>.
    /// </summary>
    private sealed class ObjectFiles(string directory, string root, Func<string, string?> environment, List<BrokenObject> broken)
    {
        public ImmutableSortedDictionary<string, T>.Builder Read<T>(string folder, string kind, string noun, Func<YamlSection, string, T> read, Func<T, (string Name, ConfigLocation Location)> identity)
        {
            var objects = ImmutableSortedDictionary.CreateBuilder<string, T>(StringComparer.Ordinal);
            foreach (var file in YamlFiles(root, folder))
            {
                var display = Display(directory, Path.GetRelativePath(root, file));
                YamlSection? section = null;
                try
                {
                    section = YamlSection.Load(file, display, environment);
                    var value = read(section, Path.GetFileNameWithoutExtension(file));
                    var (name, _) = identity(value);
                    if (objects.TryGetValue(name, out var first))
                    {
                        throw section.Error("name", $"{noun} '{name}' is already defined at {identity(first).Location}");
                    }

                    objects[name] = value;
                }
                catch (ConfigException e)
                {
                    broken.Add(new BrokenObject(kind, NameOf(section, file), display, ConfigException.Combine([e])));
                }
            }

            return objects;
        }
    }

    /// <summary>What nagare.yml says, with fallbacks where a key had a problem.</summary>
    private sealed record RootSettings(string Name, string WarehousePath, int? BlockSize, string? Compression, YamlSection? File, ProjectDefaults Defaults, ModelSettings Models, ImmutableSortedDictionary<string, int> Pools);
}
