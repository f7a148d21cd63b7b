using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Nagare.Server.Api;

/// <summary>How the API writes and reads JSON: snake_case names like the project files, unknown fields refused.</summary>
public static class ApiJson
{
    /// <summary>The serializer options of every answer and request body.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>
    /// Reads the request's JSON body as <typeparamref name="T"/>, or a problem answer naming the field at fault:
    /// a body that is not JSON, a value of the wrong type, a missing required field, an unknown field.
    /// </summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Of(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as JSON with Content-Type: application/json.", "Content-Type"));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Options, context.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, Problems.BadRequest("The body is null; send a JSON object.", "$")) : (value, null);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "$" : e.Path;
            // The serializer's own message names .NET types; say it in the API's words.
            var detail = e.Message.Contains("could not be mapped", StringComparison.Ordinal) ? $"Unknown field {field}."
                : e.Message.Contains("missing required properties", StringComparison.Ordinal) ? $"Required fields are missing: {Missing(e.Message)}."
                : e.Message.Contains("null", StringComparison.OrdinalIgnoreCase) && e.Message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase) ? $"{field} may not be null."
                : e.LineNumber is null ? $"The body is not valid JSON: {e.Message}" : $"{field} has a value of the wrong type or the body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).";
            if (detail.StartsWith("Required", StringComparison.Ordinal))
            {
                field = "$." + Missing(e.Message).Split(',')[0].Trim();
            }

            return (null, Problems.BadRequest(detail, field));
        }
    }

    private static string Missing(string message)
    {
        // "JSON deserialization for type 'X' was missing required properties including: 'a', 'b'."
        var colon = message.LastIndexOf(':');
        return colon < 0 ? "?" : message[(colon + 1)..].Trim().TrimEnd('.').Replace("'", string.Empty, StringComparison.Ordinal);
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            MaxDepth = 32,

            // Answers are JSON for programs, never pasted into HTML: log lines keep their "->" and "<" readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
