using System.Text.Json;

namespace Nagare.Bench.Web;

/// <summary>What a page measured of its own load, in milliseconds from the navigation's start (see page-probes.js).</summary>
internal sealed record PageTiming(
    IReadOnlyDictionary<string, double> Marks,
    double ResponseEnd,
    double LoadEventEnd,
    double LastResponseEnd,
    long TransferBytes,
    long BodyBytes,
    int Requests,
    IReadOnlyList<ResourceTiming> Resources)
{
    /// <summary>A mark, or NaN when it never appeared.</summary>
    public double Mark(string name) => Marks.TryGetValue(name, out var value) ? value : double.NaN;

    /// <summary>The first resource whose address contains <paramref name="part"/>, or null.</summary>
    public ResourceTiming? Resource(string part) => Resources.FirstOrDefault(r => r.Name.Contains(part, StringComparison.Ordinal));

    public static PageTiming From(JsonElement json) => new(
        json.GetProperty("marks").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
        json.GetProperty("responseEnd").GetDouble(),
        json.GetProperty("loadEventEnd").GetDouble(),
        json.GetProperty("lastResponseEnd").GetDouble(),
        (long)json.GetProperty("transferBytes").GetDouble(),
        (long)json.GetProperty("bodyBytes").GetDouble(),
        json.GetProperty("requests").GetInt32(),
        [.. json.GetProperty("resources").EnumerateArray().Select(r => new ResourceTiming(
            r.GetProperty("name").GetString()!, r.GetProperty("type").GetString()!, r.GetProperty("start").GetDouble(),
            r.GetProperty("end").GetDouble(), (long)r.GetProperty("transfer").GetDouble()))]);
}

/// <summary>One resource the page fetched: when it started and its last byte came, and its bytes on the wire.</summary>
internal sealed record ResourceTiming(string Name, string Type, double Start, double End, long TransferBytes)
{
    public double Duration => End - Start;
}
