using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Nagare.Runtime.Activations;
using Nagare.Runtime.Activations.Http;
using Nagare.Templating;
using YamlDotNet.RepresentationModel;

namespace Nagare.Runtime.Configuration;

/// <summary>Reads the destination of an activation that sends to an HTTP API (<c>type: http</c>) for <see cref="ActivationReader"/>.</summary>
internal static partial class HttpDestinationReader
{
    private static readonly Choices<ActivationMode> Modes = new(
        ("full", ActivationMode.Full),
        ("changes", ActivationMode.Changes));

    private static readonly string[] Methods = ["DELETE", "PATCH", "POST", "PUT"];

    private static readonly string[] Algorithms = ["sha256", "sha512"];

    /// <summary>Reads <c>destination:</c> with <c>type: http</c>.</summary>
    public static HttpDestination Read(YamlSection section)
    {
        section.String("type");
        var batchSize = section.Int("batch_size", 1, 10_000) ?? 1;
        var request = ReadRequest(section, "POST", null, batchSize);
        var mode = section.Choice("mode", Modes) ?? ActivationMode.Changes;
        var key = section.StringList("key");
        if (key.IsEmpty)
        {
            throw section.Error("key", "is required: the fields that identify a record (what is confirmed, rejected and sent again), e.g. key: [id]");
        }

        HttpRequestTemplate? delete = null;
        if (section.Section("delete") is { } deleteSection)
        {
            if (mode != ActivationMode.Changes)
            {
                throw section.Error("delete", "is used only with mode: changes (mode full sends every record and deletes nothing)");
            }

            delete = ReadRequest(deleteSection, "DELETE", request.Url, batchSize);
            deleteSection.RejectUnknownKeys();
        }

        var headers = ReadHeaders(section);
        var auth = section.Section("auth") is { } authSection ? ReadAuth(authSection) : null;
        double? perSecond = null;
        var concurrency = 1;
        if (section.Section("rate_limit") is { } limit)
        {
            perSecond = Number(limit, "requests_per_second");
            concurrency = limit.Int("concurrency", 1, 256) ?? 1;
            limit.RejectUnknownKeys();
        }

        var maxRetries = section.Int("max_retries", 0, 100) ?? 5;
        var backoff = Duration(section, "backoff") ?? TimeSpan.FromSeconds(1);
        var timeout = Duration(section, "timeout") ?? TimeSpan.FromSeconds(30);
        if (timeout <= TimeSpan.Zero)
        {
            throw section.Error("timeout", "must be longer than 0 s");
        }

        var retention = section.Int("retention_days", 0, 3650) ?? 7;
        HttpResponseMapping? response = null;
        if (section.Section("response") is { } responseSection)
        {
            response = new HttpResponseMapping(responseSection.String("results_path") ?? string.Empty, responseSection.String("success_field"), responseSection.String("error_field"));
            if (response.SuccessField is null && response.ErrorField is null)
            {
                throw responseSection.Error("success_field", "write success_field:, error_field: or both: how a result says its record was accepted");
            }

            responseSection.RejectUnknownKeys();
        }

        section.RejectUnknownKeys();
        return new HttpDestination(request, batchSize, mode, key, section.Location)
        {
            Delete = delete,
            Headers = headers,
            Auth = auth,
            RequestsPerSecond = perSecond,
            Concurrency = concurrency,
            MaxRetries = maxRetries,
            Backoff = backoff,
            Timeout = timeout,
            Response = response,
            RetentionDays = retention,
        };
    }

    private static HttpRequestTemplate ReadRequest(YamlSection section, string defaultMethod, string? defaultUrl, int batchSize)
    {
        var method = section.String("method")?.ToUpperInvariant() ?? defaultMethod;
        if (!Methods.Contains(method, StringComparer.Ordinal))
        {
            throw section.Error("method", $"'{method}' is not one of {string.Join(", ", Methods)}");
        }

        var url = defaultUrl is null ? section.RequiredString("url") : section.String("url") ?? defaultUrl;
        var written = section.Node("url") is YamlScalarNode { Value: { } raw } && raw.Contains("${", StringComparison.Ordinal) ? raw : null;
        Template(section, "url", url, batchSize);
        if (!url.Contains("{{", StringComparison.Ordinal) && !url.Contains("{%", StringComparison.Ordinal)
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw section.Error("url", $"'{url}' is not an absolute http or https URL");
        }

        var body = section.String("body");
        if (body is not null)
        {
            Template(section, "body", body, batchSize);
        }

        var writtenBody = section.Node("body") is YamlScalarNode { Value: { } rawBody } && rawBody.Contains("${", StringComparison.Ordinal) ? rawBody : null;
        return new HttpRequestTemplate(method, url, body)
        {
            WrittenUrl = written,
            UrlSecrets = written is null ? [] : [.. ReferencedValues(written, url).Select(v => new Secret(v))],
            BodySecrets = writtenBody is null || body is null ? [] : [.. ReferencedValues(writtenBody, body).Select(v => new Secret(v))],
        };
    }

