using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>
/// A run gets its destination ready (the warehouse opened, its state tables created, the sync's states read) while the
/// source is discovered. Real files source and real DuckDB warehouse, each behind a thin wrapper that says when the
/// destination was prepared and holds the source's discovery until then.
/// </summary>
public sealed class SyncPreparationTests : IDisposable
{
    private readonly TempProject project = new();
    private readonly TaskCompletionSource<string> prepared = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool holdDiscovery = true;

    public SyncPreparationTests()
    {
        project.Write("nagare.yml", "name: t\n")
            .Write("connections/drop.yml", "name: drop\ntype: held_files\npath: drop\nstreams:\n  sales: sales.csv\n")
            .Write("connections/sink.yml", "name: sink\ntype: watched_duckdb\npath: sink.duckdb\n")
            .Write("drop/sales.csv", "id,amount\n1,1.50\n2,2.50\n")
            .Write("syncs/s.yml", "name: s\nsource: drop\ndestination: sink\ntarget_schema: lake\nstreams:\n  - select: '*'\n");
    }

    public void Dispose() => project.Dispose();

    [Fact]
    public async Task Run_PreparesTheDestinationWhileTheSourceIsDiscovered()
    {
        var runner = Runner();

        // Discovery waits for the destination's preparation: run one after the other, this would not finish.
        var summary = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(summary.Succeeded, summary.Streams.FirstOrDefault()?.Message);
        Assert.Equal("s", await prepared.Task);
        Assert.Equal(2, summary.RowsWritten);
        Assert.Equal(2, summary.Streams.Single().RowsWritten);
    }

    [Fact]
    public async Task DryRun_DoesNotPrepareTheDestination()
    {
        holdDiscovery = false;

        var preview = await Runner().PreviewAsync("s", new SyncRunOptions(), CancellationToken.None);

        Assert.Equal("create", Assert.Single(preview.Tables).Action);
        Assert.False(prepared.Task.IsCompleted, "a dry run got the destination ready for writing");
    }

    [Fact]
    public async Task Run_PlanFailsWhileThePreparationFails_ReportsThePlansError()
    {
        holdDiscovery = false;
        project.Write("connections/sink.yml", "name: sink\ntype: watched_duckdb\npath: sink.duckdb\nfail_preparation: true\n")
            .Write("syncs/s.yml", "name: s\nsource: drop\ndestination: sink\ntarget_schema: lake\nstreams:\n  - select: 'nothing_*'\n");

        var error = await Assert.ThrowsAsync<Core.NagareException>(() => Runner().RunAsync("s", new SyncRunOptions(), CancellationToken.None));

        Assert.StartsWith("Sync 's' selected no streams: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PreparationFails_FailsTheRunWithTheDestinationsError()
    {
        holdDiscovery = false;
        project.Write("connections/sink.yml", "name: sink\ntype: watched_duckdb\npath: sink.duckdb\nfail_preparation: true\n");

        var error = await Assert.ThrowsAsync<ConnectorException>(() => Runner().RunAsync("s", new SyncRunOptions(), CancellationToken.None));

        Assert.Equal("Cannot open sink: the disk is gone.", error.Message);
    }

    private SyncRunner Runner()
    {
        var duckdb = DuckDbConnectorType.Type;
        return TestConnectors.Runner(
            project.Root,
            TestConnectors.Wrapped("files", "held_files", inner => new HeldSource(inner, this)),
            duckdb with
            {
                Name = "watched_duckdb",
                Options = [.. duckdb.Options, new ConnectorOption("fail_preparation", ConnectorOptionKind.Boolean, "test only")],
                Create = (config, context) => new WatchedDestination((IDestination)duckdb.Create(config, context), this, config.GetBool("fail_preparation") == true),
            });
    }

    /// <summary>A source whose discovery waits for the destination to be prepared.</summary>
    private sealed class HeldSource(IConnection inner, SyncPreparationTests test) : DelegatingSource(inner)
    {
        public override async IAsyncEnumerable<StreamSchema> DiscoverAsync(DiscoverRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (test.holdDiscovery)
            {
                await test.prepared.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }

            await foreach (var stream in base.DiscoverAsync(request, cancellationToken))
            {
                yield return stream;
            }
        }
    }

    /// <summary>A destination that says when it was prepared, or fails its preparation.</summary>
    private sealed class WatchedDestination(IDestination inner, SyncPreparationTests test, bool fail) : IPreparedDestination
    {
        public string Name => inner.Name;

        public ConnectorCapabilities Capabilities => inner.Capabilities;

        public ISqlDialect? Dialect => inner.Dialect;

        public async Task PrepareAsync(string syncName, CancellationToken cancellationToken)
        {
            if (fail)
            {
                throw new ConnectorException("Cannot open sink: the disk is gone.") { Connection = Name };
            }

            await ((IPreparedDestination)inner).PrepareAsync(syncName, cancellationToken);
            test.prepared.TrySetResult(syncName);
        }

        public Task<StreamSchema?> DescribeAsync(StreamId table, CancellationToken cancellationToken) => inner.DescribeAsync(table, cancellationToken);

        public Task<StreamState?> LoadStateAsync(string syncName, string stream, CancellationToken cancellationToken) => inner.LoadStateAsync(syncName, stream, cancellationToken);

        public Task<IStreamWriter> OpenWriterAsync(WriteRequest request, CancellationToken cancellationToken) => inner.OpenWriterAsync(request, cancellationToken);

        public Task<ConnectionTestResult> TestAsync(CancellationToken cancellationToken) => inner.TestAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
