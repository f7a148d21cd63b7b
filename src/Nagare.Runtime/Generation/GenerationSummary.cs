using System.Collections.Immutable;

namespace Nagare.Runtime.Generation;

/// <summary>What writing a <see cref="GenerationOutput"/> did (or would do, in a dry run). Paths are under the output folder.</summary>
/// <param name="Created">Files that did not exist.</param>
/// <param name="Changed">Files whose content changed.</param>
/// <param name="Unchanged">Files already byte-identical.</param>
/// <param name="Removed">Generated files no longer produced, deleted (with prune).</param>
/// <param name="Stale">Generated files no longer produced, left in place (without prune).</param>
/// <param name="Warnings">Warnings of the generation.</param>
/// <param name="DryRun">True when nothing was written.</param>
/// <param name="Tables">How many tables (or company tables) were generated.</param>
public sealed record GenerationSummary(
    ImmutableArray<string> Created,
    ImmutableArray<string> Changed,
    ImmutableArray<string> Unchanged,
    ImmutableArray<string> Removed,
    ImmutableArray<string> Stale,
    ImmutableArray<string> Warnings,
    bool DryRun,
    int Tables);
