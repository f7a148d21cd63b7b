using System.Runtime.CompilerServices;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>
/// A table's chunks are copied at most one per two cores at once, however many threads the sync may use. Real
/// PostgreSQL and warehouse; the source is wrapped to count the chunk reads in flight.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ChunkConcurrencyTests : IAsyncLifetime
{
    private readonly TempProject project = new();
    private TestPostgres pg = null!;
    private int reading;
    private int mostReading;

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("rt_chunks");
        project.Write("nagare.yml", "name: t\n").Write("connections/pg.yml", pg.ConnectionYaml("pg", maxConcurrency: 8).Replace("type: postgres", "type: counted_postgres", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        project.Dispose();
    }

    [Fact]
    public async Task Sync_TableInEightChunksWithEightThreads_ReadsAtMostOneChunkPerTwoCoresAtOnce()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{pg.Schema}\".big (id bigint PRIMARY KEY, v text); INSERT INTO \"{pg.Schema}\".big SELECT g, 'v' || g FROM generate_series(1, 8000) g; ANALYZE \"{pg.Schema}\".big;");
        project.Write("syncs/s.yml", $"name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{pg.Schema}.big\"\n    chunking: {{ chunks: 8 }}\n");
        var postgres = ConnectorRegistry.Default.Find("postgres")!;
        var registry = new ConnectorRegistry([
            .. BuiltInConnectors.All,
            postgres with { Name = "counted_postgres", Create = (config, context) => new CountedSource(postgres.Create(config, context), this) },
        ]);

        var summary = await new SyncRunner(ProjectLoader.Load(project.Root, registry), registry, TimeProvider.System)
            .RunAsync("s", new SyncRunOptions(Threads: 8), CancellationToken.None);

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal(8, summary.Streams[0].Chunks);
        Assert.Equal(8000, summary.Streams[0].RowsWritten);
        Assert.InRange(mostReading, 1, Math.Max(1, Environment.ProcessorCount / 2));
    }

    /// <summary>Counts reads in flight; each holds its first batch back a moment, so that reads allowed to overlap do.</summary>
    private sealed class CountedSource(IConnection inner, ChunkConcurrencyTests test) : IKeyRangeSource, ISnapshotSource
    {
        private ISource Source => (ISource)inner;

        public string Name => inner.Name;

        public ConnectorCapabilities Capabilities => inner.Capabilities;

        public ISqlDialect? Dialect => inner.Dialect;

        public IAsyncEnumerable<StreamSchema> DiscoverAsync(DiscoverRequest request, CancellationToken cancellationToken) => Source.DiscoverAsync(request, cancellationToken);

        public async IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref test.reading);
            InterlockedMax(ref test.mostReading, now);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                await foreach (var batch in Source.ReadAsync(request, cancellationToken))
                {
                    yield return batch;
                }
            }
            finally
            {
                Interlocked.Decrement(ref test.reading);
            }
        }

        public Task<IReadOnlyList<KeyRange>> SplitAsync(StreamSchema stream, string keyColumn, int chunks, CancellationToken cancellationToken) =>
            ((IKeyRangeSource)inner).SplitAsync(stream, keyColumn, chunks, cancellationToken);

        public Task<ISourceSnapshot> BeginSnapshotAsync(CancellationToken cancellationToken) => ((ISnapshotSource)inner).BeginSnapshotAsync(cancellationToken);

        public Task<ConnectionTestResult> TestAsync(CancellationToken cancellationToken) => inner.TestAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
