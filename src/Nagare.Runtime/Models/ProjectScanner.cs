using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Models;

/// <summary>Finds a project's models, YAML properties, seeds, macros, sources and tests.</summary>
internal sealed partial class ProjectScanner
{
    private readonly ModelProject _project;
    private readonly Dictionary<string, ModelNode> _models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelNode> _seeds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelNode> _sources = new(StringComparer.Ordinal);
    private readonly List<ModelNode> _tests = [];
    private readonly List<(string Path, string Text)> _macros = [];
    private readonly List<PendingTest> _pendingTests = [];
    private readonly List<ConfigException> _unknownKeys = [];
    private Dictionary<string, Task<YamlMap>> _parsing = new(StringComparer.Ordinal);

    public ProjectScanner(ModelProject project) => _project = project;

    /// <summary>dbt nests folder configs under the project name; nagare.yml starts at the model folder.</summary>
    private int ConfigStart => _project.Flavor == ProjectFlavor.Dbt ? 0 : 1;

    public IReadOnlyDictionary<string, ModelNode> Models => _models;

    public IReadOnlyDictionary<string, ModelNode> Seeds => _seeds;

    public IReadOnlyDictionary<string, ModelNode> Sources => _sources;

    public IReadOnlyList<ModelNode> Tests => _tests;

    /// <summary>Macro files: relative path and text.</summary>
    public IReadOnlyList<(string Path, string Text)> Macros => _macros;

    /// <summary>Generic tests waiting for the compiler (their SQL needs resolved relations).</summary>
    public IReadOnlyList<PendingTest> PendingTests => _pendingTests;

    public void Scan()
    {
        var yamlFiles = new List<string>();
        var modelFiles = new List<(string Dir, string File)>();
        foreach (var dir in _project.ModelPaths)
        {
            modelFiles.AddRange(Files(dir, "*.sql").Select(file => (dir, file)));
            yamlFiles.AddRange(Files(dir, "*.yml").Concat(Files(dir, "*.yaml")));
        }

        foreach (var dir in _project.SeedPaths)
        {
            yamlFiles.AddRange(Files(dir, "*.yml").Concat(Files(dir, "*.yaml")));
        }

        // Property files are parsed while the model files are read (a large project's schema.yml alone takes as long
        // as reading thousands of models); each is applied below, in order, once every node exists.
        _parsing = yamlFiles.Distinct(StringComparer.Ordinal).ToDictionary(file => file, file => Task.Run(() => YamlTree.Load(file, _project.Relative(file))), StringComparer.Ordinal);
        var texts = ReadAll(modelFiles.Select(m => m.File).ToList());
        for (var i = 0; i < modelFiles.Count; i++)
        {
            AddModel(modelFiles[i].Dir, modelFiles[i].File, texts[i]);
        }

        foreach (var dir in _project.SeedPaths)
        {
            foreach (var file in Files(dir, "*.csv"))
            {
                AddSeed(dir, file);
            }
        }

        yamlFiles.AddRange(ScanSnapshots());
        ScanAnalyses();
        foreach (var dir in _project.MacroPaths)
        {
            foreach (var file in Files(dir, "*.sql"))
            {
                _macros.Add((_project.Relative(file), ReadText(file)));
            }
        }

        ScanPackages(yamlFiles);
        foreach (var file in yamlFiles.Order(StringComparer.Ordinal))
        {
            ReadProperties(file);
        }

        foreach (var dir in _project.TestPaths)
        {
            foreach (var file in Files(dir, "*.sql"))
            {
                var rel = _project.Relative(file);
                if (IsGenericTestFile(dir, file))
                {
                    // As in dbt: tests/generic/ holds {% test %} definitions, i.e. macros, not singular tests.
                    _macros.Add((rel, ReadText(file)));
                    continue;
                }

                var name = Path.GetFileNameWithoutExtension(file);
                var fqn = Fqn(dir, file);
                var node = new ModelNode(NodeType.Test, $"test.{_project.Name}.{name}", name, rel, fqn) { RawSql = ReadText(file) };
                var config = new NodeConfig();
                _project.TestConfigs.ApplyTo(config, fqn, ConfigStart);
                node.BaseConfig = config;
                _tests.Add(node);
            }
        }

        // A misspelt key (colums:) would silently drop what is under it; all of them are reported together.
        if (_unknownKeys.Count > 0)
        {
            throw ConfigException.Combine(_unknownKeys);
        }
    }

    private bool IsGenericTestFile(string dir, string file) =>
        Path.GetRelativePath(Path.Combine(_project.Root, dir), file).Replace('\\', '/').StartsWith("generic/", StringComparison.Ordinal);

