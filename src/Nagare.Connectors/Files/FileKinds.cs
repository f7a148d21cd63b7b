using Nagare.Core.Connectors;

namespace Nagare.Connectors.Files;

/// <summary>Format and compression names: from configuration text, from file extensions, and back to extensions.</summary>
internal static class FileKinds
{
    /// <summary>The configured format, or null for <c>auto</c>.</summary>
    public static FileFormat? ParseFormat(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "csv" => FileFormat.Csv,
        "tsv" or "tab" => FileFormat.Tsv,
        "json" => FileFormat.Json,
        "ndjson" or "jsonl" or "jsonlines" => FileFormat.Ndjson,
        "parquet" => FileFormat.Parquet,
        _ => throw new ConnectorException($"Unknown file format '{text}': use csv, tsv, json, ndjson, parquet or auto."),
    };

    /// <summary>The configured compression, or null for <c>auto</c>.</summary>
    public static FileCompression? ParseCompression(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => null,
        "none" or "uncompressed" => FileCompression.None,
        "gzip" or "gz" => FileCompression.Gzip,
        "zstd" or "zst" => FileCompression.Zstd,
        _ => throw new ConnectorException($"Unknown compression '{text}': use gzip, zstd, none or auto."),
    };

    /// <summary>Format and compression told by a file name (<c>orders.csv.gz</c>), or null format when the extension is unknown.</summary>
    public static (FileFormat? Format, FileCompression Compression, string Stem) FromFileName(string fileName)
    {
        var name = fileName;
        var compression = FileCompression.None;
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".gzip", StringComparison.OrdinalIgnoreCase))
        {
            compression = FileCompression.Gzip;
            name = name[..name.LastIndexOf('.')];
        }
        else if (name.EndsWith(".zst", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".zstd", StringComparison.OrdinalIgnoreCase))
        {
            compression = FileCompression.Zstd;
            name = name[..name.LastIndexOf('.')];
        }

        var dot = name.LastIndexOf('.');
        if (dot <= 0)
        {
            return (null, compression, name);
        }

        FileFormat? format = name[(dot + 1)..].ToLowerInvariant() switch
        {
            "csv" => FileFormat.Csv,
            "tsv" or "tab" => FileFormat.Tsv,
            "json" => FileFormat.Json,
            "ndjson" or "jsonl" => FileFormat.Ndjson,
            "parquet" or "pq" => FileFormat.Parquet,
            _ => null,
        };
        return (format, compression, format is null ? name : name[..dot]);
    }

    /// <summary>The extension written for a format and compression, without the leading dot (<c>csv.gz</c>).</summary>
    public static string Extension(FileFormat format, FileCompression compression)
    {
        var extension = format switch
        {
            FileFormat.Csv => "csv",
            FileFormat.Tsv => "tsv",
            FileFormat.Json => "json",
            FileFormat.Ndjson => "ndjson",
            _ => "parquet",
        };
        return format == FileFormat.Parquet || compression == FileCompression.None ? extension
            : compression == FileCompression.Gzip ? extension + ".gz" : extension + ".zst";
    }
}
