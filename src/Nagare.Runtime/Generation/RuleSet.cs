using System.Collections.Immutable;

namespace Nagare.Runtime.Generation;

/// <summary>
/// Every rule sheet of a rules folder, in reading order (files by name, rows top to bottom): when several rules
/// of one kind match a column or table, the last one wins.
/// </summary>
/// <param name="Casts">Casting rules.</param>
/// <param name="TimeZones">Time-zone conversion rules.</param>
/// <param name="Masks">Masking rules.</param>
/// <param name="Dedups">Deduplication rules.</param>
/// <param name="Partitions">Partitioning rules.</param>
/// <param name="Settings">Naming and parameters from <c>generate.yml</c>.</param>
/// <param name="Files">The sheets read, as named in messages and headers.</param>
public sealed record RuleSet(
    ImmutableArray<CastRule> Casts,
    ImmutableArray<TimeZoneRule> TimeZones,
    ImmutableArray<MaskRule> Masks,
    ImmutableArray<DedupRule> Dedups,
    ImmutableArray<PartitionRule> Partitions,
    GenerationSettings Settings,
    ImmutableArray<string> Files)
{
    /// <summary>No rules, default settings.</summary>
    public static RuleSet Empty { get; } = new([], [], [], [], [], GenerationSettings.Default, []);
}
