using System.Collections;
using System.Globalization;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Nagare.Core.Json;

namespace Nagare.Runtime.Models;

/// <summary>A compiled project: every node with its compiled SQL, and the graph between them.</summary>
public sealed class Manifest
{
    /// <summary>File name of the manifest in the target folder.</summary>
    public const string FileName = "manifest.json";

    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);

    internal Manifest(ModelProject project, Dictionary<string, ModelNode> nodes, ModelRenderer renderer, NodeLookup lookup)
    {
        Project = project;
        Nodes = nodes;
        Renderer = renderer;
        Lookup = lookup;
        foreach (var id in nodes.Keys)
        {
            _children[id] = [];
        }

        foreach (var node in nodes.Values)
        {
            foreach (var parent in node.DependsOn)
            {
                _children[parent].Add(node.UniqueId);
            }
        }
    }

    public ModelProject Project { get; }

    /// <summary>All nodes by unique id (models, seeds, tests, sources).</summary>
    public IReadOnlyDictionary<string, ModelNode> Nodes { get; }

    /// <summary>First renders reused from the compile cache.</summary>
    public int CacheHits { get; internal set; }

    internal ModelRenderer Renderer { get; }

    /// <summary>Checksums of the compiled files already in target/compiled (from the compile cache).</summary>
    internal IReadOnlyDictionary<string, string>? PreviouslyWritten { get; set; }

    /// <summary>Checksums of the compiled files this compile left in target/compiled.</summary>
    internal IReadOnlyDictionary<string, string>? Written { get; private set; }

    internal NodeLookup Lookup { get; }

    /// <summary>Exposures, metrics, semantic models and saved queries: in the manifest, never run.</summary>
    public IReadOnlyList<DescribedResource> Described { get; internal init; } = [];

    /// <summary>Nodes that read from <paramref name="uniqueId"/>.</summary>
    public IReadOnlyList<string> ChildrenOf(string uniqueId) => _children.TryGetValue(uniqueId, out var c) ? c : [];

    /// <summary>Finds a model or seed by name, or any node by unique id.</summary>
    public ModelNode? Find(string name) =>
        Nodes.TryGetValue(name, out var byId) ? byId : Lookup.Refable.TryGetValue(name, out var byName) ? byName : Nodes.Values.FirstOrDefault(n => n.Type == NodeType.Test && n.Name == name);

    internal void CheckCycles()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new List<string>();
        foreach (var id in Nodes.Keys)
        {
            Visit(id);
        }

        void Visit(string id)
        {
            if (state.TryGetValue(id, out var s))
            {
                if (s == 1)
                {
                    var cycle = stack[stack.IndexOf(id)..].Append(id).Select(x => Nodes[x].Name);
                    throw new ModelProjectException($"{Nodes[id].Path}: dependency cycle: {string.Join(" -> ", cycle)}");
                }

                return;
            }

            state[id] = 1;
            stack.Add(id);
            foreach (var parent in Nodes[id].DependsOn)
            {
                Visit(parent);
            }

            stack.RemoveAt(stack.Count - 1);
            state[id] = 2;
        }
    }

    /// <summary>Writes target/compiled/&lt;project&gt;/… (one .sql per model and test) and target/manifest.json.</summary>
    public void WriteArtifacts()
    {
        var compiledRoot = Path.Combine(Project.TargetPath, "compiled", Project.Name);
        var files = Nodes.Values.Where(n => n.CompiledSql is not null && n.Type is NodeType.Model or NodeType.Test or NodeType.Snapshot or NodeType.Analysis).ToList();
        foreach (var dir in files.Select(n => Path.GetDirectoryName(CompiledPath(compiledRoot, n))!).Distinct())
        {
            Directory.CreateDirectory(dir);
        }

        // Unchanged compiled files are not rewritten: on a warm compile most of the time would go to the file system.
        var written = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        // The manifest does not depend on the compiled files: write it while they are created, which is mostly
        // time spent in the kernel rather than on the CPU this process could use.
        var manifest = Task.Run(() => WriteManifest(Path.Combine(Project.TargetPath, FileName)));
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 2 * Environment.ProcessorCount }, node =>
        {
            var path = CompiledPath(compiledRoot, node);
            var hash = ProjectScanner.Hash(node.CompiledSql!);
            written[node.UniqueId] = hash;
            if (PreviouslyWritten is null || !PreviouslyWritten.TryGetValue(node.UniqueId, out var before) || before != hash || !File.Exists(path))
            {
                WriteFile(path, node.CompiledSql!);
            }
        });
        Written = written;
        manifest.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Writes UTF-8 text through a bare handle in one call, from a pooled buffer: no FileStream, encoder or
    /// position bookkeeping per file, which counts when a cold compile creates thousands of files.
    /// </summary>
    /// <remarks>
    /// A new file is created as new, not opened with <see cref="FileMode.Create"/>: that truncates, and on ext4 a file
    /// truncated to nothing and written again is flushed to disk when it is closed (so an application replacing a file
    /// that way keeps either version after a crash), which took most of a cold compile's time in the kernel.
    /// </remarks>
    private static void WriteFile(string path, string text)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = System.Text.Encoding.UTF8.GetBytes(text, buffer);
            SafeFileHandle handle;
            try
            {
                handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (IOException) when (File.Exists(path))
            {
                handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            }

            using (handle)
            {
                RandomAccess.Write(handle, buffer.AsSpan(0, length), 0);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Where <see cref="WriteArtifacts"/> writes <paramref name="node"/>'s compiled SQL, relative to the project root.</summary>
    internal static string CompiledDisplayPath(ModelProject project, ModelNode node) =>
        Path.GetRelativePath(project.Root, CompiledPath(Path.Combine(project.TargetPath, "compiled", project.Name), node)).Replace('\\', '/');

    private static string CompiledPath(string root, ModelNode node) =>
        (node.Type == NodeType.Test && node.TestName is not null) || node.Type == NodeType.Snapshot
            ? Path.Combine(root, Path.GetDirectoryName(node.Path) ?? string.Empty, node.Name + ".sql")
            : Path.Combine(root, node.Path);

    /// <summary>Writes the manifest JSON (dbt-like: nodes, sources, parent_map, child_map).</summary>
    public void WriteManifest(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new BufferedStream(File.Create(path), 1 << 16);
        using var w = new Utf8JsonWriter(stream, JsonFormat.Writer);
        w.WriteStartObject();
        w.WriteStartObject("metadata");
        w.WriteString("generator", "nagare");
        w.WriteString("project_name", Project.Name);
        w.WriteString("target_name", Project.Target.Name);
        w.WriteString("adapter_type", "duckdb");
        w.WriteEndObject();
        foreach (var (section, sources) in new[] { ("nodes", false), ("sources", true) })
        {
            var nodes = Nodes.Values.Where(n => (n.Type == NodeType.Source) == sources).OrderBy(n => n.UniqueId, StringComparer.Ordinal).ToArray();
            w.WritePropertyName(section);
            if (nodes.Length < ParallelNodes)
            {
                w.WriteStartObject();
                WriteNodes(w, nodes);
                w.WriteEndObject();
            }
            else
            {
                WriteNodesInParallel(w, nodes);
            }
        }

        foreach (var section in new[] { "exposures", "metrics", "semantic_models", "saved_queries" })
        {
            w.WriteStartObject(section);
            foreach (var resource in Described.Where(d => d.Kind == section).OrderBy(d => d.UniqueId, StringComparer.Ordinal))
            {
                w.WriteStartObject(resource.UniqueId);
                w.WriteString("unique_id", resource.UniqueId);
                w.WriteString("resource_type", section == "saved_queries" ? "saved_query" : section[..^1]);
                w.WriteString("name", resource.Name);
                w.WriteString("original_file_path", resource.Path);
                w.WriteString("description", resource.Description ?? string.Empty);
                foreach (var (key, value) in resource.Properties.Where(kv => kv.Key is not ("name" or "description" or "depends_on")))
                {
                    w.WritePropertyName(key);
                    WriteValue(w, value);
                }

                w.WriteStartObject("depends_on");
                w.WriteStartArray("nodes");
                foreach (var id in resource.DependsOn)
                {
                    w.WriteStringValue(id);
                }

                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteStartObject("parent_map");
        foreach (var node in Nodes.Values.OrderBy(n => n.UniqueId, StringComparer.Ordinal))
        {
            w.WriteStartArray(node.UniqueId);
            foreach (var p in node.DependsOn)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteStartObject("child_map");
        foreach (var id in Nodes.Keys.Order(StringComparer.Ordinal))
        {
            w.WriteStartArray(id);
            foreach (var c in ChildrenOf(id))
            {
                w.WriteStringValue(c);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private const int FlushThreshold = 1 << 16;

    /// <summary>From this many nodes on, a section's JSON is made in slices on every core (a large project's manifest is megabytes of escaped SQL).</summary>
    private const int ParallelNodes = 2_000;

    /// <summary>Each node as <c>"unique_id": {…}</c>, separated by commas, flushing now and then.</summary>
    private static void WriteNodes(Utf8JsonWriter w, ReadOnlySpan<ModelNode> nodes)
    {
        foreach (var node in nodes)
        {
            w.WriteStartObject(node.UniqueId);
            WriteNode(w, node);
            w.WriteEndObject();
            if (w.BytesPending > FlushThreshold)
            {
                // Utf8JsonWriter keeps everything in memory until flushed; the manifest of a large project is megabytes.
                w.Flush();
            }
        }
    }

    /// <summary>
    /// The object of <paramref name="nodes"/> made in slices at once, each slice's members written by its own writer,
    /// then put together in order: the same bytes <see cref="WriteNodes"/> writes in one pass.
    /// </summary>
    private static void WriteNodesInParallel(Utf8JsonWriter w, ModelNode[] nodes)
    {
        var count = Math.Min(4 * Environment.ProcessorCount, nodes.Length);
        var slices = new System.Buffers.ArrayBufferWriter<byte>[count];
        var options = JsonFormat.Writer with { SkipValidation = true };
        Parallel.For(0, count, i =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 16);
            using (var slice = new Utf8JsonWriter(buffer, options))
            {
                // Members without their object: a writer that does not validate writes them as it would inside one.
                WriteNodes(slice, nodes.AsSpan()[(nodes.Length * i / count)..(nodes.Length * (i + 1) / count)]);
            }

            slices[i] = buffer;
        });

        var joined = new byte[2 + slices.Sum(s => s.WrittenCount) + count - 1];
        joined[0] = (byte)'{';
        var at = 1;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                joined[at++] = (byte)',';
            }

            slices[i].WrittenSpan.CopyTo(joined.AsSpan(at));
            at += slices[i].WrittenCount;
        }

        joined[at] = (byte)'}';
        w.WriteRawValue(joined, skipInputValidation: true);
        w.Flush();
    }

    private static void WriteNode(Utf8JsonWriter w, ModelNode node)
    {
        w.WriteString("unique_id", node.UniqueId);
        w.WriteString("resource_type", node.Type.ToString().ToLowerInvariant());
        w.WriteString("name", node.Name);
        w.WriteString("original_file_path", node.Path);
        w.WriteStartArray("fqn");
        foreach (var part in node.Fqn)
        {
            w.WriteStringValue(part);
        }

        w.WriteEndArray();
        w.WriteStartObject("checksum");
        w.WriteString("name", "sha256");
        w.WriteString("checksum", node.Checksum);
        w.WriteEndObject();
        w.WriteString("schema", node.Schema);
        w.WriteString("alias", node.Identifier);
        w.WriteString("relation_name", node.RelationName);
        if (node.SourceName is not null)
        {
            w.WriteString("source_name", node.SourceName);
        }

        if (node.TestName is not null)
        {
            w.WriteStartObject("test_metadata");
            w.WriteString("name", node.TestName);
            w.WriteString("column_name", node.ColumnName);
            w.WriteString("attached_node", node.AttachedNode);
            w.WriteEndObject();
        }

        w.WriteString("description", node.Description ?? string.Empty);
        w.WritePropertyName("config");
        WriteValue(w, node.Config.Values);
        w.WriteStartArray("tags");
        foreach (var tag in node.Config.Tags)
        {
            w.WriteStringValue(tag);
        }

        w.WriteEndArray();
        w.WriteStartObject("columns");
        foreach (var c in node.Columns)
        {
            w.WriteStartObject(c.Name);
            w.WriteString("name", c.Name);
            w.WriteString("description", c.Description ?? string.Empty);
            w.WriteString("data_type", c.DataType);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteStartObject("depends_on");
        w.WriteStartArray("nodes");
        foreach (var p in node.DependsOn)
        {
            w.WriteStringValue(p);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        if (node.Type is NodeType.Model or NodeType.Test or NodeType.Snapshot or NodeType.Analysis)
        {
            w.WriteString("raw_code", node.RawSql);
            w.WriteString("compiled_code", node.CompiledSql);
        }
    }

    internal static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case long or int:
                w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double d:
                w.WriteNumberValue(d);
                break;
            case IEnumerable<KeyValuePair<string, object?>> map:
                w.WriteStartObject();
                foreach (var (k, v) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.WritePropertyName(k);
                    WriteValue(w, v);
                }

                w.WriteEndObject();
                break;
            case IDictionary dict:
                w.WriteStartObject();
                // Keys and the indexer, not DictionaryEntry: template dictionaries enumerate as key-value pairs.
                foreach (var key in dict.Keys)
                {
                    w.WritePropertyName(Convert.ToString(key, CultureInfo.InvariantCulture) ?? string.Empty);
                    WriteValue(w, dict[key]);
                }

                w.WriteEndObject();
                break;
            case IEnumerable list:
                w.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
