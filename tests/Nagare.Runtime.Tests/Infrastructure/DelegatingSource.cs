using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;

namespace Nagare.Runtime.Tests.Infrastructure;

/// <summary>A real source behind a test's wrapper, which overrides what it watches or holds back.</summary>
internal class DelegatingSource(IConnection inner) : ISource
{
    protected IConnection Inner { get; } = inner;

    public string Name => Inner.Name;

    public ConnectorCapabilities Capabilities => Inner.Capabilities;

    public ISqlDialect? Dialect => Inner.Dialect;

    public virtual IAsyncEnumerable<StreamSchema> DiscoverAsync(DiscoverRequest request, CancellationToken cancellationToken) =>
        ((ISource)Inner).DiscoverAsync(request, cancellationToken);

    public virtual IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, CancellationToken cancellationToken) =>
        ((ISource)Inner).ReadAsync(request, cancellationToken);

    public Task<ConnectionTestResult> TestAsync(CancellationToken cancellationToken) => Inner.TestAsync(cancellationToken);

    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}

/// <summary>A <see cref="DelegatingSource"/> of a source that splits tables and holds snapshots, as PostgreSQL does.</summary>
internal class DelegatingSplittingSource(IConnection inner) : DelegatingSource(inner), IKeyRangeSource, ISnapshotSource
{
    public Task<IReadOnlyList<KeyRange>> SplitAsync(StreamSchema stream, string keyColumn, int chunks, CancellationToken cancellationToken) =>
        ((IKeyRangeSource)Inner).SplitAsync(stream, keyColumn, chunks, cancellationToken);

    public Task<ISourceSnapshot> BeginSnapshotAsync(CancellationToken cancellationToken) => ((ISnapshotSource)Inner).BeginSnapshotAsync(cancellationToken);
}
