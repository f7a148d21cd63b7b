using Nagare.Core.Connectors;

namespace Nagare.Connectors.Files;

/// <summary>
/// Finds streams and their files under a root folder: configured globs, or by default one stream per top-level
/// file stem and one per top-level folder. Folders and files the connector keeps for itself (<c>_nagare_state</c>,
/// <c>.nagare-*</c> work folders) and hidden entries are never part of a stream.
/// </summary>
internal sealed class FileCatalog(string root, IReadOnlyDictionary<string, string> configured)
{
    /// <summary>Folder holding destination state, relative to the root.</summary>
    public const string StateFolder = "_nagare_state";

    /// <summary>Prefix of temporary folders the destination writes parts into.</summary>
    public const string WorkFolderPrefix = ".nagare-";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Every stream, configured or found.</summary>
    public IReadOnlyList<FileStreamDefinition> Streams()
    {
        if (configured.Count > 0)
        {
            return [.. configured.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => Configured(s.Key, s.Value))];
        }

        if (!Directory.Exists(Root))
        {
            throw new ConnectorException($"The folder '{Root}' does not exist.");
        }

        var streams = new List<FileStreamDefinition>();
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in new DirectoryInfo(Root).EnumerateDirectories().Where(d => !IsReserved(d.Name)).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            var prefix = folder.Name + "/";
            folders.Add(folder.Name);
            streams.Add(new FileStreamDefinition(folder.Name, prefix + "**", folder.Name, p => p.StartsWith(prefix, StringComparison.Ordinal) && FileKinds.FromFileName(p).Format is not null));
        }

        var stems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in new DirectoryInfo(Root).EnumerateFiles().Where(f => !IsReserved(f.Name)))
        {
            var (format, _, stem) = FileKinds.FromFileName(file.Name);
            if (format is null)
            {
                continue;
            }

            if (!stems.TryGetValue(stem, out var names))
            {
                stems[stem] = names = [];
            }

            names.Add(file.Name);
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
