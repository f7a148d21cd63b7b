using System.Text.Json;
using Nagare.Core.Connectors;
using Nagare.Core.Json;

namespace Nagare.Connectors.Files;

/// <summary>
/// The files an incremental read of a stream has read, as a <see cref="SeenTracker"/> token: a JSON object of
/// relative path → <c>"size:modified ticks"</c>. A listed file whose entry matches was read before; any other
/// (new, or changed in size or time) is read. Files gone from the folder drop out of the next token.
/// </summary>
internal sealed class SeenFiles
{
    private readonly Dictionary<string, string> _files;

    private SeenFiles(Dictionary<string, string> files) => _files = files;

    /// <summary>Reads a token written by <see cref="Token"/>.</summary>
    /// <exception cref="ConnectorException">The token is not one.</exception>
    public static SeenFiles Parse(string token, string stream)
    {
        try
        {
            return new SeenFiles(JsonSerializer.Deserialize<Dictionary<string, string>>(token) ?? []);
        }
        catch (JsonException e)
        {
            throw new ConnectorException($"Stream '{stream}': the stored list of files read is not valid ({e.Message}); run the sync with --full-refresh to read every file again.", e) { Stream = stream };
        }
    }

    /// <summary>The token for <paramref name="files"/>.</summary>
    public static string Token(IEnumerable<FileEntry> files) =>
        JsonSerializer.Serialize(files.ToDictionary(f => f.RelativePath, Stamp, StringComparer.Ordinal), JsonFormat.Serializer);

    /// <summary>Whether <paramref name="file"/> was read before, as it is now.</summary>
    public bool Contains(FileEntry file) => _files.TryGetValue(file.RelativePath, out var stamp) && stamp == Stamp(file);

    private static string Stamp(FileEntry file) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{file.Length}:{file.LastModified.UtcTicks}");
}
