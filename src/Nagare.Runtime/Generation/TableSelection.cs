using System.Collections.Immutable;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Generation;

/// <summary>
/// The part of the catalog a generation covers (<c>--select</c> and <c>--exclude</c>). Each pattern is a glob over
/// <c>schema.table</c> when it has a dot, else over the table name. Generated files of tables outside the selection
/// are left alone: never rewritten, never judged stale.
/// </summary>
/// <param name="Select">Only tables matching this glob; null for all.</param>
/// <param name="Exclude">Tables matching any of these globs are left out.</param>
public sealed record TableSelection(string? Select, ImmutableArray<string> Exclude)
{
    /// <summary>The whole catalog.</summary>
    public static TableSelection All { get; } = new(null, []);

    /// <summary>True when only part of the catalog is generated.</summary>
    public bool IsPartial => Select is not null || !Exclude.IsDefaultOrEmpty;

    /// <summary>True when <paramref name="table"/> is generated.</summary>
    public bool Includes(CatalogTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return (Select is null || RuleResolver.MatchesTable(Select, table))
            && (Exclude.IsDefaultOrEmpty || !Exclude.Any(p => RuleResolver.MatchesTable(p, table)));
    }

    /// <summary>True when a generated file's origin (from its header) falls inside the selection.</summary>
    internal bool InScope(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var token = origin.Split(' ', 2)[0];
        return (Select is null || Matches(Select, token))
            && (Exclude.IsDefaultOrEmpty || !Exclude.Any(p => Matches(p, token)));
    }

    private static bool Matches(string pattern, string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        return pattern.Contains('.', StringComparison.Ordinal) || dot < 0
            ? GlobPattern.IsMatch(pattern, token)
            : GlobPattern.IsMatch(pattern, token[(dot + 1)..]);
    }
}
