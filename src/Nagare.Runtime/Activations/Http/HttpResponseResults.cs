using System.Text.Json;

namespace Nagare.Runtime.Activations.Http;

/// <summary>The per-record results of a 2xx answer to a batch, read as an <see cref="HttpResponseMapping"/> says.</summary>
/// <param name="Problem">Why the answer cannot be read record by record (every record of the request is then rejected), or null.</param>
/// <param name="Errors">Per record: null when accepted, else why not.</param>
/// <param name="Items">Per record: its result as JSON.</param>
internal sealed record HttpResponseResults(string? Problem, IReadOnlyList<string?> Errors, IReadOnlyList<string> Items)
{
    /// <summary>Reads <paramref name="text"/>: the array at the mapping's path, one result per record, in the request's order.</summary>
    public static HttpResponseResults Read(HttpResponseMapping mapping, string? text, int records)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "null" : text);
        }
        catch (JsonException e)
        {
            return Failed($"the answer is not JSON, so its per-record results cannot be read ({e.Message})");
        }

        using (document)
        {
            var node = document.RootElement;
            foreach (var part in mapping.ResultsPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(part, out node))
                {
                    return Failed($"the answer has no '{mapping.ResultsPath}' (response.results_path)");
                }
            }

            if (node.ValueKind != JsonValueKind.Array)
            {
                return Failed($"'{(mapping.ResultsPath.Length == 0 ? "the answer" : mapping.ResultsPath)}' is not a list of results");
            }

            if (node.GetArrayLength() != records)
            {
                return Failed($"the answer holds {node.GetArrayLength()} results for {records} records");
            }

            var errors = new List<string?>(records);
            var items = new List<string>(records);
            foreach (var item in node.EnumerateArray())
            {
                items.Add(item.GetRawText());
                errors.Add(ErrorOf(mapping, item));
            }

            return new HttpResponseResults(null, errors, items);
        }
    }

    private static string? ErrorOf(HttpResponseMapping mapping, JsonElement item)
    {
        string? error = null;
        if (mapping.ErrorField is { } errorField && item.ValueKind == JsonValueKind.Object && item.TryGetProperty(errorField, out var value))
        {
            error = value.ValueKind switch
            {
                JsonValueKind.Null or JsonValueKind.False => null,
                JsonValueKind.String => string.IsNullOrEmpty(value.GetString()) ? null : value.GetString(),
                _ => value.GetRawText(),
            };
        }

        if (mapping.SuccessField is { } successField)
        {
            var accepted = item.ValueKind == JsonValueKind.Object && item.TryGetProperty(successField, out var success) && success.ValueKind == JsonValueKind.True;
            if (!accepted)
            {
                return error ?? $"its result's {successField} is not true";
            }
        }

        return error;
    }

    private static HttpResponseResults Failed(string problem) => new(problem, [], []);
}
