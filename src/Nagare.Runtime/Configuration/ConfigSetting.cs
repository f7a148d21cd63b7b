using System.Collections.Immutable;

namespace Nagare.Runtime.Configuration;

/// <summary>One connector-specific key of a connection file.</summary>
/// <param name="Key">The key.</param>
/// <param name="Text">The value for a plain scalar; null for secrets and lists.</param>
/// <param name="Secret">The value for a key the connector declares secret.</param>
/// <param name="Items">The values of a list.</param>
/// <param name="Entries">The entries of a mapping of plain values.</param>
/// <param name="Location">Where the value was written.</param>
public sealed record ConfigSetting(string Key, string? Text, Secret? Secret, ImmutableArray<string> Items, ImmutableSortedDictionary<string, string>? Entries, ConfigLocation Location)
{
    /// <summary>
    /// The value as written when it holds <c>${ENV}</c> references (not the store's <c>${secret:…}</c>), e.g.
    /// <c>${DB_HOST}</c>; null otherwise. Shown instead of the environment's value, and kept when written back.
    /// </summary>
    public string? Reference { get; init; }
}
