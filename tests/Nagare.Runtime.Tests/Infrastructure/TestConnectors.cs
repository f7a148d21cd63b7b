using Nagare.Core.Connectors;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;

namespace Nagare.Runtime.Tests.Infrastructure;

/// <summary>The built-in connectors plus a test's own types, for projects whose connections name those types.</summary>
internal static class TestConnectors
{
    /// <summary>The built-in type <paramref name="type"/> under <paramref name="name"/>, each connection wrapped by <paramref name="wrap"/>.</summary>
    public static ConnectorType Wrapped(string type, string name, Func<IConnection, IConnection> wrap)
    {
        var inner = ConnectorRegistry.Default.Find(type)!;
        return inner with { Name = name, Create = (config, context) => wrap(inner.Create(config, context)) };
    }

    public static ConnectorRegistry Registry(params ConnectorType[] extra) => new([.. BuiltInConnectors.All, .. extra]);

    /// <summary>A sync runner for the project in <paramref name="root"/>, whose connections may name the <paramref name="extra"/> types.</summary>
    public static SyncRunner Runner(string root, params ConnectorType[] extra)
    {
        var registry = Registry(extra);
        return new SyncRunner(ProjectLoader.Load(root, registry), registry, TimeProvider.System);
    }
}
