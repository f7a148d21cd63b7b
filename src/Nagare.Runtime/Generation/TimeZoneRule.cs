namespace Nagare.Runtime.Generation;

/// <summary>A row of a time-zone sheet: timestamps in <see cref="From"/> are shown as local times of <see cref="To"/>.</summary>
/// <param name="Table">Glob over <c>schema.table</c> (or the table name).</param>
/// <param name="Column">Glob over column names.</param>
/// <param name="From">Zone the stored values are in (default <c>UTC</c>).</param>
/// <param name="To">Zone to convert to (default <c>Asia/Tokyo</c>).</param>
/// <param name="Origin">Where the rule was written.</param>
public sealed record TimeZoneRule(string Table, string Column, string From, string To, RuleOrigin Origin);
