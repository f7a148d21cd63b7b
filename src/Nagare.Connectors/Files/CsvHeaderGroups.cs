using System.IO.Compression;

namespace Nagare.Connectors.Files;

/// <summary>
/// Groups the CSV files of a stream by their first line, so files written before and after a column was added
/// are read as separate scans combined by column name. (DuckDB matches CSV files by name only without its reject
/// tables, which Nagare needs for bad rows with their line numbers.)
/// </summary>
internal static class CsvHeaderGroups
{
    /// <summary>Longest first line compared; a longer one is compared by this prefix.</summary>
    private const int MaxHeaderBytes = 64 * 1024;

    /// <summary>
    /// The files in groups of identical first lines, in order of first appearance. One group when files have no
    /// header, or when a file's first line cannot be read here (zstd).
    /// </summary>
    public static List<List<T>> Group<T>(IReadOnlyList<T> files, Func<T, string> path, FileCompression? compression, bool? header)
    {
        if (files.Count <= 1 || header == false)
        {
            return [[.. files]];
        }

        var groups = new Dictionary<string, List<T>>(StringComparer.Ordinal);
        var order = new List<List<T>>();
        foreach (var file in files)
        {
            var first = FirstLine(path(file), compression);
            if (first is null)
            {
                return [[.. files]];
            }

            if (!groups.TryGetValue(first, out var group))
            {
                groups[first] = group = [];
                order.Add(group);
            }

            group.Add(file);
        }

        return order;
    }

    /// <summary>The bytes before the first line break (as Latin-1 text, only for comparing), or null when unreadable here.</summary>
    private static string? FirstLine(string path, FileCompression? compression)
    {
        var kind = compression ?? FileKinds.FromFileName(path).Compression;
        if (kind == FileCompression.Zstd)
        {
            return null;
        }

        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096);
            using Stream stream = kind == FileCompression.Gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            var buffer = new byte[Math.Min(MaxHeaderBytes, 4096)];
            var line = new List<byte>();
            while (line.Count < MaxHeaderBytes)
            {
                var read = stream.Read(buffer, 0, buffer.Length);
                if (read == 0)
                {
                    break;
                }

                var end = Array.IndexOf(buffer, (byte)'\n', 0, read);
                line.AddRange(buffer.AsSpan(0, end < 0 ? read : end).ToArray());
                if (end >= 0)
                {
                    break;
                }
            }

            return System.Text.Encoding.Latin1.GetString([.. line]).TrimEnd('\r');
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // DuckDB reports the file's problem when it reads it.
            return null;
        }
    }
}
