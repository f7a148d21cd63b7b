using System.Runtime.CompilerServices;
using Nagare.Core;
using Nagare.Core.Batches;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>
/// <c>snapshot: run</c> reads every table of a run at one moment of the source. Real PostgreSQL and warehouse; the
/// source is wrapped so that a row lands in table <c>b</c> (committed) the moment the read of table <c>a</c> starts.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RunSnapshotTests : IAsyncLifetime
{
    private readonly TempProject project = new();
    private TestPostgres pg = null!;
    private int inserted;

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("rt_snap");
        await pg.ExecuteAsync($"CREATE TABLE \"{pg.Schema}\".a (id int PRIMARY KEY); INSERT INTO \"{pg.Schema}\".a VALUES (1); CREATE TABLE \"{pg.Schema}\".b (id int PRIMARY KEY); INSERT INTO \"{pg.Schema}\".b VALUES (1);");
        project.Write("nagare.yml", "name: t\n")
            .Write("connections/pg.yml", pg.ConnectionYaml("pg").Replace("type: postgres", "type: racing_postgres", StringComparison.Ordinal))
            .Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nstreams:\n  sales: sales.csv\n")
            .Write("drop/sales.csv", "id\n1\n");
    }

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        project.Dispose();
    }

    [Fact]
    public async Task Sync_SnapshotRun_ReadsEveryTableAtTheMomentTheRunBegan()
    {
        var summary = await SyncAsync("snapshot: run\n");

        Assert.True(summary.Succeeded, string.Join("; ", summary.Streams.Select(s => s.Message)));
        Assert.Equal(1, inserted);
        Assert.Equal(["1"], project.QueryWarehouse("SELECT count(*) FROM lake.b"));
    }

    [Fact]
    public async Task Sync_WithoutSnapshotRun_ReadsEachTableAtItsOwnMoment()
    {
        var summary = await SyncAsync("");

        Assert.True(summary.Succeeded, string.Join("; ", summary.Streams.Select(s => s.Message)));
        Assert.Equal(1, inserted);
        Assert.Equal(["2"], project.QueryWarehouse("SELECT count(*) FROM lake.b"));
    }

    [Fact]
    public async Task Sync_SnapshotRunOfASourceThatCannotHoldOne_FailsSayingSo()
    {
        project.Write("syncs/f.yml", "name: f\nsource: drop\ntarget_schema: lake\nsnapshot: run\nstreams:\n  - select: '*'\n");

        var error = await Assert.ThrowsAsync<NagareException>(() => Runner().RunAsync("f", new SyncRunOptions(), CancellationToken.None));

        Assert.Equal("Sync 'f' reads with snapshot: run, but connection 'drop' cannot hold one moment for a whole run.", error.Message);
        Assert.Equal("snapshot: run reads PostgreSQL and MySQL/MariaDB connections; remove it to read each table at its own moment.", error.Hint);
    }

    [Fact]
    public void Load_SnapshotValueNotKnown_NamesTheChoices()
    {
        project.Write("syncs/s.yml", "name: s\nsource: pg\nsnapshot: always\nstreams:\n  - select: '*'\n");

        var error = Assert.ThrowsAny<Exception>(() => ProjectLoader.Load(project.Root, Registry()));

        Assert.Contains("snapshot", error.Message, StringComparison.Ordinal);
        Assert.Contains("table", error.Message, StringComparison.Ordinal);
        Assert.Contains("run", error.Message, StringComparison.Ordinal);
    }

    private Task<SyncSummary> SyncAsync(string extra)
    {
        // One table at a time, a before b: b is read after the row has landed in it.
        project.Write("syncs/s.yml", $"name: s\nsource: pg\ntarget_schema: lake\n{extra}streams:\n  - select: \"{pg.Schema}.*\"\n");
        return Runner().RunAsync("s", new SyncRunOptions(Threads: 1), CancellationToken.None);
    }

    private SyncRunner Runner() => TestConnectors.Runner(project.Root, Racing());

    private ConnectorRegistry Registry() => TestConnectors.Registry(Racing());

    private ConnectorType Racing() => TestConnectors.Wrapped("postgres", "racing_postgres", inner => new RacingSource(inner, this));

    /// <summary>Commits a row into b as the read of a begins.</summary>
    private sealed class RacingSource(IConnection inner, RunSnapshotTests test) : DelegatingSplittingSource(inner)
    {
        public override async IAsyncEnumerable<ColumnBatch> ReadAsync(ReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (request.Stream.Id.Name == "a" && Interlocked.Increment(ref test.inserted) == 1)
            {
                await test.pg.ExecuteAsync($"INSERT INTO \"{test.pg.Schema}\".b VALUES (2)");
            }

            await foreach (var batch in base.ReadAsync(request, cancellationToken))
            {
                yield return batch;
            }
        }
    }
}
