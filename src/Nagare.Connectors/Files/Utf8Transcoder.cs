using System.Buffers;
using System.IO.Compression;
using System.Text;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Files;

/// <summary>
/// Copies a text file in another encoding to a plain UTF-8 file for DuckDB, block by block (memory stays at a few
/// buffers whatever the file's size). Lines are kept one for one, so DuckDB's line numbers are the original file's.
/// </summary>
internal static class Utf8Transcoder
{
    private const int BlockBytes = 256 * 1024;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="source"/> (decompressed first when gzip) as UTF-8 to <paramref name="target"/>.</summary>
    /// <param name="source">The file to read.</param>
    /// <param name="compression">The file's compression (zstd cannot be decompressed here).</param>
    /// <param name="encoding">The file's encoding.</param>
    /// <param name="target">The UTF-8 copy to create.</param>
    /// <param name="display">The file's name in messages (relative to the connection's folder).</param>
    /// <param name="cancellationToken">Stops between blocks.</param>
    /// <exception cref="ConnectorException">The file is not text in <paramref name="encoding"/>, or is zstd-compressed.</exception>
    public static void Transcode(string source, FileCompression compression, FileTextEncoding encoding, string target, string display, CancellationToken cancellationToken)
    {
        if (compression == FileCompression.Zstd)
        {
            throw new ConnectorException(
                $"File '{display}' is zstd-compressed and in {encoding.Name}: it cannot be transcoded to UTF-8 here. Compress it with gzip, or store it uncompressed or in UTF-8.");
        }

        var strict = encoding.Strict();
        var decoder = strict.GetDecoder();
        var bytes = ArrayPool<byte>.Shared.Rent(BlockBytes);
        var chars = ArrayPool<char>.Shared.Rent(strict.GetMaxCharCount(BlockBytes));
        try
        {
            using var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            using Stream input = compression == FileCompression.Gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
            using var output = new StreamWriter(new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1), Utf8NoBom, BlockBytes);
            long lines = 1;
            var first = true;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var read = input.Read(bytes, 0, BlockBytes);
                int count;
                try
                {
                    count = decoder.GetChars(bytes, 0, read, chars, 0, flush: read == 0);
                }
                catch (DecoderFallbackException e)
                {
                    throw NotText(display, encoding, lines + LinesBefore(bytes, Math.Clamp(e.Index, 0, read), encoding), e);
                }

                var start = 0;
                if (first && count > 0)
                {
                    // A byte order mark is not data (DuckDB would take it into the first column's name).
                    start = chars[0] == '\uFEFF' ? 1 : 0;
                    first = false;
                }

                lines += chars.AsSpan(start, count - start).Count('\n');
                output.Write(chars, start, count - start);
                if (read == 0)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    // Only for the message: the lines that ended in the block before the bad bytes. In Shift_JIS, EUC-JP and
    // Latin-1 a 0x0A byte is always a line feed (never part of a two-byte character); UTF-16 is decoded to count.
    private static long LinesBefore(byte[] block, int end, FileTextEncoding encoding) =>
        encoding.CodePage == 1200
            ? Encoding.Unicode.GetString(block, 0, end & ~1).Count(c => c == '\n')
            : block.AsSpan(0, end).Count((byte)'\n');

    private static ConnectorException NotText(string display, FileTextEncoding encoding, long line, Exception inner) =>
        new($"File '{display}' is not {encoding.Name} text: line {line} holds bytes that are not a character in {encoding.Name}.", inner)
        {
            Hint = "Set the connection's encoding to the files' encoding (e.g. utf-8, shift_jis, euc-jp), or re-save the file in it.",
        };
}
