using System.Globalization;
using System.Text;
using System.Text.Json;
using Nagare.Templating;

namespace Nagare.Runtime.Activations.Http;

/// <summary>
/// Renders a request of a batch of records: the URL and body templates (Jinja, with <c>record</c> when a request
/// carries one record, <c>records</c> always, <c>operation</c>, and the run's <c>activation</c>, <c>run_date</c>,
/// <c>run_id</c>, <c>ts</c>), or the default body: the record, or a JSON array of the records. A template that does not
/// render, a URL that is not absolute or a body that is not JSON stops the run: it is the configuration that is wrong,
/// not the record.
/// </summary>
internal sealed class HttpRequestRenderer
{
    private readonly HttpRequestTemplate request;
    private readonly bool single;
    private readonly Template? url;
    private readonly Template? body;
    private readonly IReadOnlyDictionary<string, object?> context;
    private readonly string activation;

    public HttpRequestRenderer(HttpRequestTemplate request, bool single, IReadOnlyDictionary<string, object?> context, string activation, string what)
    {
        this.request = request;
        this.single = single;
        this.context = context;
        this.activation = activation;
        var environment = new TemplateEnvironment(new TemplateOptions { StrictUndefined = true });
        url = IsTemplate(request.Url) ? environment.Parse(request.Url, $"{what}.url of activation '{activation}'") : null;
        body = request.Body is { } text ? environment.Parse(text, $"{what}.body of activation '{activation}'") : null;
    }

    /// <summary>The request's method.</summary>
    public string Method => request.Method;

    /// <summary>The URL and body (UTF-8 JSON, or null) of a request carrying <paramref name="records"/>.</summary>
    public (Uri Url, byte[]? Body) Render(IReadOnlyList<ActivationRecord> records)
    {
        var variables = url is null && body is null ? null : Variables(records);
        var text = url is null ? request.Url : Run(url, variables!, records, "URL");
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ActivationException($"Activation '{activation}': the URL rendered for {Describe(records)} is not an absolute http or https URL: '{text}'.");
        }

        if (body is null)
        {
            // The default body: none for a DELETE of deleted records, else the record or the array of records.
            return (uri, request.Method == "DELETE" && records.All(r => r.Operation == "delete") ? null : single ? records[0].JsonUtf8.ToArray() : JsonArray(records));
        }

        var json = Run(body, variables!, records, "body");
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ActivationException($"Activation '{activation}': the body rendered for {Describe(records)} is not JSON ({e.Message}): {Start(json)}")
            {
                Hint = "Write values with the tojson filter: {\"email\": {{ record.email | tojson }}}.",
            };
        }

        return (uri, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The default body of a batch, <c>[record,record,…]</c>: the records' UTF-8 bytes copied into one array.</summary>
    private static byte[] JsonArray(IReadOnlyList<ActivationRecord> records)
    {
        var length = 1 + records.Count;
        foreach (var record in records)
        {
            length += record.JsonUtf8.Length;
        }

        var bytes = new byte[length];
        var span = bytes.AsSpan();
        span[0] = (byte)'[';
        var at = 1;
        for (var i = 0; i < records.Count; i++)
        {
            records[i].JsonUtf8.Span.CopyTo(span[at..]);
            at += records[i].JsonUtf8.Length;
            span[at++] = (byte)(i == records.Count - 1 ? ']' : ',');
        }

        return bytes;
    }

    /// <summary>The records of a request for messages: <c>record id=42</c> or <c>3 records from id=1</c>.</summary>
    public static string Describe(IReadOnlyList<ActivationRecord> records) =>
        records.Count == 1 ? $"record {ActivationRecordKey.Describe(records[0].Key)}" : string.Create(CultureInfo.InvariantCulture, $"{records.Count} records from {ActivationRecordKey.Describe(records[0].Key)}");

    private Dictionary<string, object?> Variables(IReadOnlyList<ActivationRecord> records)
    {
        var values = new Dictionary<string, object?>(context, StringComparer.Ordinal);
        var parsed = records.Select(r => Value(r.JsonUtf8)).ToList();
        values["records"] = parsed;
        if (single)
        {
            values["record"] = parsed[0];
        }

        values["operation"] = records.Select(r => r.Operation).Distinct().Count() == 1 ? records[0].Operation : "send";
        return values;
    }

    private string Run(Template template, Dictionary<string, object?> variables, IReadOnlyList<ActivationRecord> records, string what)
    {
        try
        {
            return template.Render(variables);
        }
        catch (TemplateException e)
        {
            throw new ActivationException($"Activation '{activation}': the {what} does not render for {Describe(records)}: {e.Message}", e);
        }
    }

    private static string Start(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");

    private static bool IsTemplate(string text) => text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal);

    /// <summary>A JSON text as template values: objects as dictionaries, arrays as lists, numbers as long, decimal or double.</summary>
    private static object? Value(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        return Value(document.RootElement);
    }

    private static object? Value(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal), (map, p) =>
        {
            map[p.Name] = Value(p.Value);
            return map;
        }),
        JsonValueKind.Array => element.EnumerateArray().Select(Value).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number when element.TryGetInt64(out var whole) => whole,
        JsonValueKind.Number when element.TryGetDecimal(out var exact) => exact,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
