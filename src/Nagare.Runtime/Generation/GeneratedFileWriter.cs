using System.Collections.Immutable;
using System.Text;

namespace Nagare.Runtime.Generation;

/// <summary>
/// Writes generated files into an output folder, touching only files whose bytes change, and finds generated files
/// (by their header) that are no longer produced: reported as stale, deleted only when pruning.
/// Files without the generated header are never touched.
/// </summary>
public static class GeneratedFileWriter
{
    private static readonly UTF8Encoding Utf8 = new(false);

    /// <summary>Writes <paramref name="output"/> under <paramref name="directory"/>.</summary>
    /// <param name="output">The files.</param>
    /// <param name="directory">The output folder (created when missing).</param>
    /// <param name="prune">Delete stale generated files.</param>
    /// <param name="dryRun">Only compare; write and delete nothing.</param>
    /// <param name="cancellationToken">Stops between files.</param>
    public static async Task<GenerationSummary> WriteAsync(GenerationOutput output, string directory, bool prune, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(directory);
        var created = ImmutableArray.CreateBuilder<string>();
        var changed = ImmutableArray.CreateBuilder<string>();
        var unchanged = ImmutableArray.CreateBuilder<string>();
        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in output.Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            produced.Add(file.Path);
            var path = Path.Combine(directory, file.Path);
            var bytes = Utf8.GetBytes(file.Content);
            if (File.Exists(path))
            {
                var existing = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                if (existing.AsSpan().SequenceEqual(bytes))
                {
                    unchanged.Add(file.Path);
                    continue;
                }

                changed.Add(file.Path);
            }
            else
            {
                created.Add(file.Path);
            }

            if (!dryRun)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            }
        }

        var stale = FindStale(directory, produced, output.Selection);
        var removed = ImmutableArray<string>.Empty;
        if (prune)
        {
            if (!dryRun)
            {
                foreach (var path in stale)
                {
                    File.Delete(Path.Combine(directory, path));
                    RemoveEmptyFolders(directory, Path.GetDirectoryName(Path.Combine(directory, path))!);
                }
            }

            removed = stale;
            stale = [];
        }

        return new GenerationSummary(created.ToImmutable(), changed.ToImmutable(), unchanged.ToImmutable(), removed, stale, output.Warnings, dryRun, output.Tables);
    }

    private static ImmutableArray<string> FindStale(string directory, HashSet<string> produced, TableSelection selection)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var stale = new List<string>();
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (!(path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var relative = Path.GetRelativePath(directory, path).Replace(Path.DirectorySeparatorChar, '/');
            if (produced.Contains(relative))
            {
                continue;
            }

            string? firstLine;
            using (var reader = new StreamReader(path, Utf8))
            {
                firstLine = reader.ReadLine();
            }

            if (GeneratedHeader.OriginOf(firstLine) is { } origin && selection.InScope(origin))
            {
                stale.Add(relative);
            }
        }

        stale.Sort(StringComparer.Ordinal);
        return [.. stale];
    }

    private static void RemoveEmptyFolders(string root, string folder)
    {
        var top = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        var current = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        while (current.Length > top.Length && current.StartsWith(top, StringComparison.Ordinal) && !Directory.EnumerateFileSystemEntries(current).Any())
        {
            Directory.Delete(current);
            current = Path.GetDirectoryName(current)!;
        }
    }
}
