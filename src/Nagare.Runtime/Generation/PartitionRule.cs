namespace Nagare.Runtime.Generation;

/// <summary>A row of a partitioning sheet: the model's config notes its partition column and granularity.</summary>
/// <param name="Table">Glob over <c>schema.table</c> (or the table name).</param>
/// <param name="Column">The partition column.</param>
/// <param name="Granularity"><c>hour</c>, <c>day</c>, <c>month</c> or <c>year</c>.</param>
/// <param name="Origin">Where the rule was written.</param>
public sealed record PartitionRule(string Table, string Column, string Granularity, RuleOrigin Origin);