    /// <summary>Checks a template's syntax when the project loads, and that it names <c>record</c> only where there is one.</summary>
    private static void Template(YamlSection section, string key, string text, int batchSize)
    {
        try
        {
            new TemplateEnvironment().Parse(text, key);
        }
        catch (TemplateException e)
        {
            throw section.Error(key, $"is not a valid template: {e.Message}");
        }

        if (batchSize > 1 && RecordName().IsMatch(text))
        {
            throw section.Error(key, "uses record, which exists only with batch_size: 1; a batch's template reads records (a list)");
        }
    }

    private static ImmutableArray<HttpHeader> ReadHeaders(YamlSection section)
    {
        var node = section.Node("headers");
        if (node is null || node is YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        if (node is not YamlMappingNode mapping)
        {
            throw section.Error("headers", "expected a mapping of header names to values");
        }

        var map = section.Child("headers", mapping);
        var headers = ImmutableArray.CreateBuilder<HttpHeader>();
        foreach (var (name, value, _) in map.Entries())
        {
            var text = map.ScalarText(name, value);
            // A value taken from the environment or the secret store is an API key more often than not: it is treated
            // as a secret, never kept or shown.
            var referenced = value is YamlScalarNode { Value: { } raw } && raw.Contains("${", StringComparison.Ordinal);
            headers.Add(referenced ? new HttpHeader(name, null, new Secret(text)) : new HttpHeader(name, text, null));
        }

        return headers.ToImmutable();
    }

    private static HttpAuth ReadAuth(YamlSection section)
    {
        var type = section.String("type") ?? throw section.Error("type", $"is required: one of {string.Join(", ", HttpAuth.Types)}");
        HttpAuth auth = type switch
        {
            "bearer" => new HttpBearerAuth(RequiredSecret(section, "token")),
            "basic" => new HttpBasicAuth(section.RequiredString("user"), RequiredSecret(section, "password")),
            "hmac" => ReadHmac(section),
            "oauth2_client_credentials" => ReadOAuth2(section),
            _ => throw section.Error("type", $"'{type}' is not one of {string.Join(", ", HttpAuth.Types)}{YamlSection.Suggest(type, HttpAuth.Types)}"),
        };
        section.RejectUnknownKeys();
        return auth;
    }

    private static HttpHmacAuth ReadHmac(YamlSection section)
    {
        var key = RequiredSecret(section, "secret");
        var header = section.String("header") ?? "X-Signature";
        var algorithm = section.String("algorithm")?.ToLowerInvariant() ?? "sha256";
        if (!Algorithms.Contains(algorithm, StringComparer.Ordinal))
        {
            throw section.Error("algorithm", $"'{algorithm}' is not one of {string.Join(", ", Algorithms)}");
        }

        return new HttpHmacAuth(key, header, algorithm, section.String("timestamp_header"), section.String("prefix") ?? string.Empty);
    }

    private static HttpOAuth2Auth ReadOAuth2(YamlSection section)
    {
        var tokenUrl = section.RequiredString("token_url");
        if (!Uri.TryCreate(tokenUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw section.Error("token_url", $"'{tokenUrl}' is not an absolute http or https URL");
        }

        return new HttpOAuth2Auth(tokenUrl, section.RequiredString("client_id"), RequiredSecret(section, "client_secret"), section.String("scope"));
    }

    private static Secret RequiredSecret(YamlSection section, string key) =>
        section.Secret(key) is { } secret && secret.Reveal().Length > 0 ? secret : throw section.Error(key, $"is required (write {key}: ${{SOME_ENV_VARIABLE}} or ${{secret:NAME}})");

    private static double? Number(YamlSection section, string key)
    {
        if (section.String(key) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 && value <= 100_000
            ? value
            : throw section.Error(key, $"'{text}' is not a number of requests per second above 0 (e.g. 10 or 0.5)");
    }

    private static TimeSpan? Duration(YamlSection section, string key)
    {
        if (section.String(key) is not { } text)
        {
            return null;
        }

        try
        {
            return DurationText.Parse(text);
        }
        catch (FormatException e)
        {
            throw section.Error(key, e.Message);
        }
    }

    /// <summary>What the <c>${…}</c> references of <paramref name="written"/> became in <paramref name="resolved"/> (an API key in a query string).</summary>
    private static IEnumerable<string> ReferencedValues(string written, string resolved)
    {
        var literals = Reference().Split(written).Select(Regex.Escape);
        var match = Regex.Match(resolved, "^" + string.Join("(.*?)", literals) + "$", RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success ? match.Groups.Values.Skip(1).Select(g => g.Value).Where(v => v.Length > 0) : [resolved];
    }

    [GeneratedRegex(@"\$\{[^}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex(@"\brecord\b", RegexOptions.CultureInvariant)]
    private static partial Regex RecordName();
}
