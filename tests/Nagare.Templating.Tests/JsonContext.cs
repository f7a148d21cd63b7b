using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Nagare.Templating.Tests;

/// <summary>Turns a JSON document into the plain .NET values a host would pass: dictionaries, lists and primitives.</summary>
internal static class JsonContext
{
    public static Dictionary<string, object?> Load(string json)
    {
        using var document = JsonDocument.Parse(json);
        return (Dictionary<string, object?>)Convert(document.RootElement)!;
    }

    private static object? Convert(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Convert(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Select(Convert).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Number => Number(element.GetRawText()),
        _ => throw new InvalidOperationException($"unexpected JSON value {element.ValueKind}"),
    };

    private static object Number(string text)
    {
        if (text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.OrdinalIgnoreCase))
        {
            return double.Parse(text, CultureInfo.InvariantCulture);
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
            ? l
            : BigInteger.Parse(text, CultureInfo.InvariantCulture);
    }
}