    private IEnumerable<string> Files(string dir, string pattern)
    {
        var full = Path.Combine(_project.Root, dir);
        return Directory.Exists(full)
            ? Directory.EnumerateFiles(full, pattern, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];
    }

    private List<string> Fqn(string dir, string file, ModelPackage? package = null)
    {
        var rel = Path.GetRelativePath(Path.Combine(_project.Root, dir), file).Replace('\\', '/');
        var parts = rel.Split('/');
        var fqn = new List<string>(parts.Length + 1) { package?.Name ?? _project.Name };
        fqn.AddRange(parts[..^1]);
        fqn.Add(Path.GetFileNameWithoutExtension(parts[^1]));
        return fqn;
    }

    /// <summary>The texts of <paramref name="files"/>, read in parallel: on a cold compile thousands of small reads are mostly waits.</summary>
    private static string[] ReadAll(List<string> files)
    {
        var texts = new string[files.Count];
        try
        {
            Parallel.For(0, files.Count, i => texts[i] = ReadText(files[i]));
        }
        catch (AggregateException e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        return texts;
    }

    private void AddModel(string dir, string file, string text, ModelPackage? package = null)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var rel = _project.Relative(file);
        if (_models.TryGetValue(name, out var existing))
        {
            throw new ModelProjectException($"{rel}: a model named '{name}' is already defined in {existing.Path}; model names must be unique");
        }

        var fqn = Fqn(dir, file, package);
        var node = new ModelNode(NodeType.Model, $"model.{package?.Name ?? _project.Name}.{name}", name, rel, fqn) { RawSql = text };
        var config = new NodeConfig();
        package?.ModelConfigs.ApplyTo(config, fqn);
        _project.ModelConfigs.ApplyTo(config, fqn, ConfigStart);
        node.BaseConfig = config;
        _models[name] = node;
    }

    private void AddSeed(string dir, string file, ModelPackage? package = null)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var rel = _project.Relative(file);
        if (_seeds.TryGetValue(name, out var existing))
        {
            throw new ModelProjectException($"{rel}: a seed named '{name}' is already defined in {existing.Path}");
        }

