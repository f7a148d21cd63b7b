namespace Nagare.Connectors.Files;

/// <summary>A file format the files connector reads and writes.</summary>
internal enum FileFormat
{
    Csv,
    Tsv,
    Json,
    Ndjson,
    Parquet,
}
