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
/// A table's chunks are copied at most one per two cores at once, however many threads the sync may use, and only
/// into a destination that stages them. Real PostgreSQL, warehouse and Parquet files; the source is wrapped to count
/// its reads.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ChunkConcurrencyTests : IAsyncLifetime
{
    private readonly TempProject project = new();
    private TestPostgres pg = null!;
    private int reading;
    private int mostReading;
    private int reads;

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
        await CreateBigTableAsync();
        project.Write("syncs/s.yml", $"name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{pg.Schema}.big\"\n    chunking: {{ chunks: 8 }}\n");

        var summary = await Runner().RunAsync("s", new SyncRunOptions(Threads: 8), CancellationToken.None);

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal(8, summary.Streams[0].Chunks);
        Assert.Equal(8000, summary.Streams[0].RowsWritten);
        Assert.Equal(8, reads);
        Assert.InRange(mostReading, 1, Math.Max(1, Environment.ProcessorCount / 2));
    }

    [Fact]
    public async Task Sync_IntoFilesWithChunkingAsked_ReadsTheTableWithOneStatement()
    {
        // Files stage no chunks: key ranges read one after another would each see another moment of the source.
        await CreateBigTableAsync();
        project.Write("connections/out.yml", "name: out\ntype: files\npath: out\nformat: parquet\n")
            .Write("syncs/s.yml", $"name: s\nsource: pg\ndestination: out\nstreams:\n  - select: \"{pg.Schema}.big\"\n    chunking: {{ chunks: 8 }}\n");
        var runner = Runner();

        var preview = await runner.PreviewAsync("s", new SyncRunOptions(), CancellationToken.None);
        var summary = await runner.RunAsync("s", new SyncRunOptions(Threads: 8), CancellationToken.None);

        Assert.Null(Assert.Single(preview.Tables).Chunking);
        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal(0, summary.Streams[0].Chunks);
        Assert.Equal(8000, summary.Streams[0].RowsWritten);
        Assert.Equal(1, reads);
    }

    private Task CreateBigTableAsync() =>
        pg.ExecuteAsync($"CREATE TABLE \"{pg.Schema}\".big (id bigint PRIMARY KEY, v text); INSERT INTO \"{pg.Schema}\".big SELECT g, 'v' || g FROM generate_series(1, 8000) g; ANALYZE \"{pg.Schema}\".big;");

    private SyncRunner Runner() =>
        TestConnectors.Runner(project.Root, TestConnectors.Wrapped("postgres", "counted_postgres", inner => new CountedSource(inner, this)));

    /// <summary>Counts reads in flight; each holds its first batch back a moment, so that reads allowed to overlap do.</summary>
    private sealed class CountedSource(IConnection inner, ChunkConcurrencyTests test) : DelegatingSplittingSource(inner)
    {
        public override async IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref test.reads);
            var now = Interlocked.Increment(ref test.reading);
            InterlockedMax(ref test.mostReading, now);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
                await foreach (var batch in base.ReadAsync(request, cancellationToken))
                {
                    yield return batch;
                }
            }
            finally
            {
                Interlocked.Decrement(ref test.reading);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
