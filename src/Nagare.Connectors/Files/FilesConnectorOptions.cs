namespace Nagare.Connectors.Files;

/// <summary>
/// Configuration of a <see cref="FilesConnection"/>: a local folder read as file sets (streams) and written as
/// (optionally split and compressed) files. Every key is documented in <c>docs/connectors/files.md</c>.
/// </summary>
/// <param name="Root">The folder; stream globs and file-name templates are relative to it.</param>
/// <param name="Format">
/// <c>csv</c>, <c>tsv</c>, <c>json</c> (one array or NDJSON when reading; a JSON array when writing), <c>ndjson</c>,
/// <c>parquet</c>, or <c>auto</c> (the default): by extension when reading, <c>parquet</c> when writing.
/// </param>
/// <param name="Compression">
/// <c>gzip</c>, <c>zstd</c> (Parquet only when writing), <c>none</c>, or <c>auto</c> / null (the default):
/// by extension when reading; none for CSV/JSON and snappy for Parquet when writing.
/// </param>
public sealed record FilesConnectorOptions(string Root, string Format = "auto", string? Compression = null)
{
    /// <summary>
    /// Configured streams: stream name → glob relative to <see cref="Root"/> (<c>*</c>, <c>?</c>, <c>**</c> for any
    /// number of folders, <c>{a,b}</c> alternatives), e.g. <c>orders: exports/orders_*.csv.gz</c>. When empty, each
    /// top-level file is a stream named by its stem and each top-level folder a stream of the files inside it.
    /// </summary>
    public IReadOnlyDictionary<string, string> Streams { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The bucket and prefix (and server, credentials) when the files are objects in S3 or an S3-compatible server
    /// (<c>path: s3://bucket/prefix</c>); null for a local folder. Objects are listed, and those a read needs are
    /// streamed to temporary local files that DuckDB reads. Written files are made on local disk, uploaded under a
    /// hidden prefix and copied into place at commit; sync state is kept under the prefix.
    /// </summary>
    public ObjectStorage.ObjectStorageOptions? ObjectStorage { get; init; }

    /// <summary>
    /// Whether discovered streams list the columns <c>_file</c> (the row's file, relative to the root) and
    /// <c>_file_modified</c> (its last write time), so they are copied and usable as cursors (default true).
    /// They can be requested by name even when not listed.
    /// </summary>
    public bool FileColumns { get; init; } = true;

    /// <summary>
    /// Primary keys by stream name (files carry none): stream → key columns; the entry <c>*</c> applies to every
    /// stream that has all its columns. Reported by discovery, for merge and delete detection downstream.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PrimaryKeys { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>CSV field delimiter; null means auto-detected when reading and <c>,</c> (tab for TSV) when writing.</summary>
    public string? Delimiter { get; init; }

    /// <summary>Whether CSV files have a header line; null means auto-detected when reading and true when writing.</summary>
    public bool? Header { get; init; }

    /// <summary>CSV quote character; null means auto-detected when reading and <c>"</c> when writing.</summary>
    public string? Quote { get; init; }

    /// <summary>CSV escape character inside quotes; null means auto-detected when reading and the quote doubled (RFC 4180) when writing.</summary>
    public string? Escape { get; init; }

    /// <summary>The text that stands for NULL in CSV; null means the empty (unquoted) field.</summary>
    public string? NullString { get; init; }

    /// <summary>
    /// Text encoding of CSV/TSV/JSON/NDJSON files read: <c>utf-8</c> (the default), <c>utf-16</c>, <c>latin-1</c>,
    /// <c>shift_jis</c> (read as CP932; also <c>cp932</c>, <c>windows-31j</c>, <c>sjis</c>) or <c>euc-jp</c>. Encodings
    /// DuckDB cannot read are transcoded to temporary UTF-8 copies first. Files are written in UTF-8.
    /// </summary>
    public string Encoding { get; init; } = "utf-8";

    /// <summary>CSV: read every column as text, without guessing types (default false). A type requested for a column (a sync's <c>cast</c>) still applies.</summary>
    public bool AllVarchar { get; init; }

    /// <summary>CSV: the format of date values (DuckDB's <c>strptime</c> format, e.g. <c>%Y/%m/%d</c>); null to detect.</summary>
    public string? DateFormat { get; init; }

    /// <summary>CSV: the format of timestamp values (DuckDB's <c>strptime</c> format, e.g. <c>%Y/%m/%d %H:%M:%S</c>); null to detect.</summary>
    public string? TimestampFormat { get; init; }

    /// <summary>
    /// Destination file names, relative to <see cref="Root"/>. Placeholders: <c>{stream}</c>, <c>{namespace}</c>,
    /// <c>{sync}</c>, <c>{date}</c> / <c>{date:yyyyMMdd}</c> (UTC time the writer opened, any .NET format),
    /// <c>{part}</c> / <c>{part:0000}</c> (part number from 1), <c>{ext}</c> (e.g. <c>csv.gz</c>).
    /// </summary>
    public string FileNameTemplate { get; init; } = "{stream}/{stream}_{part:00000}.{ext}";

    /// <summary>Largest file written, in bytes (after compression); null for no limit.</summary>
    public long? MaxBytesPerFile { get; init; }

    /// <summary>Most rows per file written; null for no limit.</summary>
    public long? MaxRowsPerFile { get; init; }

    /// <summary>Parts written at the same time (1..64, default 1): each writer fills its own part, so row order across files is not kept when above 1.</summary>
    public int ParallelWriters { get; init; } = 1;
}
