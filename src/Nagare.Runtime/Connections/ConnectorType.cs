using System.Collections.Immutable;
using Nagare.Core.Connectors;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Connections;

/// <summary>One connector type: its configuration keys and how to create it from a connection file.</summary>
/// <param name="Name">The type name written in <c>type:</c>.</param>
/// <param name="Description">What it connects to, in a few words (e.g. <c>PostgreSQL</c>).</param>
/// <param name="Options">Connector-specific keys it accepts (besides name, type, max_concurrency), in the order a form shows them.</param>
/// <param name="Create">Creates the connector.</param>
public sealed record ConnectorType(
    string Name,
    string Description,
    ImmutableArray<ConnectorOption> Options,
    Func<ConnectionConfig, ConnectorContext, IConnection> Create)
{
    // Derived from the options, so that what the loader accepts and what a form offers cannot disagree.

    /// <summary>Connector-specific keys it accepts (besides name, type, max_concurrency).</summary>
    public ImmutableArray<string> Keys => [.. Options.Select(o => o.Name)];

    /// <summary>Keys that must be present.</summary>
    public ImmutableArray<string> RequiredKeys => [.. Options.Where(o => o.Required).Select(o => o.Name)];

    /// <summary>Keys whose values are secrets (never printed).</summary>
    public ImmutableArray<string> SecretKeys => [.. Options.Where(o => o.Secret).Select(o => o.Name)];
}
