using System.Collections.Concurrent;

namespace Nagare.Connectors.Files;

/// <summary>Hands out part numbers and work-folder paths to part writers (thread-safe) and collects finished parts.</summary>
internal sealed class PartNames(FileNameTemplate template, FileNameValues values, string workFolder, int firstPart)
{
    private readonly ConcurrentBag<WrittenPart> _parts = [];
    private int _next = firstPart - 1;

    public FileNameTemplate Template => template;

    public IReadOnlyList<WrittenPart> Parts => [.. _parts.OrderBy(p => p.Number)];

    /// <summary>The next part: its number, its path in the work folder and its final relative path.</summary>
    public (int Number, string TempPath, string RelativePath) Next()
    {
        var number = Interlocked.Increment(ref _next);
        if (!template.HasPart && number > firstPart)
        {
            throw new Core.Connectors.ConnectorException(
                $"The file name template '{template.Text}' has no {{part}} placeholder, but the rows need more than one file (max_rows_per_file, max_bytes_per_file or parallel_writers); add {{part}} to it.");
        }

        var relative = template.Render(values, number);
        var temp = Path.Combine(workFolder, "parts", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        return (number, temp, relative);
    }

    public void Add(WrittenPart part) => _parts.Add(part);
}
