using Nagare.Core.Connectors;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>
/// Chunked copies from the real PostgreSQL into the warehouse and into PostgreSQL: what a merge with a cursor reads
/// once the table is chunked, and what a run that resumes an interrupted one publishes when the source changed in
/// between. The interruption is a real failure: a NaN in one chunk's range that the decimal column cannot hold.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ChunkedResumeTests : IAsyncLifetime
{
    private const int Rows = 8000;
    private const int Chunks = 8;

    /// <summary>In the last chunk's key range.</summary>
    private const int BadRow = 7500;

    private readonly TempProject project = new();
    private TestPostgres pg = null!;

    private string Src => pg.Schema;

    private string Dst => pg.Schema + "_dst";

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("rt_chunk");
        project.Write("nagare.yml", "name: t\n").Write("connections/pg.yml", pg.ConnectionYaml("pg"));
        await pg.ExecuteAsync($"""
            CREATE TABLE "{Src}".t (id bigint PRIMARY KEY, v text NOT NULL, n numeric(12,2), updated_at timestamptz NOT NULL);
            INSERT INTO "{Src}".t SELECT g, 'v' || g, g * 0.5, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, {Rows}) g;
            ANALYZE "{Src}".t;
            """);
    }

    public async Task DisposeAsync()
    {
        await pg.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Dst}\" CASCADE");
        await pg.DisposeAsync();
        project.Dispose();
    }

    [Theory]
    [InlineData("warehouse")]
    [InlineData("pg")]
    public async Task Sync_ChunkedMergeWithStoredCursor_ReadsOnlyRowsPastIt(string destination)
    {
        var runner = Runner(destination, "mode: merge\n    cursor: updated_at");
        var first = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);
        await pg.ExecuteAsync($"UPDATE \"{Src}\".t SET v = v || ' changed', updated_at = timestamptz '2025-01-01 00:00:00+00' + id * interval '1 second' WHERE id % 900 = 0");

        var second = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);
        var third = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);

        Assert.True(first.Succeeded, first.Streams[0].Message);
        Assert.Equal((Rows, Chunks), (first.Streams[0].RowsRead, first.Streams[0].Chunks));
        Assert.True(second.Succeeded, second.Streams[0].Message);
        Assert.Equal(8, second.Streams[0].RowsRead);
        Assert.Equal(Chunks, second.Streams[0].Chunks);
        Assert.Equal(8, second.Streams[0].Changes!.RowsUpdated);
        Assert.Equal(0, third.Streams[0].RowsRead);
        Assert.Equal(await SourceDigestAsync(), await DestinationDigestAsync(destination));
    }

    [Theory]
    [InlineData("warehouse")]
    [InlineData("pg")]
    public async Task Sync_ResumedChunkedMerge_MergesRowsChangedInStagedChunksSinceTheInterruptedRun(string destination)
    {
        var runner = Runner(destination, "mode: merge\n    cursor: updated_at");
        await pg.ExecuteAsync($"UPDATE \"{Src}\".t SET n = 'NaN' WHERE id = {BadRow}");
        var interrupted = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);

        // Changes in every key range, one of them a new key below the first, and the bad value mended.
        await pg.ExecuteAsync($"""
            UPDATE "{Src}".t SET v = v || ' changed', updated_at = timestamptz '2025-01-01 00:00:00+00' + id * interval '1 second' WHERE id % 250 = 0;
            UPDATE "{Src}".t SET n = 1, updated_at = timestamptz '2025-06-01 00:00:00+00' WHERE id = {BadRow};
            INSERT INTO "{Src}".t VALUES (0, 'new', 0, timestamptz '2025-06-02 00:00:00+00');
            """);
        var resumed = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);
        var next = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);

        Assert.False(interrupted.Succeeded);
        Assert.Contains("1 of 8 chunks failed", interrupted.Streams[0].Message, StringComparison.Ordinal);
        Assert.True(resumed.Succeeded, resumed.Streams[0].Message);
        Assert.Equal((Chunks - 1, 1), (resumed.Streams[0].ChunksResumed, resumed.Streams[0].Chunks));
        // 28 changed rows and the new one lie in the staged chunks; the last chunk is read whole.
        Assert.Contains("resumed after 7 already staged; 29 rows changed in those since the interrupted run were read again", resumed.Streams[0].Message, StringComparison.Ordinal);
        Assert.Equal(await SourceDigestAsync(), await DestinationDigestAsync(destination));
        Assert.True(next.Succeeded, next.Streams[0].Message);
        Assert.Equal(0, next.Streams[0].RowsRead);
    }

    [Theory]
    [InlineData("warehouse", "mode: full_refresh")]
    [InlineData("pg", "mode: full_refresh")]
    [InlineData("warehouse", "mode: merge\n    delete_detection: hard")]
    public async Task Sync_ResumedChunkedLoadWithoutCursor_ReadsStagedChunksAgainAndPublishesTheSource(string destination, string mode)
    {
        var runner = Runner(destination, mode);
        await pg.ExecuteAsync($"UPDATE \"{Src}\".t SET n = 'NaN' WHERE id = {BadRow}");
        var interrupted = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);
        await pg.ExecuteAsync($"""
            UPDATE "{Src}".t SET v = v || ' changed' WHERE id % 250 = 0;
            DELETE FROM "{Src}".t WHERE id % 1000 = 1;
            UPDATE "{Src}".t SET n = 1 WHERE id = {BadRow};
            """);

        var rerun = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);

        Assert.False(interrupted.Succeeded);
        Assert.True(rerun.Succeeded, rerun.Streams[0].Message);
        Assert.Equal((0, Chunks), (rerun.Streams[0].ChunksResumed, rerun.Streams[0].Chunks));
        Assert.Contains("all read again: the 7 staged by an interrupted run may have changed since", rerun.Streams[0].Message, StringComparison.Ordinal);
        Assert.Equal(Rows - 8, rerun.Streams[0].RowsRead);
        Assert.Equal(await SourceDigestAsync(), await DestinationDigestAsync(destination));
    }

    [Fact]
    public async Task Sync_Filter_ReadsOnlyMatchingRowsInEveryChunk()
    {
        project.Write("syncs/s.yml", $"name: s\nsource: pg\ntarget_schema: lake\nvars: {{ every: \"4\" }}\nstreams:\n  - select: \"{Src}.t\"\n    filter: \"id % {{{{ every }}}} = 0\"\n    chunking: {{ chunks: {Chunks} }}\n");
        var runner = new SyncRunner(ProjectLoader.Load(project.Root), ConnectorRegistry.Default, TimeProvider.System);

        var summary = await runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None);

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal((Rows / 4L, Chunks), (summary.Streams[0].RowsWritten, summary.Streams[0].Chunks));
        Assert.Equal(["2000|0"], project.QueryWarehouse("SELECT count(*), count(*) FILTER (WHERE id % 4 <> 0) FROM lake.t"));
    }

    [Fact]
    public async Task Sync_NothingMatches_SaysWhatWasSearched()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".orders_2024 (id int PRIMARY KEY)");
        project.Write("syncs/s.yml", $"name: s\nsource: pg\nstreams:\n  - select: \"{Src}.invoices_*\"\n  - select: \"{Src}.x_*\"\n");
        project.Write("syncs/e.yml", $"name: e\nsource: pg\nstreams:\n  - select: \"{Src}_none.*\"\n");
        var runner = new SyncRunner(ProjectLoader.Load(project.Root), ConnectorRegistry.Default, TimeProvider.System);

        var some = await Assert.ThrowsAsync<Core.NagareException>(() => runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None));
        var none = await Assert.ThrowsAsync<Core.NagareException>(() => runner.RunAsync("e", new SyncRunOptions(), CancellationToken.None));

        Assert.Equal($"Sync 's' selected no streams: 2 tables were found in schema '{Src}' of 'pg', none matches '{Src}.invoices_*', '{Src}.x_*'.", some.Message);
        Assert.Equal($"Sync 'e' selected no streams: no table or view in schema '{Src}_none' of 'pg' matches '{Src}_none.*'.", none.Message);
    }

    [Fact]
    public async Task Sync_LiteralSelectionNamingNoTable_FailsWithDidYouMeanBeforeCopying()
    {
        project.Write("syncs/s.yml", $"name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"{Src}.t\"\n  - select: \"{Src}.tt\"\n");
        var runner = new SyncRunner(ProjectLoader.Load(project.Root), ConnectorRegistry.Default, TimeProvider.System);

        var e = await Assert.ThrowsAsync<Core.NagareException>(() => runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None));

        Assert.Equal($"Sync 's': stream selection '{Src}.tt' names no table of 'pg' (did you mean '{Src}.t'?).", e.Message);
        Assert.False(File.Exists(project.PathOf(".nagare/warehouse.duckdb")) && project.QueryWarehouse("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'lake'").Single() != "0");
    }

    [Fact]
    public async Task Sync_ModeTheDestinationCannotWrite_FailsWhenPlannedNamingTheModesItCan()
    {
        project.Write("connections/out.yml", "name: out\ntype: files\npath: out\nformat: csv\n");
        project.Write("syncs/s.yml", $"name: s\nsource: pg\ndestination: out\nstreams:\n  - select: \"{Src}.t\"\n    mode: merge\n");
        var runner = new SyncRunner(ProjectLoader.Load(project.Root), ConnectorRegistry.Default, TimeProvider.System);

        var e = await Assert.ThrowsAsync<Core.NagareException>(() => runner.RunAsync("s", new SyncRunOptions(), CancellationToken.None));

        Assert.Equal($"Sync 's': {Src}.t would be written with mode merge, which destination 'out' (files) cannot write; it writes append, full_refresh, incremental.", e.Message);
        Assert.False(Directory.Exists(project.PathOf("out")) && Directory.EnumerateFiles(project.PathOf("out"), "*.csv", SearchOption.AllDirectories).Any());
    }

    private SyncRunner Runner(string destination, string mode)
    {
        var target = destination == "pg" ? $"destination: pg\ntarget_schema: {Dst}" : "target_schema: lake";
        project.Write("syncs/s.yml", $"name: s\nsource: pg\n{target}\nstreams:\n  - select: \"{Src}.t\"\n    {mode}\n    chunking: {{ chunks: {Chunks} }}\n");
        return new SyncRunner(ProjectLoader.Load(project.Root), ConnectorRegistry.Default, TimeProvider.System);
    }

    private const string Digest = "count(*) || '/' || md5(string_agg(id::text || ':' || v || ':' || coalesce(n::text, '-'), ',' ORDER BY id))";

    private async Task<string> SourceDigestAsync() => (string)(await pg.ScalarAsync($"SELECT {Digest} FROM \"{Src}\".t"))!;

    private async Task<string> DestinationDigestAsync(string destination) => destination == "pg"
        ? (string)(await pg.ScalarAsync($"SELECT {Digest} FROM \"{Dst}\".t"))!
        : project.QueryWarehouse($"SELECT {Digest} FROM lake.t").Single();
}
