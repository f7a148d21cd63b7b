using System.Text.Json;

namespace Nagare.Runtime.Models;

/// <summary>The node checksums of a manifest saved by an earlier compile (the <c>--state</c> folder), for <c>state:modified</c>.</summary>
public sealed class SavedState
{
    private SavedState(Dictionary<string, string> checksums) => Checksums = checksums;

    /// <summary>Checksum by unique id.</summary>
    public IReadOnlyDictionary<string, string> Checksums { get; }

    /// <summary>Reads <c>manifest.json</c> from <paramref name="directory"/> (or the file itself).</summary>
    public static SavedState Read(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var path = File.Exists(directory) ? directory : Path.Combine(directory, Manifest.FileName);
        if (!File.Exists(path))
        {
            throw new ModelProjectException($"--state: no {Manifest.FileName} in '{directory}'") { Hint = "Point --state at the target folder of a compile of the version to compare with (e.g. a copy of production's target/)." };
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in new[] { "nodes", "sources" })
        {
            if (!doc.RootElement.TryGetProperty(section, out var nodes))
            {
                continue;
            }

            foreach (var node in nodes.EnumerateObject())
            {
                if (node.Value.TryGetProperty("checksum", out var c) && c.TryGetProperty("checksum", out var sum))
                {
                    checksums[node.Name] = sum.GetString() ?? string.Empty;
                }
            }
        }

        return new SavedState(checksums);
    }

    /// <summary>New nodes and nodes whose checksum differs.</summary>
    public bool IsModified(ModelNode node) => !Checksums.TryGetValue(node.UniqueId, out var sum) || sum != node.Checksum;
}
