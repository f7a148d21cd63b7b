namespace Nagare.Core.Connectors;

/// <summary>
/// A named, configured endpoint (a database, a folder, the warehouse). Roles it can play are
/// separate interfaces: <see cref="ISource"/>, <see cref="IDestination"/>; optional abilities are
/// further interfaces on those. Implementations are cheap to create and open resources lazily.
/// </summary>
public interface IConnection : IAsyncDisposable
{
    /// <summary>The connection's name in the project (e.g. <c>app_db</c>).</summary>
    string Name { get; }

    /// <summary>What this connector can do.</summary>
    ConnectorCapabilities Capabilities { get; }

    /// <summary>SQL dialect facts, or null for connectors that do not speak SQL (files).</summary>
    ISqlDialect? Dialect { get; }

    /// <summary>Checks that the endpoint is reachable and usable; throws <see cref="ConnectorException"/> saying why not.</summary>
    Task<ConnectionTestResult> TestAsync(CancellationToken cancellationToken);
}
