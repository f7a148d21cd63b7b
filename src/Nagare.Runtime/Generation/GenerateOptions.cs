using System.Collections.Immutable;

namespace Nagare.Runtime.Generation;

/// <summary>What <c>nagare generate</c> was asked to do. Relative paths are relative to the working folder.</summary>
/// <param name="ProjectDirectory">The project folder; file names in headers are relative to it.</param>
/// <param name="CatalogFile">A CSV export of <c>information_schema.columns</c>, or null.</param>
/// <param name="Connection">A connection whose catalog to read (<c>warehouse</c> is the embedded DuckDB), or null.</param>
/// <param name="RulesDirectory">The rules folder; null means <c>generate/rules</c> in the project when it exists.</param>
/// <param name="TemplatesDirectory">The templates folder; null means <c>generate/templates</c> in the project when it exists, else the built-ins.</param>
/// <param name="OutputDirectory">Where models go; null means <c>models/dwh</c> in the project (or the company file's <c>output_dir</c>).</param>
/// <param name="Select">A glob over <c>schema.table</c> (or table names) to generate part of the catalog.</param>
/// <param name="Prune">Delete generated files that are no longer produced.</param>
/// <param name="DryRun">Compare only; write nothing.</param>
/// <param name="CompanyFile">A company YAML: generate that company's data mart instead of the cleansing models.</param>
public sealed record GenerateOptions(
    string ProjectDirectory,
    string? CatalogFile = null,
    string? Connection = null,
    string? RulesDirectory = null,
    string? TemplatesDirectory = null,
    string? OutputDirectory = null,
    string? Select = null,
    bool Prune = false,
    bool DryRun = false,
    string? CompanyFile = null)
{
    /// <summary>Globs over <c>schema.table</c> (or table names) of tables to leave out; their generated files are left alone.</summary>
    public ImmutableArray<string> Exclude { get; init; } = [];

    /// <summary>The sync whose landing names (target schema, naming) a source connection's tables get; null picks the one sync copying it into the warehouse.</summary>
    public string? Sync { get; init; }

    /// <summary>How long to wait while another process holds the database file the catalog is read from; zero (the default) fails at once.</summary>
    public TimeSpan LockWait { get; init; }
}
