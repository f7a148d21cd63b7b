using System.Text;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Files;

/// <summary>
/// The text encoding of files read, from the <c>encoding</c> setting: read natively by DuckDB (UTF-8, and UTF-16 and
/// Latin-1 for CSV) or transcoded to UTF-8 in .NET first (Japanese code pages, and any non-UTF-8 JSON, which DuckDB
/// reads only as UTF-8).
/// </summary>
/// <param name="Name">The canonical name, for messages.</param>
/// <param name="DuckDbName">The name DuckDB's <c>read_csv</c> takes, or null when DuckDB cannot read it.</param>
/// <param name="CodePage">The .NET code page.</param>
internal sealed record FileTextEncoding(string Name, string? DuckDbName, int CodePage)
{
    /// <summary>UTF-8, read by DuckDB as it is.</summary>
    public static readonly FileTextEncoding Utf8 = new("utf-8", "utf-8", 65001);

    // DuckDB's own encodings extension is not available offline, so only its built-in three are left to it.
    // CP932 is what Windows (and Excel's "CSV") writes under the name Shift_JIS: a superset with NEC and IBM
    // characters (①, ㈱, 髙), so every Shift_JIS spelling maps to it.
    private static readonly (string[] Names, FileTextEncoding Encoding)[] Known =
    [
        (["utf-8", "utf8"], Utf8),
        (["utf-16", "utf16", "utf-16le"], new("utf-16", "utf-16", 1200)),
        (["latin-1", "latin1", "iso-8859-1"], new("latin-1", "latin-1", 28591)),
        (["shift_jis", "shift-jis", "sjis", "cp932", "windows-31j", "ms932"], new("shift_jis", null, 932)),
        (["euc-jp", "eucjp"], new("euc-jp", null, 51932)),
    ];

    /// <summary>Every accepted spelling, for messages.</summary>
    public static string Supported => string.Join(", ", Known.Select(k => k.Names.Length == 1 ? k.Names[0] : $"{k.Names[0]} ({string.Join(", ", k.Names[1..])})"));

    /// <summary>The encoding named by <paramref name="text"/> (case-insensitive; null or empty for UTF-8).</summary>
    /// <exception cref="ConnectorException">The name is not a supported encoding.</exception>
    public static FileTextEncoding Parse(string? text) =>
        Find(text) ?? throw new ConnectorException(Unknown(text!));

    /// <summary>The encoding named by <paramref name="text"/>, or null when it is not supported.</summary>
    public static FileTextEncoding? Find(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Utf8;
        }

        var name = text.Trim();
        return Known.FirstOrDefault(k => k.Names.Contains(name, StringComparer.OrdinalIgnoreCase)).Encoding;
    }

    /// <summary>The message for an unsupported encoding name.</summary>
    public static string Unknown(string text) => $"unknown encoding '{text}'. Supported: {Supported}.";

    /// <summary>Whether files of <paramref name="format"/> in this encoding are transcoded to UTF-8 before DuckDB reads them.</summary>
    public bool IsTranscoded(FileFormat format) =>
        format != FileFormat.Parquet && CodePage != Utf8.CodePage && (DuckDbName is null || format is FileFormat.Json or FileFormat.Ndjson);

    /// <summary>A .NET decoder setup that throws on bytes that are not text in this encoding (never guesses a character).</summary>
    public Encoding Strict() =>
        CodePage switch
        {
            1200 => new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true),
            28591 => Encoding.Latin1,
            _ => CodePagesEncodingProvider.Instance.GetEncoding(CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)
                ?? throw new ConnectorException($"Encoding '{Name}' (code page {CodePage}) is not available in this .NET runtime."),
        };
}
