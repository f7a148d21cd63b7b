using System.Collections.Immutable;

namespace Nagare.Runtime.Generation;

/// <summary>A row of a dedup sheet: keep one row per key, the latest by <see cref="OrderBy"/> (descending).</summary>
/// <param name="Table">Glob over <c>schema.table</c> (or the table name).</param>
/// <param name="Keys">Key columns.</param>
/// <param name="OrderBy">Columns ordering duplicates, newest first.</param>
/// <param name="Origin">Where the rule was written.</param>
public sealed record DedupRule(string Table, ImmutableArray<string> Keys, ImmutableArray<string> OrderBy, RuleOrigin Origin);
