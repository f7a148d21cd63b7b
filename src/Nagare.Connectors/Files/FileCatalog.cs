using Nagare.Connectors.ObjectStorage;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Files;

/// <summary>
/// Finds streams and their files under a root folder, or under a prefix of an S3 bucket (objects are then listed,
/// and <see cref="FileEntry.FullPath"/> is the object's key): configured globs, or by default one stream per
/// top-level file stem and one per top-level folder. Folders and files the connector keeps for itself
/// (<c>_nagare_state</c>, <c>.nagare-*</c> work folders) and hidden entries are never part of a stream.
/// </summary>
internal sealed class FileCatalog(string root, IReadOnlyDictionary<string, string> configured, S3ObjectStore? store = null)
{
    /// <summary>Folder holding destination state, relative to the root.</summary>
    public const string StateFolder = "_nagare_state";

    /// <summary>Prefix of temporary folders the destination writes parts into.</summary>
    public const string WorkFolderPrefix = ".nagare-";

    public string Root { get; } = store is null ? Path.GetFullPath(root) : store.Options.Display;

    /// <summary>Every stream, configured or found.</summary>
    public IReadOnlyList<FileStreamDefinition> Streams()
    {
        if (configured.Count > 0)
        {
            return [.. configured.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => Configured(s.Key, s.Value))];
        }

        List<string> folderNames, fileNames;
        if (store is not null)
        {
            // One listing of the prefix: the first part of each key is a top-level folder or file.
            var relatives = Listed("").Select(o => o.Relative).ToList();
            folderNames = [.. relatives.Where(r => r.Contains('/', StringComparison.Ordinal)).Select(r => r[..r.IndexOf('/', StringComparison.Ordinal)]).Distinct(StringComparer.Ordinal)];
            fileNames = [.. relatives.Where(r => !r.Contains('/', StringComparison.Ordinal))];
        }
        else
        {
            if (!Directory.Exists(Root))
            {
                throw new ConnectorException($"The folder '{Root}' does not exist.");
            }

            folderNames = [.. new DirectoryInfo(Root).EnumerateDirectories().Select(d => d.Name)];
            fileNames = [.. new DirectoryInfo(Root).EnumerateFiles().Select(f => f.Name)];
        }

        var streams = new List<FileStreamDefinition>();
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in folderNames.Where(d => !IsReserved(d)).Order(StringComparer.Ordinal))
        {
            var prefix = folder + "/";
            folders.Add(folder);
            streams.Add(new FileStreamDefinition(folder, prefix + "**", folder, p => p.StartsWith(prefix, StringComparison.Ordinal) && FileKinds.FromFileName(p).Format is not null));
        }

        var stems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in fileNames.Where(f => !IsReserved(f)))
        {
            var (format, _, stem) = FileKinds.FromFileName(file);
            if (format is null)
            {
                continue;
            }

            if (!stems.TryGetValue(stem, out var names))
            {
                stems[stem] = names = [];
            }

            names.Add(file);
        }

        foreach (var (stem, names) in stems.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var set = names.ToHashSet(StringComparer.Ordinal);
            if (folders.Contains(stem) || names.Count > 1)
            {
                // A stem shared with a folder or between formats would mix unrelated files: one stream per file then.
                streams.AddRange(names.Order(StringComparer.Ordinal).Select(n => new FileStreamDefinition(n, n, "", p => p == n)));
            }
            else
            {
                streams.Add(new FileStreamDefinition(stem, names[0], "", set.Contains));
            }
        }

        return streams;
    }

    /// <summary>The stream named <paramref name="name"/>.</summary>
    /// <exception cref="ConnectorException">No such stream.</exception>
    public FileStreamDefinition Find(string name)
    {
        if (configured.TryGetValue(name, out var glob))
        {
            return Configured(name, glob);
        }

        return Streams().FirstOrDefault(s => s.Name == name)
            ?? throw new ConnectorException($"No stream '{name}' in folder '{Root}': it is neither configured nor a top-level file stem or folder.") { Stream = name };
    }

    /// <summary>The files of a stream, sorted by relative path.</summary>
    public IReadOnlyList<FileEntry> Files(FileStreamDefinition stream)
    {
        if (store is not null)
        {
            var listed = Listed(stream.StartFolder)
                .Where(o => o.Relative.Split('/').All(part => !IsReserved(part)) && stream.Matches(o.Relative))
                .Select(o => new FileEntry(o.Item.Key, o.Relative, o.Item.LastModified ?? DateTimeOffset.UnixEpoch, o.Item.Size))
                .ToList();
            listed.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
            return listed;
        }

        var start = stream.StartFolder.Length == 0 ? Root : Path.Combine(Root, stream.StartFolder);
        if (!Directory.Exists(start))
        {
            return [];
        }

        var files = new List<FileEntry>();
        Collect(new DirectoryInfo(start), stream, files);
        files.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return files;
    }

    /// <summary>Whether a file or folder name is the connector's own or hidden.</summary>
    public static bool IsReserved(string name) =>
        name.StartsWith('.') || name.Equals(StateFolder, StringComparison.Ordinal);

    /// <summary>The objects under <paramref name="folder"/> (relative to the prefix; empty for all), with their paths relative to the prefix.</summary>
    private IEnumerable<(StoredObject Item, string Relative)> Listed(string folder)
    {
        var prefix = store!.Options.Prefix.Length == 0 ? string.Empty : store.Options.Prefix + "/";
        var under = prefix + (folder.Length == 0 ? string.Empty : folder.TrimEnd('/') + "/");
        // Listing is paged by the server; catalog calls are synchronous, as they are for a folder.
        foreach (var item in store.ListAsync(under, CancellationToken.None).ToBlockingEnumerable())
        {
            // Keys ending in '/' are folder markers some tools write, not files.
            if (!item.Key.EndsWith('/') && item.Key.Length > prefix.Length)
            {
                yield return (item, item.Key[prefix.Length..]);
            }
        }
    }

    private static FileStreamDefinition Configured(string name, string pattern)
    {
        var glob = new FileGlob(pattern);
        return new FileStreamDefinition(name, glob.Pattern, glob.FixedPrefix, glob.IsMatch);
    }

    private void Collect(DirectoryInfo folder, FileStreamDefinition stream, List<FileEntry> files)
    {
        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            if (IsReserved(entry.Name))
            {
                continue;
            }

            if (entry is DirectoryInfo sub)
            {
                Collect(sub, stream, files);
                continue;
            }

            var relative = Path.GetRelativePath(Root, entry.FullName).Replace('\\', '/');
            if (stream.Matches(relative))
            {
                var file = (FileInfo)entry;
                files.Add(new FileEntry(file.FullName, relative, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero), file.Length));
            }
        }
    }
}
