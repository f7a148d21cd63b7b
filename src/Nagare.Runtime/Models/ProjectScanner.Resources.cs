using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Nagare.Runtime.Models;

/// <summary>Snapshots (block files and YAML-defined) and analyses.</summary>
internal sealed partial class ProjectScanner
{
    /// <summary>Keys of an entry of <c>snapshots:</c> in a property file (dbt 1.9 adds <c>relation</c>).</summary>
    private static readonly FrozenSet<string> SnapshotKeys = new[]
    {
        "name", "description", "relation", "columns", "config", "data_tests", "tests", "docs", "meta", "tags", "group", "access",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly Dictionary<string, ModelNode> _snapshots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModelNode> _analyses = new(StringComparer.Ordinal);
    private readonly List<(DescribedResource Resource, YamlMap Map, List<RelationCall> Calls)> _described = [];

    public IReadOnlyDictionary<string, ModelNode> Snapshots => _snapshots;

    public IReadOnlyDictionary<string, ModelNode> Analyses => _analyses;

    /// <summary>Exposures, metrics, semantic models and saved queries, with the ref()/source() calls they name.</summary>
    public IReadOnlyList<(DescribedResource Resource, YamlMap Map, List<RelationCall> Calls)> Described => _described;

    /// <summary>Reads the <c>{% snapshot %}</c> blocks of the snapshot folders; returns their property files.</summary>
    private IEnumerable<string> ScanSnapshots()
    {
        var yamlFiles = new List<string>();
        foreach (var dir in _project.SnapshotPaths)
        {
            foreach (var file in Files(dir, "*.sql"))
            {
                var text = ReadText(file);
                var rel = _project.Relative(file);
                var folders = Fqn(dir, file)[..^1];
                foreach (Match block in SnapshotBlock().Matches(text))
                {
                    // Leading newlines keep the block's lines where they are in the file, for error messages.
                    var bodyStart = block.Groups["body"].Index;
                    var lines = text.AsSpan(0, bodyStart).Count('\n');
                    AddSnapshot(block.Groups["name"].Value, rel, [.. folders, block.Groups["name"].Value], new string('\n', lines) + block.Groups["body"].Value);
                }
            }

            yamlFiles.AddRange(Files(dir, "*.yml").Concat(Files(dir, "*.yaml")));
        }

        return yamlFiles;
    }

    private ModelNode AddSnapshot(string name, string path, List<string> fqn, string body)
    {
        if (_snapshots.TryGetValue(name, out var existing))
        {
            throw new ModelProjectException($"{path}: a snapshot named '{name}' is already defined in {existing.Path}; snapshot names must be unique");
        }

        var node = new ModelNode(NodeType.Snapshot, $"snapshot.{_project.Name}.{name}", name, path, fqn) { RawSql = body };
        var config = new NodeConfig();
        config.Set("materialized", "snapshot");
        _project.SnapshotConfigs.ApplyTo(config, fqn, ConfigStart);
        node.BaseConfig = config;
        _snapshots[name] = node;
        return node;
    }

    /// <summary>
    /// <c>snapshots:</c> of a property file: an entry with <c>relation:</c> defines a snapshot (dbt 1.9), any other
    /// describes a <c>{% snapshot %}</c> block of that name.
    /// </summary>
    private void ReadSnapshotProperties(YamlMap yml, string rel)
    {
        if (yml.List("snapshots") is not { } entries)
        {
            return;
        }

        foreach (var entry in entries)
        {
            if (entry is not YamlMap m)
            {
                throw yml.Error("snapshots", "expected a list of mappings with 'name:'");
            }

            CheckKeys(m, SnapshotKeys);
            var name = m.String("name") ?? throw m.Error("name", "missing");
            ModelNode node;
            if (m.String("relation") is { } relation)
            {
                if (GenericTests.ParseRelation(relation) is null)
                {
                    throw m.Error("relation", $"'{relation}' must be ref('model') or source('name', 'table')");
                }

                node = AddSnapshot(name, rel, [_project.Name, name], $"select * from {{{{ {relation.Trim()} }}}}");
            }
            else if (!_snapshots.TryGetValue(name, out node!))
            {
                throw m.Error("name", $"snapshot '{name}' is described here but no {{% snapshot {name} %}} block defines it and the entry has no 'relation:'{Suggest(name, _snapshots.Keys)}");
            }

            ApplyProperties(node, m);
        }
    }

    /// <summary>Reads exposures, metrics, semantic models and saved queries: kept for the manifest, never run.</summary>
    private void ReadDescribedResources(YamlMap yml, string rel)
    {
        foreach (var (kind, prefix) in new[] { ("exposures", "exposure"), ("metrics", "metric"), ("semantic_models", "semantic_model"), ("saved_queries", "saved_query") })
        {
            foreach (var entry in yml.List(kind) ?? [])
            {
                if (entry is not YamlMap m)
                {
                    throw yml.Error(kind, "expected a list of mappings with 'name:'");
                }

                var name = m.String("name") ?? throw m.Error("name", "missing");
                var calls = new List<RelationCall>();
                var named = (m.List("depends_on") ?? []).Append(m.String("model")).OfType<string>();
                foreach (var text in named)
                {
                    calls.Add(GenericTests.ParseRelation(text) ?? throw m.Error(m.ContainsKey("model") ? "model" : "depends_on", $"'{text}' must be ref('model') or source('name', 'table')"));
                }

                _described.Add((new DescribedResource(kind, $"{prefix}.{_project.Name}.{name}", name, rel, m.String("description"), m, []), m, calls));
            }
        }
    }

    private void ScanAnalyses()
    {
        foreach (var dir in _project.AnalysisPaths)
        {
            foreach (var file in Files(dir, "*.sql"))
            {
                var name = Path.GetFileNameWithoutExtension(file);
                var rel = _project.Relative(file);
                if (_analyses.TryGetValue(name, out var existing))
                {
                    throw new ModelProjectException($"{rel}: an analysis named '{name}' is already defined in {existing.Path}");
                }

                var node = new ModelNode(NodeType.Analysis, $"analysis.{_project.Name}.{name}", name, rel, Fqn(dir, file)) { RawSql = ReadText(file) };
                var config = new NodeConfig();
                config.Set("materialized", "analysis");
                node.BaseConfig = config;
                _analyses[name] = node;
            }
        }
    }

    [GeneratedRegex(@"\{%-?\s*snapshot\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*-?%\}(?<body>.*?)\{%-?\s*endsnapshot\s*-?%\}", RegexOptions.Singleline)]
    private static partial Regex SnapshotBlock();
}
