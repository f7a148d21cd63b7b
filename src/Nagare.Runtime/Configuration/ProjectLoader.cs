using System.Collections.Immutable;
using Nagare.Connectors.DuckDb;
using Nagare.Core.Connectors;
using Nagare.Core.Types;
using Nagare.Runtime.Connections;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Configuration;

/// <summary>
/// Reads a project folder into <see cref="ProjectConfig"/>. <c>${ENV}</c> references are substituted while
/// loading; every problem is a <see cref="ConfigException"/> naming file, line, column and key.
/// </summary>
public static class ProjectLoader
{
    private static readonly ImmutableSortedDictionary<string, WriteMode> Modes = new Dictionary<string, WriteMode>
    {
        ["full_refresh"] = WriteMode.FullRefresh,
        ["append"] = WriteMode.Append,
        ["incremental"] = WriteMode.Incremental,
        ["merge"] = WriteMode.Merge,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    private static readonly ImmutableSortedDictionary<string, OnError> OnErrors = new Dictionary<string, OnError>
    {
        ["fail"] = OnError.Fail,
        ["skip"] = OnError.Skip,
        ["quarantine"] = OnError.Quarantine,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    private static readonly ImmutableSortedDictionary<string, DeleteDetection> DeleteDetections = new Dictionary<string, DeleteDetection>
    {
        ["none"] = DeleteDetection.None,
        ["soft"] = DeleteDetection.Soft,
        ["hard"] = DeleteDetection.Hard,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    private static readonly ImmutableSortedDictionary<string, SchemaChangePolicy> SchemaPolicies = new Dictionary<string, SchemaChangePolicy>
    {
        ["evolve"] = SchemaChangePolicy.Evolve,
        ["fail"] = SchemaChangePolicy.Fail,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    private static readonly ImmutableSortedDictionary<string, MaskKind> Masks = new Dictionary<string, MaskKind>
    {
        ["sha256"] = MaskKind.Sha256,
        ["hmac"] = MaskKind.Hmac,
    }.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The warehouse file (absolute) that <paramref name="directory"/>'s nagare.yml names, or null without a nagare.yml.
    /// Reads nagare.yml alone: commands that only need the warehouse do not depend on connections and syncs (or the
    /// secrets they reference) being loadable.
    /// </summary>
    /// <exception cref="ConfigException">nagare.yml is invalid.</exception>
    public static string? WarehousePath(string directory, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var root = Path.GetFullPath(directory);
        var projectFile = Path.Combine(root, ProjectConfig.FileName);
        return File.Exists(projectFile)
            ? WarehouseOf(YamlSection.Load(projectFile, Display(directory, ProjectConfig.FileName), environment ?? Environment.GetEnvironmentVariable), root)
            : null;
    }

    private static string WarehouseOf(YamlSection project, string root) =>
        Path.GetFullPath(project.String("warehouse") ?? ProjectConfig.DefaultWarehousePath, root);

    /// <summary>Loads the project in <paramref name="directory"/>.</summary>
    /// <param name="directory">The project folder, as the user gave it (file names in messages start with it).</param>
    /// <param name="registry">Connector types, for checking connection keys; <see cref="ConnectorRegistry.Default"/> when null.</param>
    /// <param name="environment">Environment lookup for <c>${NAME}</c>; the process environment when null.</param>
    /// <exception cref="ConfigException">A file is missing or invalid.</exception>
    public static ProjectConfig Load(string directory, ConnectorRegistry? registry = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        registry ??= ConnectorRegistry.Default;
        environment ??= Environment.GetEnvironmentVariable;
        var root = Path.GetFullPath(directory);
        var projectFile = Path.Combine(root, ProjectConfig.FileName);
        if (!File.Exists(projectFile))
        {
            throw new ConfigException($"No {ProjectConfig.FileName} in '{root}'.")
            {
                Hint = "Run 'nagare init' to create a project there, or pass --project DIR.",
            };
        }

        var project = YamlSection.Load(projectFile, Display(directory, ProjectConfig.FileName), environment);
        var name = project.RequiredString("name");
        var warehousePath = WarehouseOf(project, root);
        var blockSize = project.Int("warehouse_block_size", int.MinValue, int.MaxValue);
        if (blockSize is { } size && WarehouseFile.BlockSizeProblem(size) is { } problem)
        {
            throw project.Error("warehouse_block_size", problem);
        }

        var compression = project.String("warehouse_compression");
        if (compression is not null && WarehouseFile.CompressionProblem(compression) is { } wrong)
        {
            throw project.Error("warehouse_compression", wrong);
        }

        var defaults = ReadDefaults(project.Section("defaults"));
        project.RejectUnknownKeys();

        var connections = ImmutableSortedDictionary.CreateBuilder<string, ConnectionConfig>(StringComparer.Ordinal);
        // The built-in warehouse is a duckdb connection whose keys come from nagare.yml's warehouse_* keys.
        var warehouseSettings = ImmutableDictionary<string, ConfigSetting>.Empty;
        foreach (var (key, value, yamlKey) in new[]
        {
            ("path", warehousePath, "warehouse"),
            ("block_size", blockSize?.ToString(System.Globalization.CultureInfo.InvariantCulture), "warehouse_block_size"),
            ("compression", compression, "warehouse_compression"),
        })
        {
            if (value is not null)
            {
                warehouseSettings = warehouseSettings.Add(key, new ConfigSetting(key, value, null, [], null, project.LocationOf(yamlKey)));
            }
        }

        connections[ProjectConfig.WarehouseConnection] = new ConnectionConfig(ProjectConfig.WarehouseConnection, "duckdb", defaults.MaxConcurrency, warehouseSettings, project.Location);
        var origins = new Dictionary<string, ConfigLocation>(StringComparer.Ordinal);
        foreach (var file in YamlFiles(root, "connections"))
        {
            var section = YamlSection.Load(file, Display(directory, Path.GetRelativePath(root, file)), environment);
            var connection = ReadConnection(section, Path.GetFileNameWithoutExtension(file), registry, defaults);
            if (connection.Name == ProjectConfig.WarehouseConnection)
            {
                throw section.Error("name", "'warehouse' is the built-in connection to the embedded warehouse; choose another name (set the warehouse file with 'warehouse:' in nagare.yml)");
            }

            if (origins.TryGetValue(connection.Name, out var first))
            {
                throw section.Error("name", $"connection '{connection.Name}' is already defined at {first}");
            }

            origins[connection.Name] = connection.Location;
            connections[connection.Name] = connection;
        }

        var syncs = ImmutableSortedDictionary.CreateBuilder<string, SyncConfig>(StringComparer.Ordinal);
        foreach (var file in YamlFiles(root, "syncs"))
        {
            var section = YamlSection.Load(file, Display(directory, Path.GetRelativePath(root, file)), environment);
            var sync = ReadSync(section, Path.GetFileNameWithoutExtension(file), connections, defaults);
            if (syncs.TryGetValue(sync.Name, out var first))
            {
                throw section.Error("name", $"sync '{sync.Name}' is already defined at {first.Location}");
            }

            syncs[sync.Name] = sync;
        }

        return new ProjectConfig(name, root, warehousePath, defaults, connections.ToImmutable(), syncs.ToImmutable());
    }

    private static string Display(string directory, string relative) => Path.Join(directory, relative);

    private static IEnumerable<string> YamlFiles(string root, string folder)
    {
        var path = Path.Combine(root, folder);
        return !Directory.Exists(path) ? [] :
            Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
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
            section.Int("batch_size", 1, 1_048_576) ?? d.BatchSize);
        section.RejectUnknownKeys();
        return result;
    }

    private static ConnectionConfig ReadConnection(YamlSection section, string fileStem, ConnectorRegistry registry, ProjectDefaults defaults)
    {
        var name = section.String("name") ?? fileStem;
        var typeName = section.RequiredString("type");
        var type = registry.Find(typeName) ?? throw section.Error("type", $"unknown connector type '{typeName}'{YamlSection.Suggest(typeName, registry.TypeNames)}. Known: {string.Join(", ", registry.TypeNames)}");
        var maxConcurrency = section.Int("max_concurrency", 1, 1000) ?? defaults.MaxConcurrency;
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
                _ when type.SecretKeys.Contains(key) => new ConfigSetting(key, null, section.Secret(key), [], null, location),
                _ => new ConfigSetting(key, section.String(key), null, [], null, location),
            };
        }

        foreach (var key in type.RequiredKeys)
        {
            if (!settings.ContainsKey(key))
            {
                throw section.Error(key, $"is required for a {typeName} connection");
            }
        }

        section.RejectUnknownKeys();
        return new ConnectionConfig(name, typeName, maxConcurrency, settings.ToImmutable(), section.Location);
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

    private static SyncConfig ReadSync(YamlSection section, string fileStem, ImmutableSortedDictionary<string, ConnectionConfig>.Builder connections, ProjectDefaults defaults)
    {
        var name = section.String("name") ?? fileStem;
        var source = section.RequiredString("source");
        if (!connections.ContainsKey(source))
        {
            throw section.Error("source", $"no connection named '{source}'{YamlSection.Suggest(source, connections.Keys)}. Known: {string.Join(", ", connections.Keys)}");
        }

        var destination = section.String("destination") ?? ProjectConfig.WarehouseConnection;
        if (!connections.ContainsKey(destination))
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
        var columns = ReadColumnRules(section.Section("columns"));
        var vars = section.Section("vars") is { } varsSection ? ReadPlainMap(varsSection).ToImmutableDictionary(StringComparer.Ordinal) : ImmutableDictionary<string, string>.Empty;
        var streamSections = section.SectionList("streams");
        if (streamSections.Count == 0)
        {
            throw section.Error("streams", "at least one stream selection is required, e.g. '- select: \"public.*\"'");
        }

        var streams = streamSections.Select(s => ReadStream(s, defaultMode, defaultCursor, defaultKey, onError, deleteDetection, chunking)).ToImmutableArray();
        section.RejectUnknownKeys();
        return new SyncConfig(name, source, destination, targetSchema, naming, streams, columns, vars, schemaChanges, softDeleteColumn, section.Location);
    }

    private static void ValidateNaming(YamlSection section, string naming)
    {
        var position = 0;
        while ((position = naming.IndexOf('{', position)) >= 0)
        {
            var end = naming.IndexOf('}', position);
            var placeholder = end < 0 ? naming[position..] : naming[position..(end + 1)];
            if (placeholder is not ("{schema}" or "{table}"))
            {
                throw section.Error("naming", $"unknown placeholder '{placeholder}'; use {{schema}} and {{table}}, e.g. \"{{schema}}_{{table}}\"");
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
}
