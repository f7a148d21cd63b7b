using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Nagare.Runtime.Pipelines;

/// <summary>
/// What a run's templates see, fixed when the run is created and stored with it: the parameters (typed) and the
/// built-ins of its dates (<c>logical_date</c>, <c>yesterday</c>, <c>data_interval_start</c>, …). A task run on any
/// worker, or again after a failure, sees the same values.
/// </summary>
/// <param name="Params">Parameter values: string, long, decimal or bool.</param>
/// <param name="BuiltIns">Built-in variables, as text.</param>
public sealed record RunArguments(ImmutableSortedDictionary<string, object> Params, ImmutableSortedDictionary<string, string> BuiltIns)
{
    /// <summary>The JSON stored with the run: <c>{"params": {…}, "builtins": {…}}</c>.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("params");
            foreach (var (name, value) in Params)
            {
                switch (value)
                {
                    case long l: json.WriteNumber(name, l); break;
                    case decimal d: json.WriteNumber(name, d); break;
                    case bool b: json.WriteBoolean(name, b); break;
                    default: json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
            }

            json.WriteEndObject();
            json.WriteStartObject("builtins");
            foreach (var (name, value) in BuiltIns)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static RunArguments FromJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var parameters = ImmutableSortedDictionary.CreateBuilder<string, object>(StringComparer.Ordinal);
        var builtIns = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        if (document.RootElement.TryGetProperty("params", out var p))
        {
            foreach (var property in p.EnumerateObject())
            {
                parameters[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Number when property.Value.TryGetInt64(out var l) => l,
                    JsonValueKind.Number => property.Value.GetDecimal(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => property.Value.GetString() ?? string.Empty,
                };
            }
        }

        if (document.RootElement.TryGetProperty("builtins", out var b))
        {
            foreach (var property in b.EnumerateObject())
            {
                builtIns[property.Name] = property.Value.GetString() ?? string.Empty;
            }
        }

        return new RunArguments(parameters.ToImmutable(), builtIns.ToImmutable());
    }

    /// <summary>The variables of a template of this run: the built-ins, <c>params</c>, <c>run_id</c>, <c>pipeline</c> and, in fanned-out steps, <c>item</c>.</summary>
    public Dictionary<string, object?> TemplateContext(string pipeline, long runId, string? item)
    {
        var context = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in BuiltIns)
        {
            context[name] = value;
        }

        context["params"] = Params.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);
        context["pipeline"] = pipeline;
        context["run_id"] = runId;
        if (item is not null)
        {
            context["item"] = item;
        }

        return context;
    }
}
