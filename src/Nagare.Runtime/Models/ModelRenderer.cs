using System.Data;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nagare.DuckDb;
using Nagare.Templating;

namespace Nagare.Runtime.Models;

/// <summary>
/// The template environment of a project (macros, var, env_var, target, adapter, log) and the per-node
/// renders: the first render records ref/source/config calls with placeholders; the final render resolves
/// relations, may run queries, and answers <c>is_incremental()</c> truthfully.
/// </summary>
internal sealed partial class ModelRenderer
{
    /// <summary>Starts and ends a relation placeholder in first-render output; never valid in SQL text.</summary>
    public const char PlaceholderStart = '\u0001';
    public const char PlaceholderEnd = '\u0002';

    private readonly ModelProject _project;
    private readonly Dictionary<string, Template> _templates = new(StringComparer.Ordinal);
    private readonly Lock _templatesGate = new();

    public ModelRenderer(ModelProject project, IReadOnlyList<(string Path, string Text)> macros, Action<string>? log, IReadOnlyList<PackageMacroFile>? packageMacros = null)
    {
        _project = project;
        Log = log;
        Environment = new TemplateEnvironment();
        var target = project.Target;
        Target = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = target.Name,
            ["schema"] = target.Schema,
            ["type"] = "duckdb",
            ["database"] = target.Database,
            ["path"] = target.DatabasePath,
            ["threads"] = (long)(target.Threads ?? 1),
            ["profile_name"] = project.Name,
            ["schema_prefix"] = target.SchemaPrefix,
            ["schema_suffix"] = target.SchemaSuffix,
        };
        Environment.AddGlobal("target", Target);
        Environment.AddGlobal("project_name", project.Name);
        Environment.RegisterFunction("var", Var);
        var adapter = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["quote"] = (TemplateFunction)(a => ProjectScanner.Quote(TemplateArguments.ToText(a.Get(0, "identifier")))),
            ["type"] = (TemplateFunction)(_ => "duckdb"),
        };
        AddAdapterFunctions(adapter);
        Environment.AddGlobal("adapter", adapter);
        Environment.AddGlobal("exceptions", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["raise_compiler_error"] = (TemplateFunction)(a => throw new ModelProjectException($"{a.TemplateName}: {TemplateArguments.ToText(a.Get(0, "msg"))}")),
            ["warn"] = (TemplateFunction)(a =>
            {
                Log?.Invoke($"warning: {a.TemplateName}: {TemplateArguments.ToText(a.Get(0, "msg"))}");
                return string.Empty;
            }),
        });
        Environment.RegisterFunction("log", a =>
        {
            Log?.Invoke(TemplateArguments.ToText(a.Get(0, "msg")));
            return string.Empty;
        });
        Environment.RegisterFunction("tojson", a => System.Text.Json.JsonSerializer.Serialize(a.Get(0, "value")));

        var key = new StringBuilder();
        key.Append("v1|").Append(project.Name).Append('|');
        foreach (var (k, v) in Target)
        {
            key.Append(k).Append('=').Append(v).Append(';');
        }

        foreach (var (k, v) in project.Vars.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            key.Append(k).Append('=').Append(ProjectScanner.Describe(v)).Append(';');
        }

        AddDbtContext(packageMacros ?? [], key);
        var root = new MacroNamespace(project.Name);
        _namespaces[project.Name] = root;
        foreach (var (path, text) in macros)
        {
            Template template;
            try
            {
                template = Environment.Parse(text, path);
            }
            catch (TemplateException e)
            {
                throw new ModelProjectException(e.Message, e);
            }

            root.Add(template);
            foreach (var name in Environment.AddMacros(template))
            {
                MacroChecksums[name] = ProjectScanner.Hash(MacroSource(text, name));
            }

            key.Append(path).Append(':').Append(text.Length).Append(':').Append(ProjectScanner.Hash(text)).Append('|');
        }

        EnvironmentKey = ProjectScanner.Hash(key.ToString());
    }

    public TemplateEnvironment Environment { get; }

    public Dictionary<string, object?> Target { get; }

    public Action<string>? Log { get; }

    /// <summary>Checksum of each macro's definition, for state:modified of the nodes that call it.</summary>
    public Dictionary<string, string> MacroChecksums { get; } = new(StringComparer.Ordinal);

    /// <summary>Identifies everything besides a file's own text that a first render depends on.</summary>
    public string EnvironmentKey { get; }

    /// <summary>Full-refresh runs answer <c>is_incremental()</c> with false.</summary>
    public bool FullRefresh { get; set; }

    public bool HasMacro(string name) => TryGetMacro(name, out _);

    /// <summary>Renders a node. Without <paramref name="lookup"/> it is the first render (placeholders, execute = false).</summary>
    public (string Text, RenderCapture Capture) Render(ModelNode node, NodeLookup? lookup, bool isIncremental, Func<DuckDbConnection>? connection)
    {
        var template = GetTemplate(node);
        var capture = new RenderCapture(node, lookup is not null, isIncremental);
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["execute"] = lookup is not null,
            ["model"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["name"] = node.Name,
                ["unique_id"] = node.UniqueId,
                ["path"] = node.Path,
                ["resource_type"] = node.Type.ToString().ToLowerInvariant(),
            },
            ["ref"] = (TemplateFunction)(a => Ref(a, capture, lookup)),
            ["source"] = (TemplateFunction)(a => Source(a, capture, lookup)),
            ["config"] = new HostObject("config", a => Config(a, capture), new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["get"] = (TemplateFunction)(a => ConfigGet(a, capture, required: false)),
                ["require"] = (TemplateFunction)(a => ConfigGet(a, capture, required: true)),
            }),
            ["is_incremental"] = (TemplateFunction)(_ =>
            {
                capture.UsesIsIncremental = true;
                return capture.IsIncremental;
            }),
            ["env_var"] = (TemplateFunction)(a => EnvVar(a, capture)),
            ["run_query"] = (TemplateFunction)(a => RunQuery(a, capture, connection)),
            ["this"] = lookup is null
                ? new RelationValue($"{PlaceholderStart}T{PlaceholderEnd}", _project.Target.Database, _project.Target.Schema, node.Name, capture)
                : lookup.Relation(node, null),
        };
        Enter(capture, connection, out var previous);
        try
        {
            return (template.Render(context), capture);
        }
        catch (TemplateException e)
        {
            throw new ModelProjectException(e.Message, e);
        }
        finally
        {
            Leave(previous);
        }
    }

    /// <summary>Renders a hook or other snippet with a node's final context (relations resolved).</summary>
    public string RenderSnippet(string text, ModelNode node, NodeLookup lookup, string name)
    {
        if (!text.Contains("{{", StringComparison.Ordinal) && !text.Contains("{%", StringComparison.Ordinal))
        {
            return text;
        }

        Enter(null, null, out var previous);
        try
        {
            var template = Environment.Parse(text, name);
            var capture = new RenderCapture(node, true, false);
            return template.Render(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["execute"] = true,
                ["this"] = lookup.Relation(node, null),
                ["ref"] = (TemplateFunction)(a => Ref(a, capture, lookup)),
                ["source"] = (TemplateFunction)(a => Source(a, capture, lookup)),
                ["env_var"] = (TemplateFunction)(a => EnvVar(a, capture)),
            });
        }
        catch (TemplateException e)
        {
            throw new ModelProjectException(e.Message, e);
        }
        finally
        {
            Leave(previous);
        }
    }

    /// <summary>Calls a macro with a final context (used for custom generic tests and generate_schema_name).</summary>
    public string CallMacro(string name, IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?>? keyword)
    {
        Enter(null, null, out var previous);
        try
        {
            var context = new Dictionary<string, object?>(StringComparer.Ordinal) { ["execute"] = true };
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && TryGetMacro(name, out var macro))
            {
                // A package macro: called through a one-name context so the call itself stays the environment's.
                context["__nagare_macro"] = macro;
                name = "__nagare_macro";
            }

            var value = Environment.Call(name, positional, keyword, context);
            return TemplateArguments.ToText(value);
        }
        catch (TemplateException e)
        {
            throw new ModelProjectException(e.Message, e);
        }
        finally
        {
            Leave(previous);
        }
    }

    private Template GetTemplate(ModelNode node)
    {
        lock (_templatesGate)
        {
            if (_templates.TryGetValue(node.UniqueId, out var cached))
            {
                return cached;
            }
        }

        Template template;
        try
        {
            template = Environment.Parse(node.RawSql, node.Path);
        }
        catch (TemplateException e)
        {
            throw new ModelProjectException(e.Message, e);
        }

        lock (_templatesGate)
        {
            _templates[node.UniqueId] = template;
        }

        return template;
    }

    private object? Var(TemplateArguments a)
    {
        var name = TemplateArguments.ToText(a.Get(0, "var_name"));
        if (_project.Vars.TryGetValue(name, out var value))
        {
            return ToTemplateValue(value);
        }

        if (a.Has(1, "default"))
        {
            return a.Get(1, "default");
        }

        throw new ModelProjectException($"{a.TemplateName}: required var '{name}' is not set (add it under vars: in {_project.ProjectFile} or pass --vars '{{{name}: ...}}')");
    }

    private static object? ToTemplateValue(object? value) => value switch
    {
        YamlMap m => m.ToDictionary(kv => kv.Key, kv => ToTemplateValue(kv.Value), StringComparer.Ordinal),
        List<object?> l => l.Select(ToTemplateValue).ToList(),
        _ => value,
    };

    private static object? EnvVar(TemplateArguments a, RenderCapture capture)
    {
        var name = TemplateArguments.ToText(a.Get(0, "var"));
        var value = System.Environment.GetEnvironmentVariable(name);
        capture.EnvironmentRead[name] = value;
        if (value is not null)
        {
            return value;
        }

        if (a.Has(1, "default"))
        {
            return a.Get(1, "default");
        }

        throw new ModelProjectException($"{a.TemplateName}: environment variable '{name}' is required but not set");
    }

    private static object? Ref(TemplateArguments a, RenderCapture capture, NodeLookup? lookup)
    {
        RelationCall call;
        if (a.Positional.Count >= 2)
        {
            call = new RelationCall(false, TemplateArguments.ToText(a.Positional[0]), TemplateArguments.ToText(a.Positional[1]));
        }
        else
        {
            call = new RelationCall(false, null, TemplateArguments.ToText(a.Get(0, "name")));
        }

        return Relation(call, capture, lookup);
    }

    private static object? Source(TemplateArguments a, RenderCapture capture, NodeLookup? lookup)
    {
        var call = new RelationCall(true, TemplateArguments.ToText(a.Get(0, "source_name")), TemplateArguments.ToText(a.Get(1, "table_name")));
        return Relation(call, capture, lookup);
    }

    private static RelationValue Relation(RelationCall call, RenderCapture capture, NodeLookup? lookup)
    {
        var index = capture.Calls.IndexOf(call);
        if (index < 0)
        {
            index = capture.Calls.Count;
            capture.Calls.Add(call);
        }

        if (lookup is not null)
        {
            return lookup.Relation(lookup.Resolve(capture.Node, call), null);
        }

        return new RelationValue($"{PlaceholderStart}{index.ToString(CultureInfo.InvariantCulture)}{PlaceholderEnd}", string.Empty, string.Empty, call.Second, capture);
    }

    /// <summary>
    /// dbt's <c>config.get(key, default)</c> / <c>config.require(key)</c>: the node's value for the key as resolved
    /// so far — project and YAML config, then the file's own <c>config()</c> calls made before this point.
    /// </summary>
    private static object? ConfigGet(TemplateArguments a, RenderCapture capture, bool required)
    {
        var key = NodeConfig.NormalizeKey(Convert.ToString(a.Get(0, "name"), CultureInfo.InvariantCulture) ?? string.Empty);
        for (var i = capture.ConfigCalls.Count - 1; i >= 0; i--)
        {
            if (NodeConfig.NormalizeKey(capture.ConfigCalls[i].Key) == key)
            {
                return capture.ConfigCalls[i].Value;
            }
        }

        var resolved = capture.Final ? capture.Node.Config : capture.Config;
        if (resolved.Values.TryGetValue(key, out var value))
        {
            return value;
        }

        if (required)
        {
            throw new ModelProjectException($"{capture.Node.Path}: config.require('{key}'): the model has no '{key}' config.");
        }

        return a.Get(1, "default");
    }

    private static string Config(TemplateArguments a, RenderCapture capture)
    {
        if (capture.Final)
        {
            return string.Empty;
        }

        var start = capture.ConfigCalls.Count;
        foreach (var p in a.Positional)
        {
            if (p is System.Collections.IDictionary d)
            {
                // Keys and the indexer, not DictionaryEntry: template dictionaries enumerate as key-value pairs.
                foreach (var key in d.Keys)
                {
                    capture.ConfigCalls.Add(new(Convert.ToString(key, CultureInfo.InvariantCulture)!, d[key]));
                }
            }
            else if (p is IEnumerable<KeyValuePair<string, object?>> dict)
            {
                capture.ConfigCalls.AddRange(dict);
            }
        }

        capture.ConfigCalls.AddRange(a.Keyword);
        capture.Config.Merge(capture.ConfigCalls.Skip(start));
        return string.Empty;
    }

    private static object? RunQuery(TemplateArguments a, RenderCapture capture, Func<DuckDbConnection>? connection)
    {
        capture.NeedsFinalRender = true;
        if (!capture.Final || connection is null)
        {
            return QueryResult.Empty;
        }

        return Query(TemplateArguments.ToText(a.Get(0, "sql")), connection);
    }

    /// <summary>The text of one macro definition inside a macro file (for per-macro checksums).</summary>
    private static string MacroSource(string text, string name)
    {
        var match = Regex.Match(text, @"\{%-?\s*macro\s+" + Regex.Escape(name) + @"\b[\s\S]*?\{%-?\s*endmacro\s*-?%\}");
        return match.Success ? match.Value : text;
    }

    /// <summary>
    /// The macros of <paramref name="checksums"/> that <paramref name="text"/> calls, with their checksums, in ordinal
    /// order of name: every name written before a parenthesis (<c>name(</c> or <c>name (</c>), as the regular
    /// expression <c>\b([A-Za-z_][A-Za-z0-9_]*)\s*\(</c> finds them, but looking back from each parenthesis instead
    /// of trying every position, and without a string per name that is no macro.
    /// </summary>
    internal static List<KeyValuePair<string, string>> CalledMacros(string text, Dictionary<string, string> checksums)
    {
        var found = new List<KeyValuePair<string, string>>();
        if (checksums.Count == 0)
        {
            return found;
        }

        var lookup = checksums.GetAlternateLookup<ReadOnlySpan<char>>();
        var span = text.AsSpan();
        var from = 0;
        while (span[from..].IndexOf('(') is var offset && offset >= 0)
        {
            var end = from + offset;
            from = end + 1;
            while (end > 0 && char.IsWhiteSpace(span[end - 1]))
            {
                end--;
            }

            var start = end;
            while (start > 0 && (char.IsAsciiLetterOrDigit(span[start - 1]) || span[start - 1] == '_'))
            {
                start--;
            }

            if (start == end || char.IsAsciiDigit(span[start]) || (start > 0 && IsWordCharacter(span[start - 1]))
                || !lookup.TryGetValue(span[start..end], out var name, out var sum))
            {
                continue;
            }

            if (!found.Exists(f => ReferenceEquals(f.Key, name)))
            {
                found.Add(new(name, sum));
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return found;
    }

    /// <summary>A character of a word for <c>\b</c>: a letter, a digit, a joining mark or connector, or a zero-width (non-)joiner.</summary>
    private static bool IsWordCharacter(char c) =>
        char.IsLetterOrDigit(c) || c is '_' or '\u200C' or '\u200D'
        || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.ConnectorPunctuation;
}
