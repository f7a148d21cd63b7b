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
        var buffer = new byte[MaxHeaderBytes];
        foreach (var file in files)
        {
            var first = FirstLine(path(file), compression, buffer);
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
    private static string? FirstLine(string path, FileCompression? compression, byte[] buffer)
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
            var used = 0;
            while (used < buffer.Length)
            {
                var read = stream.Read(buffer, used, buffer.Length - used);
                if (read == 0)
                {
                    break;
                }

                var end = Array.IndexOf(buffer, (byte)'\n', used, read);
                used = end >= 0 ? end : used + read;
                if (end >= 0)
                {
                    break;
                }
            }

            return System.Text.Encoding.Latin1.GetString(buffer, 0, used).TrimEnd('\r');
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // DuckDB reports the file's problem when it reads it.
            return null;
        }
    }
}
