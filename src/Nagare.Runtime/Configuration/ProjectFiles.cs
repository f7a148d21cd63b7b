using System.Security.Cryptography;

namespace Nagare.Runtime.Configuration;

/// <summary>
/// The files a project is made of, as configuration as code moves them between a folder and a server: YAML, SQL,
/// CSV seeds, Markdown and Jinja templates under the project folder, but nothing of <c>.nagare/</c> (warehouse,
/// store, keys, logs), <c>target/</c>, <c>logs/</c>, <c>dbt_packages/</c>, hidden files, or <c>profiles.yml</c>
/// (dbt keeps credentials there). Paths are relative, with <c>/</c>.
/// </summary>
public static class ProjectFiles
{
    /// <summary>The largest file taken, in bytes.</summary>
    public const int MaxBytes = 4 << 20;

    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".yml", ".yaml", ".sql", ".csv", ".md", ".j2" };

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { "target", "logs", "dbt_packages", "node_modules", "bin", "obj" };

    /// <summary>Every project file under <paramref name="root"/>, sorted by path.</summary>
    public static IReadOnlyList<string> List(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var files = new List<string>();
        Walk(root, root, files);
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>The SHA-256 of a file's bytes, lower-case hex.</summary>
    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// Why <paramref name="path"/> is not a project file path (absolute, <c>..</c>, a hidden or skipped folder, another
    /// extension), or null when it is one.
    /// </summary>
    public static string? Problem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/');
        if (path.Length is 0 or > 512 || path.Contains('\\', StringComparison.Ordinal) || path.StartsWith('/') || parts.Any(p => p.Length == 0 || p == "." || p == ".." || p.StartsWith('.')))
        {
            return $"'{path}' is not a relative path inside the project (use / between folders; no '..', no hidden names).";
        }

        if (parts[..^1].FirstOrDefault(SkippedFolders.Contains) is { } skipped)
        {
            return $"'{path}' is in {skipped}/, which is not part of a project's configuration.";
        }

        if (!Extensions.Contains(Path.GetExtension(path)) || parts[^1] == "profiles.yml")
        {
            return $"'{path}' is not a project file: those are .yml, .yaml, .sql, .csv, .md and .j2 files (and never profiles.yml).";
        }

        return null;
    }

    private static void Walk(string root, string folder, List<string> files)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            if (entry.Name.StartsWith('.') || entry.LinkTarget is not null)
            {
                continue;
            }

            var relative = Path.GetRelativePath(root, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (entry is DirectoryInfo)
            {
                if (!SkippedFolders.Contains(entry.Name))
                {
                    Walk(root, entry.FullName, files);
                }
            }
            else if (Problem(relative) is null && ((FileInfo)entry).Length <= MaxBytes)
            {
                files.Add(relative);
            }
        }
    }
}
