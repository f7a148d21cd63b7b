using System.Globalization;
using System.Text.Json;
using Nagare.Runtime.Configuration;
using Nagare.Templating;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Models;

/// <summary>The rest of dbt's context that packages read: run_started_at, invocation_id, flags, graph and the serialization helpers.</summary>
internal sealed partial class ModelRenderer
{
    /// <summary>dbt's <c>flags</c>; <c>FULL_REFRESH</c> is set by the runner before any node renders.</summary>
    public Dictionary<string, object?> Flags { get; } = new(StringComparer.Ordinal)
    {
        ["FULL_REFRESH"] = false,
        ["STORE_FAILURES"] = false,
        ["WHICH"] = "build",
        ["WARN_ERROR"] = false,
        ["FAIL_FAST"] = false,
        ["PARTIAL_PARSE"] = true,
        ["USE_COLORS"] = false,
        ["DEBUG"] = false,
    };

    /// <summary>
    /// Adds run_started_at, invocation_id, flags and the helpers. They are not part of the compile cache key: a file
    /// printing run_started_at keeps the value of its last first render until it changes; models and hooks that
    /// need the current run's value read it where <c>execute</c> is true.
    /// </summary>
    private void AddRunContext()
    {
        Environment.AddGlobal("run_started_at", TimeProvider.System.GetUtcNow().UtcDateTime);
        Environment.AddGlobal("invocation_id", Guid.NewGuid().ToString());
        Environment.AddGlobal("flags", Flags);
        Environment.AddGlobal("graph", new Dictionary<string, object?>(StringComparer.Ordinal) { ["nodes"] = new Dictionary<string, object?>(), ["sources"] = new Dictionary<string, object?>() });
        Environment.RegisterFunction("fromjson", a =>
        {
            try
            {
                using var document = JsonDocument.Parse(TemplateArguments.ToText(a.Get(0, "string")));
                return FromJson(document.RootElement);
            }
            catch (JsonException)
            {
                return a.Get(1, "default");
            }
        });
        Environment.RegisterFunction("fromyaml", a => FromYaml(TemplateArguments.ToText(a.Get(0, "value")), a.TemplateName));
        Environment.RegisterFunction("toyaml", a => new YamlDotNet.Serialization.SerializerBuilder().Build().Serialize(a.Get(0, "value")));
        Environment.RegisterFunction("zip", a =>
        {
            var lists = a.Positional.Select(p => (p as System.Collections.IEnumerable)?.Cast<object?>().ToList() ?? []).ToList();
            var n = lists.Count == 0 ? 0 : lists.Min(l => l.Count);
            return Enumerable.Range(0, n).Select(i => (object?)lists.Select(l => l[i]).ToList()).ToList();
        });
        Environment.RegisterFunction("set", a => (a.Get(0, "value") as System.Collections.IEnumerable)?.Cast<object?>().Distinct().ToList() ?? []);
        Environment.RegisterFunction("local_md5", a => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(TemplateArguments.ToText(a.Get(0, "value"))))));
        Environment.RegisterFunction("print", a =>
        {
            Log?.Invoke(TemplateArguments.ToText(a.Get(0, "msg")));
            return string.Empty;
        });
    }

    /// <summary>Fills <c>graph.nodes</c> and <c>graph.sources</c> with what the scan found, before any file is rendered.</summary>
    public void SetGraph(IEnumerable<ModelNode> nodes, IEnumerable<ModelNode> sources)
    {
        var graphNodes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            var resource = node.Type.ToString().ToLowerInvariant();
            graphNodes[node.UniqueId] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["unique_id"] = node.UniqueId,
                ["name"] = node.Name,
                ["resource_type"] = resource,
                ["package_name"] = node.Fqn.Count > 0 ? node.Fqn[0] : _project.Name,
                ["path"] = node.Path,
                ["original_file_path"] = node.Path,
                ["fqn"] = node.Fqn.Cast<object?>().ToList(),
                ["config"] = new Dictionary<string, object?>(node.BaseConfig.Values, StringComparer.Ordinal),
                ["tags"] = node.BaseConfig.Values.GetValueOrDefault("tags") is System.Collections.IEnumerable tags and not string ? tags.Cast<object?>().ToList() : new List<object?>(),
                ["description"] = node.Description ?? string.Empty,
            };
        }

        var graphSources = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            graphSources[source.UniqueId] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["unique_id"] = source.UniqueId,
                ["name"] = source.Name,
                ["source_name"] = source.SourceName,
                ["resource_type"] = "source",
                ["package_name"] = _project.Name,
                ["schema"] = source.Schema,
                ["identifier"] = source.Identifier,
                ["fqn"] = source.Fqn.Cast<object?>().ToList(),
            };
        }

        Environment.AddGlobal("graph", new Dictionary<string, object?>(StringComparer.Ordinal) { ["nodes"] = graphNodes, ["sources"] = graphSources });
    }

    private static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? (object)l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static object? FromYaml(string text, string template)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ModelProjectException($"{template}: fromyaml: {e.Message}", e);
        }

        return stream.Documents.Count == 0 ? null : FromYamlNode(stream.Documents[0].RootNode);
    }

    private static object? FromYamlNode(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.ToDictionary(kv => Convert.ToString(FromYamlNode(kv.Key), CultureInfo.InvariantCulture) ?? string.Empty, kv => FromYamlNode(kv.Value), StringComparer.Ordinal),
        YamlSequenceNode s => s.Children.Select(FromYamlNode).ToList(),
        YamlScalarNode v => YamlSection.TypedScalar(v.Value, YamlSection.IsQuoted(v)),
        _ => null,
    };
}
