using System.Collections.Immutable;

namespace Nagare.Runtime.Access;

/// <summary>What <see cref="QueryGuard"/> decided about a piece of ad-hoc SQL.</summary>
/// <param name="Allowed">True when the caller may run the SQL.</param>
/// <param name="Reason">Why it was refused, for the caller to read; null when allowed.</param>
/// <param name="Tables">Every base table the SQL reads, as <c>schema.table</c>, after views are expanded (empty when unknown).</param>
/// <param name="Functions">The table functions the SQL uses, lower case.</param>
public sealed record GuardDecision(bool Allowed, string? Reason, ImmutableArray<string> Tables, ImmutableArray<string> Functions)
{
    /// <summary>A refusal for <paramref name="reason"/>.</summary>
    public static GuardDecision Refuse(string reason) => new(false, reason, [], []);

    /// <summary>
    /// The SQL to run when allowed: the caller's own, or, for a role with column masks or row filters, the same
    /// statements with each protected table read through its masks and filter. Null when refused.
    /// </summary>
    public string? Sql { get; init; }
}
