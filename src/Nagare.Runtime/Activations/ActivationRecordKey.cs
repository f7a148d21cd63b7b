using System.Text.Json;

namespace Nagare.Runtime.Activations;

/// <summary>A record's key as JSON (<c>{"day":"2024-01-01","region":"emea"}</c>) written for people: <c>day=2024-01-01, region=emea</c>.</summary>
public static class ActivationRecordKey
{
    /// <summary>The key fields of <paramref name="json"/> as <c>name=value</c> pairs; the text itself when it is not a JSON object.</summary>
    public static string Describe(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return json;
            }

            return string.Join(", ", document.RootElement.EnumerateObject().Select(p => $"{p.Name}={(p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Null => "NULL",
                _ => p.Value.GetRawText(),
            })}"));
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
