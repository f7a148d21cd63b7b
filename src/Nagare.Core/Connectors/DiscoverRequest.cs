namespace Nagare.Core.Connectors;

/// <summary>Narrows discovery.</summary>
/// <param name="Namespaces">Schemas (or folders) to look in; null means all the connection can see.</param>
/// <param name="NamePattern">A glob over <c>namespace.name</c> a connector may push into its catalog query (the caller filters again).</param>
public sealed record DiscoverRequest(IReadOnlyList<string>? Namespaces = null, string? NamePattern = null)
{
    /// <summary>Everything.</summary>
    public static DiscoverRequest All { get; } = new();
}
