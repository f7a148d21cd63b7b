namespace Nagare.Connectors.Files;

/// <summary>A compression the files connector reads and writes.</summary>
internal enum FileCompression
{
    None,
    Gzip,
    Zstd,
}
