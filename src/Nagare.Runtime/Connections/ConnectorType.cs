using System.Collections.Immutable;
using Nagare.Core.Connectors;
using Nagare.Runtime.Configuration;

namespace Nagare.Runtime.Connections;

/// <summary>One connector type: its configuration keys and how to create it from a connection file.</summary>
/// <param name="Name">The type name written in <c>type:</c>.</param>
/// <param name="Keys">Connector-specific keys it accepts (besides name, type, max_concurrency).</param>
/// <param name="RequiredKeys">Keys that must be present.</param>
/// <param name="SecretKeys">Keys whose values are secrets (never printed).</param>
/// <param name="Create">Creates the connector.</param>
public sealed record ConnectorType(
    string Name,
    ImmutableArray<string> Keys,
    ImmutableArray<string> RequiredKeys,
    ImmutableArray<string> SecretKeys,
    Func<ConnectionConfig, ConnectorContext, IConnection> Create);
