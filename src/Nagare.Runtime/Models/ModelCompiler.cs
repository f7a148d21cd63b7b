using System.Text;

namespace Nagare.Runtime.Models;

/// <summary>
/// Compiles a project: discovers nodes, renders each file once (recording ref/source/config calls),
/// resolves schemas and relations, builds the graph, and produces the compiled SQL of every node.
/// </summary>
public static class ModelCompiler
{
    /// <summary>Name of the first-render cache inside the target folder.</summary>
    public const string CacheFile = "nagare_compile_cache.bin";

    public static Manifest Compile(ModelProject project, CompileOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        options ??= new CompileOptions();
        var scanner = new ProjectScanner(project);
        scanner.Scan();
        var renderer = new ModelRenderer(project, scanner.Macros, options.Log, scanner.PackageMacros);
        renderer.SetGraph(scanner.Models.Values.Concat(scanner.Seeds.Values).Concat(scanner.Tests), scanner.Sources.Values);
        var cachePath = Path.Combine(project.TargetPath, CacheFile);
        var cache = options.UseCache ? CompileCache.Load(cachePath, renderer.EnvironmentKey) : new CompileCache();

        var templated = scanner.Models.Values.Concat(scanner.Snapshots.Values).Concat(scanner.Analyses.Values).Concat(scanner.Tests).ToList();
        try
        {
            Parallel.ForEach(
                templated,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken },
                node => FirstRender(node, renderer, cache));
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is ModelProjectException) is { } first)
        {
            // Report one file's problem, as a serial compile would.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        var manifest = Resolve(project, scanner, renderer, options);
        manifest.CacheHits = cache.Hits;
        if (options.WriteArtifacts)
        {
            manifest.PreviouslyWritten = options.UseCache ? cache.Written : null;
            manifest.WriteArtifacts();
            if (options.UseCache)
            {
                cache.Written = manifest.Written ?? new Dictionary<string, string>();
                cache.Save(cachePath, renderer.EnvironmentKey, templated.Select(n => n.UniqueId));
            }
        }

        return manifest;
    }

    private static void FirstRender(ModelNode node, ModelRenderer renderer, CompileCache cache)
    {
        var hash = ProjectScanner.Hash(node.RawSql);
        if (!cache.TryGet(node.UniqueId, hash, out var entry))
        {
            var (text, capture) = renderer.Render(node, null, false, null);
            entry = new CompileCache.Entry(hash, text, capture.Calls, capture.ConfigCalls, capture.UsesIsIncremental, capture.NeedsFinalRender, capture.EnvironmentRead);
            cache.Put(node.UniqueId, entry);
        }

        node.Rendered = entry.Rendered;
        node.Calls = entry.Calls;
        var config = node.BaseConfig.Clone();
        config.Merge(entry.ConfigCalls);
        node.Config = config;
        node.UsesIsIncremental = entry.UsesIsIncremental;
        node.NeedsFinalRender = entry.NeedsFinalRender;

        // The declared configuration (not the resolved schema) and the macros the file calls make the state checksum.
        var sum = new StringBuilder(hash);
        foreach (var (k, v) in config.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sum.Append('|').Append(k).Append('=').Append(ProjectScanner.Describe(v));
        }

        foreach (var (name, macroSum) in ModelRenderer.CalledMacros(node.RawSql, renderer.MacroChecksums))
        {
            sum.Append("|macro:").Append(name).Append('=').Append(macroSum);
        }

        node.Checksum = ProjectScanner.Hash(sum.ToString());
    }

    private static Manifest Resolve(ModelProject project, ProjectScanner scanner, ModelRenderer renderer, CompileOptions options)
    {
        var models = scanner.Models.Values.Where(m => m.Config.Enabled).ToList();
        var snapshots = scanner.Snapshots.Values.Where(m => m.Config.Enabled).ToList();
        var analyses = scanner.Analyses.Values.Where(m => m.Config.Enabled).ToList();
        var seeds = scanner.Seeds.Values.Where(s => s.BaseConfig.Enabled).ToList();
        foreach (var seed in seeds)
        {
            seed.Config = seed.BaseConfig;
            seed.Checksum = ProjectScanner.Hash(File.ReadAllText(seed.FilePath!) + "|" + string.Join("|", seed.Config.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + ProjectScanner.Describe(kv.Value))));
        }

        var refable = new Dictionary<string, ModelNode>(StringComparer.Ordinal);
        foreach (var node in seeds.Concat(models).Concat(snapshots))
        {
            if (refable.TryGetValue(node.Name, out var other))
            {
                throw new ModelProjectException($"{node.Path}: the name '{node.Name}' is used by {other.Path} too; models, seeds and snapshots share one namespace");
            }

            node.Schema = SchemaFor(project, renderer, node);
            node.Identifier = node.Config.Alias ?? node.Name;
            node.RelationName = $"{ProjectScanner.Quote(node.Schema)}.{ProjectScanner.Quote(node.Identifier)}";
            refable[node.Name] = node;
        }

        foreach (var source in scanner.Sources.Values)
        {
            if (source.Schema.Contains("{{", StringComparison.Ordinal))
            {
                source.Schema = renderer.RenderSnippet(source.Schema, source, new NodeLookup(project.Name, project.Target.Database, refable, scanner.Sources), source.Path).Trim();
            }

            if (source.RelationName.StartsWith('"'))
            {
                source.RelationName = $"{ProjectScanner.Quote(source.Schema)}.{ProjectScanner.Quote(source.Identifier)}";
            }
        }

        var lookup = new NodeLookup(project.Name, project.Target.Database, refable, scanner.Sources);
        var singular = scanner.Tests.Where(t => t.Config.Enabled).ToList();
        var templated = models.Concat(snapshots).Concat(analyses).Concat(singular).ToList();
        foreach (var node in templated)
        {
            var deps = new List<string>();
            foreach (var call in node.Calls)
            {
                var target = lookup.Resolve(node, call);
                if (!deps.Contains(target.UniqueId))
                {
                    deps.Add(target.UniqueId);
                }
            }

            node.DependsOn = deps;
        }

        var all = new Dictionary<string, ModelNode>(StringComparer.Ordinal);
        foreach (var node in seeds.Concat(templated).Concat(scanner.Sources.Values))
        {
            all[node.UniqueId] = node;
        }

        var usedTestNames = new HashSet<string>(singular.Select(t => t.Name), StringComparer.Ordinal);
        var generic = new List<ModelNode>();
        foreach (var pending in scanner.PendingTests)
        {
            if (!all.ContainsKey(pending.NodeId))
            {
                continue;
            }

            var test = scanner.BuildTest(pending, usedTestNames);
            if (!test.Config.Enabled)
            {
                continue;
            }

            var deps = new List<string> { pending.NodeId };
            if (GenericTests.RelationshipTarget(test) is { } to)
            {
                var parent = lookup.Resolve(test, to);
                if (!deps.Contains(parent.UniqueId))
                {
                    deps.Add(parent.UniqueId);
                }
            }

            test.DependsOn = deps;
            generic.Add(test);
            all[test.UniqueId] = test;
        }

        var described = scanner.Described.Select(d => d.Resource with
        {
            DependsOn = [.. d.Calls.Select(call => lookup.Refable.TryGetValue(call.Second, out var n) && !call.IsSource ? n.UniqueId
                : call.IsSource && lookup.Sources.TryGetValue($"{call.First}.{call.Second}", out var s) ? s.UniqueId
                : throw d.Map.Error(d.Map.ContainsKey("model") ? "model" : "depends_on", $"{d.Resource.Name}: {call} names no model, seed, snapshot or source{ProjectScanner.Suggest(call.Second, lookup.Refable.Keys)}"))],
        }).ToList();
        var manifest = new Manifest(project, all, renderer, lookup) { Described = described };
        manifest.CheckCycles();

        foreach (var node in templated)
        {
            // Without a warehouse (build), run_query() renders are redone by the runner once upstream nodes exist.
            var sql = node.NeedsFinalRender && options.Connection is not null
                ? renderer.Render(node, lookup, false, options.Connection).Text
                : Substitute(node, lookup);
            node.Resolved = sql;
        }

        foreach (var node in templated)
        {
            CollectEphemerals(node, all, node.EphemeralParents, []);
            node.CompiledSql = InjectCtes(node.Resolved, node.EphemeralParents);
        }

        foreach (var test in generic)
        {
            var attached = all[test.AttachedNode!];
            var model = attached.IsEphemeral ? InjectInline(attached) : attached.RelationName;
            var to = GenericTests.RelationshipTarget(test) is { } call ? lookup.Resolve(test, call) : null;
            test.CompiledSql = GenericTests.Sql(test, model, to, renderer);
            test.RawSql = test.CompiledSql;
        }

        foreach (var test in singular.Concat(generic).Where(Materializer.StoresFailures))
        {
            // dbt's audit schema: generate_schema_name of the test's schema, by default dbt_test__audit.
            test.Schema = SchemaFor(project, renderer, test, test.Config.Schema ?? "dbt_test__audit");
            test.Identifier = test.Config.Alias ?? test.Name;
            test.RelationName = $"{ProjectScanner.Quote(test.Schema)}.{ProjectScanner.Quote(test.Identifier)}";
        }

        return manifest;
    }

    private static string InjectInline(ModelNode ephemeral) => $"({ephemeral.CompiledSql}) as {NodeLookup.CteName(ephemeral)}";

    /// <summary>The schema a node is built into, like dbt's generate_schema_name (a project macro of that name wins).</summary>
    internal static string SchemaFor(ModelProject project, ModelRenderer renderer, ModelNode node, string? customSchema = null)
    {
        var custom = customSchema ?? node.Config.Schema;
        if (node.Type == NodeType.Snapshot && node.Config.Values.TryGetValue("target_schema", out var targetSchema) && targetSchema is string exact)
        {
            // A legacy snapshot's target_schema is used as written, as in dbt.
            return exact;
        }

        string schema;
        if (renderer.HasMacro("generate_schema_name"))
        {
            var nodeInfo = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = node.Name,
                ["unique_id"] = node.UniqueId,
                ["resource_type"] = node.Type.ToString().ToLowerInvariant(),
                ["path"] = node.Path,
                ["fqn"] = node.Fqn.Cast<object?>().ToList(),
            };
            schema = renderer.CallMacro("generate_schema_name", [custom, nodeInfo], null).Trim();
        }
        else if (project.Flavor == ProjectFlavor.Dbt)
        {
            schema = custom is null ? project.Target.Schema : $"{project.Target.Schema}_{custom.Trim()}";
        }
        else
        {
            schema = custom?.Trim() ?? Layer(node.Fqn) ?? project.Target.Schema;
        }

        return project.Flavor == ProjectFlavor.Nagare ? project.Target.Decorate(schema) : schema;
    }

    /// <summary>Nagare's layer convention: models/lake/app → lake_app, models/dwh → dwh, models/mart_sales → mart_sales.</summary>
    internal static string? Layer(IReadOnlyList<string> fqn)
    {
        if (fqn.Count < 3)
        {
            return null;
        }

        var first = fqn[1];
        if (first is "lake" or "dwh" or "mart")
        {
            return fqn.Count > 3 ? $"{first}_{fqn[2]}" : first;
        }

        return first.StartsWith("lake_", StringComparison.Ordinal) || first.StartsWith("dwh_", StringComparison.Ordinal) || first.StartsWith("mart_", StringComparison.Ordinal)
            ? first
            : null;
    }

    private static string Substitute(ModelNode node, NodeLookup lookup)
    {
        var text = node.Rendered;
        var start = text.IndexOf(ModelRenderer.PlaceholderStart, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 64);
        var last = 0;
        while (start >= 0)
        {
            var end = text.IndexOf(ModelRenderer.PlaceholderEnd, start);
            sb.Append(text, last, start - last);
            var token = text.AsSpan(start + 1, end - start - 1);
            sb.Append(token is "T"
                ? lookup.Relation(node, null).ToString()
                : lookup.Relation(lookup.Resolve(node, node.Calls[int.Parse(token, System.Globalization.CultureInfo.InvariantCulture)]), null).ToString());
            last = end + 1;
            start = text.IndexOf(ModelRenderer.PlaceholderStart, last);
        }

        sb.Append(text, last, text.Length - last);
        return sb.ToString();
    }

    private static void CollectEphemerals(ModelNode node, Dictionary<string, ModelNode> all, List<ModelNode> into, HashSet<string> seen)
    {
        foreach (var dep in node.DependsOn)
        {
            if (all.TryGetValue(dep, out var parent) && parent.IsEphemeral && seen.Add(dep))
            {
                CollectEphemerals(parent, all, into, seen);
                into.Add(parent);
            }
        }
    }

    /// <summary>Puts ephemeral models in front as CTEs, merging with a leading WITH like dbt does.</summary>
    internal static string InjectCtes(string sql, IReadOnlyList<ModelNode> ephemerals)
    {
        if (ephemerals.Count == 0)
        {
            return sql;
        }

        var ctes = string.Join(",\n", ephemerals.Select(e => $"{NodeLookup.CteName(e)} as (\n{e.Resolved}\n)"));
        var i = SkipTrivia(sql, 0);
        if (i + 4 <= sql.Length && sql.AsSpan(i, 4).Equals("with", StringComparison.OrdinalIgnoreCase) && (i + 4 == sql.Length || !char.IsLetterOrDigit(sql[i + 4]) && sql[i + 4] != '_'))
        {
            var rest = SkipTrivia(sql, i + 4);
            if (rest + 9 <= sql.Length && sql.AsSpan(rest, 9).Equals("recursive", StringComparison.OrdinalIgnoreCase))
            {
                return sql[..(rest + 9)] + " " + ctes + ",\n" + sql[(rest + 9)..].TrimStart();
            }

            return sql[..i] + "with " + ctes + ",\n" + sql[rest..];
        }

        return sql[..i] + "with " + ctes + "\n" + sql[i..];
    }

    private static int SkipTrivia(string sql, int i)
    {
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i]))
            {
                i++;
            }
            else if (sql[i] == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
            }
            else
            {
                break;
            }
        }

        return i;
    }
}
