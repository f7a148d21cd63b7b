using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Nagare.Connectors.Files;

/// <summary>
/// Finds malformed records in JSON files before DuckDB reads them (DuckDB's JSON reader has no reject table, and
/// with <c>ignore_errors</c> it loses the rows around a bad one). A file that is one valid JSON text or a valid
/// sequence of JSON values passes as is; otherwise it is checked line by line as NDJSON, except a file that opens
/// with <c>[</c>, which is rejected whole. Lines are bytes, scanned with <see cref="Utf8JsonReader"/>: no per-line strings.
/// </summary>
internal static class JsonFileValidator
{
    private const int BufferSize = 1 << 16;

    /// <summary>A malformed line (or a whole malformed file when <paramref name="WholeFile"/>).</summary>
    public sealed record Problem(long Line, string Reason, string? RawRow, bool WholeFile);

    /// <summary>Whether the compression can be decoded here (zstd cannot: such files are left to DuckDB).</summary>
    public static bool CanValidate(FileCompression compression) => compression != FileCompression.Zstd;

    /// <summary>Validates a file; an empty list means it is well formed.</summary>
    /// <param name="path">The file.</param>
    /// <param name="compression">Its compression.</param>
    /// <param name="lineWise">NDJSON: every non-blank line must be one JSON object.</param>
    /// <param name="stopAtFirst">Return after the first problem.</param>
    public static IReadOnlyList<Problem> Validate(string path, FileCompression compression, bool lineWise, bool stopAtFirst)
    {
        if (!lineWise)
        {
            var whole = ValidateWhole(path, compression);
            if (whole is null)
            {
                return [];
            }

            if (whole.WholeFile)
            {
                return [whole];
            }
        }

        return ValidateLines(path, compression, stopAtFirst);
    }

    /// <summary>Copies <paramref name="path"/> (decompressed) to <paramref name="target"/> without the given lines.</summary>
    public static void WriteWithout(string path, FileCompression compression, IReadOnlySet<long> lines, string target)
    {
        using var input = Open(path, compression);
        using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize);
        ForEachLine(input, (line, bytes) =>
        {
            if (!lines.Contains(line))
            {
                output.Write(bytes);
                output.WriteByte((byte)'\n');
            }

            return true;
        });
    }

    private static Problem? ValidateWhole(string path, FileCompression compression)
    {
        using var input = Open(path, compression);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var state = new JsonReaderState(new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
            var length = 0;
            var first = (byte)0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = input.Read(buffer, length, buffer.Length - length);
                length += read;
                var final = read == 0;
                if (first == 0)
                {
                    foreach (var b in buffer.AsSpan(0, length))
                    {
                        if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF))
                        {
                            first = b;
                            break;
                        }
                    }
                }

                var reader = new Utf8JsonReader(buffer.AsSpan(0, length), final, state);
                try
                {
                    while (reader.Read())
                    {
                    }
                }
                catch (JsonException e)
                {
                    return first == (byte)'[' ? new Problem((e.LineNumber ?? 0) + 1, "Malformed JSON: " + e.Message, null, WholeFile: true) : new Problem(0, e.Message, null, WholeFile: false);
                }

                if (final)
                {
                    return null;
                }

                var consumed = (int)reader.BytesConsumed;
                state = reader.CurrentState;
                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static List<Problem> ValidateLines(string path, FileCompression compression, bool stopAtFirst)
    {
        var problems = new List<Problem>();
        using var input = Open(path, compression);
        ForEachLine(input, (line, bytes) =>
        {
            var text = bytes.Trim("\r\t "u8);
            if (text.IsEmpty)
            {
                return true;
            }

            var reason = Check(text);
            if (reason is null)
            {
                return true;
            }

            problems.Add(new Problem(line, reason, Encoding.UTF8.GetString(bytes.TrimEnd("\r"u8)), WholeFile: false));
            return !stopAtFirst;
        });
        return problems;
    }

    private static string? Check(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read())
            {
                return "Malformed JSON: empty record.";
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return $"Not a JSON object: the record starts with a {reader.TokenType}.";
            }

            reader.Skip();
            if (reader.Read())
            {
                return "Malformed JSON: more than one value on the line.";
            }

            return null;
        }
        catch (JsonException e)
        {
            var message = e.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return "Malformed JSON: " + (cut > 0 ? message[..cut].TrimEnd() : message) + $" (at byte {(e.BytePositionInLine ?? 0) + 1})";
        }
    }

    /// <summary>Calls <paramref name="onLine"/> with each line's number (1-based) and bytes (without '\n') until it returns false.</summary>
    private static void ForEachLine(Stream input, Func<long, ReadOnlySpan<byte>, bool> onLine)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var length = 0;
            var lineNumber = 0L;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = input.Read(buffer, length, buffer.Length - length);
                var scanFrom = length;
                length += read;
                var start = 0;
                int newline;
                while ((newline = buffer.AsSpan(scanFrom, length - scanFrom).IndexOf((byte)'\n')) >= 0)
                {
                    var end = scanFrom + newline;
                    if (!onLine(++lineNumber, buffer.AsSpan(start, end - start)))
                    {
                        return;
                    }

                    start = end + 1;
                    scanFrom = start;
                }

                if (read == 0)
                {
                    if (length > start)
                    {
                        onLine(++lineNumber, buffer.AsSpan(start, length - start));
                    }

                    return;
                }

                buffer.AsSpan(start, length - start).CopyTo(buffer);
                length -= start;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Stream Open(string path, FileCompression compression)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        return compression == FileCompression.Gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}
