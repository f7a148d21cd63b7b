namespace Nagare.Runtime.Generation;

/// <summary>A row of a casting sheet: columns matching the patterns (and type) become <see cref="ToType"/>.</summary>
/// <param name="Table">Glob over <c>schema.table</c> (or over the table name when it has no dot).</param>
/// <param name="Column">Glob over column names.</param>
/// <param name="FromType">Glob over the catalog type (case-insensitive); null matches any type.</param>
/// <param name="ToType">The DuckDB type to produce, e.g. <c>DATE</c>, <c>TIMESTAMP</c>, <c>DECIMAL(12,2)</c>.</param>
/// <param name="Format">A <c>strptime</c> format for string dates (<c>%Y%m%d</c>; <c>yyyymmdd</c> is translated), or null for a plain cast.</param>
/// <param name="Safe">Use <c>TRY_CAST</c>/<c>try_strptime</c>: values that do not convert become NULL instead of failing the build.</param>
/// <param name="Origin">Where the rule was written.</param>
public sealed record CastRule(string Table, string Column, string? FromType, string ToType, string? Format, bool Safe, RuleOrigin Origin);
