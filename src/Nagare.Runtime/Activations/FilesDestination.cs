using System.Collections.Immutable;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations;

/// <summary>Split files in a local folder, with a manifest written last.</summary>
/// <param name="Path">The folder (absolute).</param>
/// <param name="Format"><c>csv</c>, <c>tsv</c>, <c>jsonl</c> or <c>parquet</c>.</param>
/// <param name="Gzip">Whether files are gzip-compressed.</param>
/// <param name="MaxBytes">Largest file in bytes as written, or null.</param>
/// <param name="MaxRows">Most rows per file, or null.</param>
/// <param name="FileName">File name template (Jinja: <c>run_date</c>, <c>run_id</c>, <c>activation</c>, <c>ts</c>; <c>{{ part:03 }}</c> numbers the files).</param>
/// <param name="Manifest">Manifest name template, the same variables but no part.</param>
/// <param name="Header">CSV/TSV header line.</param>
/// <param name="Parallel">Files written at once.</param>
/// <param name="Mode">What a run sends.</param>
/// <param name="Key">Destination fields identifying a record.</param>
/// <param name="Location">Where the destination was defined.</param>
public sealed record FilesDestination(
    string Path,
    string Format,
    bool Gzip,
    long? MaxBytes,
    long? MaxRows,
    string FileName,
    string Manifest,
    bool Header,
    int Parallel,
    ActivationMode Mode,
    ImmutableArray<string> Key,
    ConfigLocation Location)
    : ActivationDestination(Mode, Key, Location)
{
    /// <summary>CSV delimiter; null for the format's own.</summary>
    public string? Delimiter { get; init; }

    /// <summary>Text written for NULL in CSV/TSV; null for the empty field.</summary>
    public string? NullString { get; init; }

    /// <inheritdoc/>
    public override string Type => "files";

    /// <inheritdoc/>
    public override string Display => Path;

    /// <inheritdoc/>
    public override string Identity => $"files|{Path}|{Format}|{Mode}";
}
