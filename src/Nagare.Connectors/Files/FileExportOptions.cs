namespace Nagare.Connectors.Files;

/// <summary>How a <see cref="FileExportWriter"/> writes rows into split files.</summary>
/// <param name="Format"><c>csv</c>, <c>tsv</c>, <c>jsonl</c> (one JSON object per line; also <c>ndjson</c>) or <c>parquet</c>.</param>
/// <param name="Gzip">Compress CSV, TSV and JSON lines with gzip (Parquet: the gzip codec inside the file).</param>
/// <param name="MaxBytes">Largest file, in bytes as written (after compression); null for no limit. A file never exceeds it.</param>
/// <param name="MaxRows">Most rows per file; null for no limit.</param>
/// <param name="FileName">
/// File names relative to the destination, in the files connector's template syntax: <c>{part}</c> or
/// <c>{part:000}</c> (1-based part number), <c>{{</c> and <c>}}</c> for literal braces.
/// </param>
/// <param name="Header">CSV and TSV: a header line in every file.</param>
/// <param name="Parallel">Files written at once (1..64): each writer fills its own files, so row order across files is not kept above 1.</param>
public sealed record FileExportOptions(string Format, bool Gzip, long? MaxBytes, long? MaxRows, string FileName, bool Header = true, int Parallel = 1)
{
    /// <summary>CSV field delimiter; null for <c>,</c> (a tab for TSV).</summary>
    public string? Delimiter { get; init; }

    /// <summary>The text written for NULL in CSV and TSV; null for the empty field.</summary>
    public string? NullString { get; init; }

    /// <summary>The formats an export writes, as configuration names them.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["csv", "tsv", "jsonl", "parquet"];
}