        var fqn = Fqn(dir, file, package);
        var node = new ModelNode(NodeType.Seed, $"seed.{package?.Name ?? _project.Name}.{name}", name, rel, fqn) { FilePath = file };
        var config = new NodeConfig();
        config.Set("materialized", "seed");
        package?.SeedConfigs.ApplyTo(config, fqn);
        _project.SeedConfigs.ApplyTo(config, fqn, ConfigStart);
        node.BaseConfig = config;
        node.RawSql = string.Empty;
        _seeds[name] = node;
    }

    private void ReadProperties(string file)
    {
        var rel = _project.Relative(file);
        var yml = _parsing.TryGetValue(file, out var parsed) ? parsed.GetAwaiter().GetResult() : YamlTree.Load(file, rel);
        CheckKeys(yml, ModelYamlKeys.File);
        foreach (var (kind, lookup) in new[] { ("models", _models), ("seeds", _seeds) })
        {
            if (yml.List(kind) is not { } entries)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                if (entry is not YamlMap m)
                {
                    throw yml.Error(kind, "expected a list of mappings with 'name:'");
                }

                CheckKeys(m, kind == "models" ? ModelYamlKeys.Model : ModelYamlKeys.Seed);
                var name = m.String("name") ?? throw m.Error("name", "missing");
                if (!lookup.TryGetValue(name, out var node))
                {
                    throw m.Error("name", $"{kind[..^1]} '{name}' is described here but there is no {(kind == "models" ? $"{name}.sql" : $"{name}.csv")} file{Suggest(name, lookup.Keys)}");
                }

                ApplyProperties(node, m);
            }
        }

        ReadSnapshotProperties(yml, rel);
        ReadDescribedResources(yml, rel);
        if (yml.List("sources") is { } sources)
        {
            foreach (var entry in sources)
            {
                if (entry is not YamlMap s)
                {
                    throw yml.Error("sources", "expected a list of mappings with 'name:'");
                }

                AddSource(rel, s);
            }
        }
    }

    private void ApplyProperties(ModelNode node, YamlMap m)
    {
        node.Description = m.String("description") ?? node.Description;
        if (m.Map("config") is { } config)
        {
            node.BaseConfig.Merge(config.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)));
        }

        node.Columns = ReadColumns(node, m);
        foreach (var test in TestEntries(m))
        {
            _pendingTests.Add(new PendingTest(node.UniqueId, node.Name, null, test.Entry, test.Map, test.Key));
        }
    }

    private List<ColumnInfo> ReadColumns(ModelNode node, YamlMap m)
    {
        var columns = new List<ColumnInfo>();
        if (m.List("columns") is not { } list)
        {
            return columns;
        }

        foreach (var c in list)
        {
            if (c is not YamlMap cm)
            {
                throw m.Error("columns", "expected a list of mappings with 'name:'");
            }

            CheckKeys(cm, ModelYamlKeys.Column);
            var name = cm.String("name") ?? throw cm.Error("name", "missing");
            columns.Add(new ColumnInfo(name, cm.String("description"), cm.String("data_type")));
            foreach (var test in TestEntries(cm))
            {
                _pendingTests.Add(new PendingTest(node.UniqueId, node.Name, name, test.Entry, test.Map, test.Key));
            }
        }

        return columns;
    }

    private static IEnumerable<(object? Entry, YamlMap Map, string Key)> TestEntries(YamlMap m)
    {
        foreach (var key in new[] { "tests", "data_tests" })
        {
            if (m.List(key) is { } tests)
            {
                foreach (var t in tests)
                {
                    yield return (t, m, key);
                }
            }
        }
    }

    private void AddSource(string file, YamlMap s)
    {
        CheckKeys(s, ModelYamlKeys.Source);
        var sourceName = s.String("name") ?? throw s.Error("name", "missing");
        var schema = s.String("schema") ?? sourceName;
        var sourceLocation = ExternalLocation(s);
        foreach (var t in s.List("tables") ?? [])
        {
            if (t is not YamlMap tm)
            {
                throw s.Error("tables", "expected a list of mappings with 'name:'");
            }

            CheckKeys(tm, ModelYamlKeys.SourceTable);
            var name = tm.String("name") ?? throw tm.Error("name", "missing");
            var identifier = tm.String("identifier") ?? name;
            var node = new ModelNode(NodeType.Source, $"source.{_project.Name}.{sourceName}.{name}", name, file, [_project.Name, sourceName, name])
            {
                SourceName = sourceName,
                Description = tm.String("description") ?? s.String("description"),
                Schema = tm.String("schema") ?? schema,
                Identifier = identifier,
            };
            var location = ExternalLocation(tm) ?? sourceLocation;
            node.RelationName = location is null
                ? $"{Quote(node.Schema)}.{Quote(identifier)}"
                : location.Replace("{name}", name, StringComparison.Ordinal).Replace("{identifier}", identifier, StringComparison.Ordinal);
            node.Checksum = Hash($"{sourceName}.{name}|{identifier}|{location}");
            node.Columns = ReadColumns(node, tm);
            foreach (var test in TestEntries(tm))
            {
                _pendingTests.Add(new PendingTest(node.UniqueId, $"{sourceName}_{name}", null, test.Entry, test.Map, test.Key));
            }

            if (!_sources.TryAdd($"{sourceName}.{name}", node))
            {
                throw tm.Error("name", $"source '{sourceName}.{name}' is declared twice");
            }
        }
    }

    private void CheckKeys(YamlMap map, IReadOnlyCollection<string> known)
    {
        try
        {
            map.RejectUnknownKeys(known);
        }
        catch (ConfigException e)
        {
            _unknownKeys.Add(e);
        }
    }

    private static string? ExternalLocation(YamlMap m) =>
        m.Map("meta")?.String("external_location") ?? m.Map("config")?.String("external_location") ?? m.String("external_location");

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string Hash(string text)
    {
        // From a pooled buffer: a compile hashes every file two or three times.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            Span<byte> hash = stackalloc byte[32];
            System.Security.Cryptography.SHA256.HashData(buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer)), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A project file's text, as <see cref="File.ReadAllText(string)"/> reads it (UTF-8, a byte-order mark skipped, a
    /// UTF-16 or UTF-32 one honoured), without a reader and its buffers per file: they were the most memory a compile
    /// of thousands of files allocated.
    /// </summary>
    internal static string ReadText(string path)
    {
        using var handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        if (length > 64 << 20)
        {
            return File.ReadAllText(path);
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            var read = 0;
            while (read < length && RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read) is var n and > 0)
            {
                read += n;
            }

            var bytes = buffer.AsSpan(0, read);
            if (bytes.Length >= 2 && (bytes[0] is 0xFE or 0xFF || (bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF)))
            {
                // A UTF-16 or UTF-32 file (or bytes that start like one): the reader that detects it.
                return File.ReadAllText(path);
            }

            return Encoding.UTF8.GetString(bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static string Suggest(string name, IEnumerable<string> known)
    {
        var best = known.Select(k => (k, d: Distance(name, k))).Where(x => x.d <= Math.Max(2, name.Length / 3)).OrderBy(x => x.d).FirstOrDefault();
        return best.k is null ? string.Empty : $" (did you mean '{best.k}'?)";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            d[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var prev = d[0];
            d[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var tmp = d[j];
                d[j] = Math.Min(Math.Min(d[j] + 1, d[j - 1] + 1), prev + (a[i - 1] == b[j - 1] ? 0 : 1));
                prev = tmp;
            }
        }

        return d[b.Length];
    }

    /// <summary>Turns a generic test entry into a node with its arguments; the SQL is made by the compiler.</summary>
    public ModelNode BuildTest(PendingTest pending, ISet<string> usedNames)
    {
        string testName;
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        var config = new NodeConfig();
        switch (pending.Entry)
        {
            case string s:
                testName = s;
                break;
            case YamlMap m when m.Count >= 1:
                // Either {accepted_values: {values: [...]}} or dbt 1.8's {name: ..., test_name: ...}.
                var key = m.ContainsKey("test_name") ? "test_name" : m.Keys.First();
                testName = key == "test_name" ? m.String("test_name")! : key;
                var body = key == "test_name" ? m : m.Map(key) ?? new YamlMap(m.File, m.Path, m.Line);
                foreach (var (k, v) in body)
                {
                    switch (k)
                    {
                        case "config":
                            config.Merge((YamlMap)v!);
                            break;
                        case "arguments" when v is YamlMap args:
                            foreach (var (ak, av) in args)
                            {
                                arguments[ak] = av;
                            }

                            break;
                        case "severity" or "tags" or "enabled" or "where" or "warn_if" or "error_if" or "store_failures" or "store_failures_as" or "limit" or "fail_calc" or "schema" or "alias":
                            config.Set(k, v);
                            break;
                        case "name" or "test_name" or "description" or "meta":
                            break;
                        default:
                            arguments[k] = v;
                            break;
                    }
                }

                break;
            default:
                throw pending.Owner.Error(pending.Key, "each test is a name (unique) or a mapping (accepted_values: {values: [...]})");
        }

        if (testName.StartsWith("dbt.", StringComparison.Ordinal))
        {
            testName = testName[4..];
        }

        var parts = new List<string> { testName, pending.ModelName };
        if (pending.Column is not null)
        {
            parts.Add(pending.Column);
        }

        var name = string.Join("_", parts);
        var extra = string.Join("__", arguments.Where(kv => kv.Key is not ("column_name" or "model")).OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => Flatten(kv.Value)));
        if (extra.Length > 0)
        {
            name += "__" + extra;
        }

        name = CleanName().Replace(name, "_");
        if (name.Length > 64)
        {
            name = name[..30] + "_" + Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(name)));
        }

        var unique = name;
        for (var i = 2; !usedNames.Add(unique); i++)
        {
            unique = $"{name}_{i}";
        }

        var owner = pending.NodeId;
        var node = new ModelNode(NodeType.Test, $"test.{_project.Name}.{unique}", unique, pending.Owner.File, [_project.Name, unique])
        {
            TestName = testName,
            ColumnName = pending.Column,
            AttachedNode = owner,
            TestArguments = arguments,
        };
        var baseConfig = new NodeConfig();
        _project.TestConfigs.ApplyTo(baseConfig, node.Fqn, ConfigStart);
        baseConfig.Merge(config.Values);
        node.BaseConfig = baseConfig;
        node.Config = baseConfig;
        node.Checksum = Hash($"{testName}|{owner}|{pending.Column}|{string.Join(",", arguments.Select(kv => kv.Key + "=" + Describe(kv.Value)))}|{string.Join(",", baseConfig.Values.Select(kv => kv.Key + "=" + Describe(kv.Value)))}");
        return node;
    }

    private static IEnumerable<string> Flatten(object? value) => value switch
    {
        null => ["None"],
        string s => [s],
        IEnumerable<object?> list => list.SelectMany(Flatten),
        YamlMap m => m.Values.SelectMany(Flatten),
        _ => [Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty],
    };

    internal static string Describe(object? value) => value switch
    {
        null => "null",
        string s => s,
        IDictionary<string, object?> m => "{" + string.Join(",", m.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + Describe(kv.Value))) + "}",
        System.Collections.IDictionary d => "{" + string.Join(",", d.Keys.Cast<object?>().Select(k => Describe(k) + ":" + Describe(d[k!])).Order(StringComparer.Ordinal)) + "}",
        System.Collections.IEnumerable e => "[" + string.Join(",", e.Cast<object?>().Select(Describe)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    [GeneratedRegex("[^A-Za-z0-9_]+")]
    private static partial Regex CleanName();
}

/// <summary>A generic test entry found in YAML, attached to a node (and column).</summary>
internal sealed record PendingTest(string NodeId, string ModelName, string? Column, object? Entry, YamlMap Owner, string Key);
