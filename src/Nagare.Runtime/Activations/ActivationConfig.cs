using System.Collections.Immutable;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Activations;

/// <summary>An <c>activations/*.yml</c> file: a query or model of the warehouse sent to a destination (reverse ETL).</summary>
/// <param name="Name">The activation's name (<c>nagare activate NAME</c>).</param>
/// <param name="Source">The connection the query runs on (the warehouse).</param>
/// <param name="Query">The query, or null when <paramref name="Model"/> names a model.</param>
/// <param name="Model">A model whose relation is read whole, or null.</param>
/// <param name="Destination">Where the rows go and how.</param>
/// <param name="Columns">Destination fields and their result columns; empty to send every result column under its own name.</param>
/// <param name="Location">Where the activation was defined.</param>
public sealed record ActivationConfig(
    string Name,
    string Source,
    string? Query,
    string? Model,
    ActivationDestination Destination,
    ImmutableArray<ActivationColumn> Columns,
    ConfigLocation Location)
{
    /// <summary>What the activation is for.</summary>
    public string? Description { get; init; }
}
