using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>Syncs between two schemas of the real test PostgreSQL server.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresSyncTests : IAsyncLifetime
{
    private readonly TempProject project = new();
    private TestPostgres pg = null!;

    private string Src => pg.Schema;

    private string Dst => pg.Schema + "_dst";

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("rt_sync");
        project.Write("nagare.yml", "name: t\n").Write("connections/pg.yml", pg.ConnectionYaml("pg"));
    }

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        project.Dispose();
    }

    private async Task<SyncSummary> SyncAsync(string body, SyncRunOptions? options = null)
    {
        project.Write("syncs/s.yml", $"name: s\nsource: pg\ndestination: pg\ntarget_schema: {Dst}\n{body}");
        var config = ProjectLoader.Load(project.Root);
        return await new SyncRunner(config, ConnectorRegistry.Default, TimeProvider.System).RunAsync("s", options ?? new SyncRunOptions(), CancellationToken.None);
    }

    [Fact]
    public async Task Sync_IncrementalTwice_SecondRunCopiesOnlyNewRows()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".events (id bigint PRIMARY KEY, name text, amount numeric(12,2)); INSERT INTO \"{Src}\".events SELECT g, 'e' || g, g * 1.25 FROM generate_series(1, 1000) g;");
        var body = $"streams:\n  - select: \"{Src}.events\"\n    mode: incremental\n    cursor: id\n";

        var first = await SyncAsync(body);
        await pg.ExecuteAsync($"INSERT INTO \"{Src}\".events SELECT g, 'e' || g, g * 1.25 FROM generate_series(1001, 1010) g;");
        var second = await SyncAsync(body);

        Assert.True(first.Succeeded, first.Streams[0].Message);
        Assert.Equal(1000, first.Streams[0].RowsWritten);
        Assert.True(second.Succeeded, second.Streams[0].Message);
        Assert.Equal(10, second.Streams[0].RowsRead);
        Assert.Equal(1010L, await pg.ScalarAsync($"SELECT count(*) FROM \"{Dst}\".events"));
        Assert.Equal(1010L, await pg.ScalarAsync($"SELECT count(DISTINCT id) FROM \"{Dst}\".events"));
        Assert.Equal(1262.50m, await pg.ScalarAsync($"SELECT amount FROM \"{Dst}\".events WHERE id = 1010"));
    }

    [Fact]
    public async Task Sync_Merge_UpdatesChangedRowsAndInsertsNewOnes()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".customers (id int PRIMARY KEY, name text); INSERT INTO \"{Src}\".customers VALUES (1, 'Aiko'), (2, 'Ben');");
        var body = $"streams:\n  - select: \"{Src}.customers\"\n    mode: merge\n";

        await SyncAsync(body);
        await pg.ExecuteAsync($"UPDATE \"{Src}\".customers SET name = 'Benjamin' WHERE id = 2; INSERT INTO \"{Src}\".customers VALUES (3, 'Chie');");
        var summary = await SyncAsync(body);

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        var rows = await pg.QueryAsync($"SELECT id, name FROM \"{Dst}\".customers ORDER BY id");
        Assert.Equal(["1 Aiko", "2 Benjamin", "3 Chie"], rows.Select(r => $"{r[0]} {r[1]}"));
        var changes = summary.Streams[0].Changes;
        Assert.NotNull(changes);
        Assert.Equal((1L, 1L, 1L, 0L), (changes.RowsInserted, changes.RowsUpdated, changes.RowsUnchanged, changes.RowsDeleted));
    }

    [Fact]
    public async Task Sync_FanIn_LoadsEveryShardWithSourceColumn()
    {
        await pg.ExecuteAsync($"""
            CREATE TABLE "{Src}".orders_a (id int PRIMARY KEY, amount numeric(10,2));
            CREATE TABLE "{Src}".orders_b (id bigint PRIMARY KEY, amount numeric(12,3), note text);
            INSERT INTO "{Src}".orders_a VALUES (1, 10.50), (2, 20.00);
            INSERT INTO "{Src}".orders_b VALUES (1, 5.125, 'x');
            """);

        var summary = await SyncAsync($"streams:\n  - select: \"{Src}.orders_*\"\n    into: orders_all\n");

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        var rows = await pg.QueryAsync($"SELECT _source, id, amount, note FROM \"{Dst}\".orders_all ORDER BY _source, id");
        Assert.Equal(
            [$"{Src}.orders_a 1 10.500 ", $"{Src}.orders_a 2 20.000 ", $"{Src}.orders_b 1 5.125 x"],
            rows.Select(r => $"{r[0]} {r[1]} {r[2]} {r[3]}"));
    }

    [Fact]
    public async Task Sync_IncrementalFanInOfMoreTablesThanOneStatementReads_EachTableKeepsItsOwnCursor()
    {
        // 120 tables are read in COPYs of up to 50 tables each; every table's cursor is its own.
        await pg.ExecuteAsync($"""
            DO $$ BEGIN FOR t IN 1..120 LOOP
              EXECUTE format('CREATE TABLE %I.%I (id bigint PRIMARY KEY, at timestamptz)', '{Src}', 'ev_' || lpad(t::text, 3, '0'));
              EXECUTE format('INSERT INTO %I.%I SELECT %s * 1000 + g, timestamptz ''2024-01-01 00:00:00+00'' + (%s + g) * interval ''1 minute'' FROM generate_series(1, 3) g',
                '{Src}', 'ev_' || lpad(t::text, 3, '0'), t, t);
            END LOOP; END $$;
            """);
        var body = $"streams:\n  - select: \"{Src}.ev_*\"\n    into: events\n    mode: incremental\n    cursor: at\n";
        var first = await SyncAsync(body);

        // A new row in three tables, each later than anything its own table had but earlier than what others have.
        await pg.ExecuteAsync($"""
            INSERT INTO "{Src}".ev_007 VALUES (7100, timestamptz '2024-01-01 00:00:00+00' + interval '20 minute');
            INSERT INTO "{Src}".ev_051 VALUES (51100, timestamptz '2024-01-01 00:00:00+00' + interval '60 minute');
            INSERT INTO "{Src}".ev_120 VALUES (120100, timestamptz '2024-01-01 00:00:00+00' + interval '200 minute');
            """);
        var second = await SyncAsync(body);

        Assert.True(first.Succeeded, first.Streams[0].Message);
        Assert.Equal(360, first.Streams[0].RowsWritten);
        Assert.True(second.Succeeded, second.Streams[0].Message);
        Assert.Equal(3, second.Streams[0].RowsRead);
        var rows = await pg.QueryAsync($"SELECT count(*), count(DISTINCT id), count(DISTINCT _source), sum(CASE WHEN id IN (7100, 51100, 120100) THEN 1 ELSE 0 END) FROM \"{Dst}\".events");
        Assert.Equal("363 363 120 3", string.Join(" ", rows[0]));
        var added = await pg.QueryAsync($"SELECT _source, id FROM \"{Dst}\".events WHERE id % 1000 = 100 ORDER BY id");
        Assert.Equal([$"{Src}.ev_007 7100", $"{Src}.ev_051 51100", $"{Src}.ev_120 120100"], added.Select(r => $"{r[0]} {r[1]}"));
    }

    [Fact]
    public async Task Sync_FanInOfManySourcesInSmallBatches_WarehouseGetsEveryRowOnce_AndAFailingSourceKeepsTheOldTable()
    {
        // Sources are read ahead of the writer: 12 tables of 50 rows in batches of 7 is 96 batches through a short queue.
        project.Write("nagare.yml", "name: t\ndefaults:\n  batch_size: 7\n");
        for (var t = 1; t <= 12; t++)
        {
            await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".orders_{t:00} (id bigint PRIMARY KEY, amount numeric(10,2)); INSERT INTO \"{Src}\".orders_{t:00} SELECT g + {t * 1000}, g * 0.5 FROM generate_series(1, 50) g;");
        }

        var body = $"name: w\nsource: pg\ndestination: warehouse\ntarget_schema: raw\nstreams:\n  - select: \"{Src}.orders_*\"\n    into: orders_all\n";
        project.Write("syncs/w.yml", body);
        var first = await new SyncRunner(ProjectLoader.Load(project.Root), ConnectorRegistry.Default, TimeProvider.System).RunAsync("w", new SyncRunOptions(), CancellationToken.None);
        await pg.ExecuteAsync($"CREATE VIEW \"{Src}\".orders_13 AS SELECT g::bigint + 13000 AS id, (1.0 / (g - 25))::numeric(10,2) AS amount FROM generate_series(1, 50) g");
        var second = await new SyncRunner(ProjectLoader.Load(project.Root), ConnectorRegistry.Default, TimeProvider.System).RunAsync("w", new SyncRunOptions(), CancellationToken.None);

        Assert.True(first.Succeeded, first.Streams[0].Message);
        Assert.Equal(600, first.Streams[0].RowsWritten);
        Assert.False(second.Succeeded);
        Assert.Contains("division by zero", second.Streams[0].Message, StringComparison.Ordinal);
        using var warehouse = Warehouse.Open(project.PathOf(".nagare/warehouse.duckdb"));
        using var command = warehouse.CreateCommand();
        command.CommandText = "SELECT count(*), count(DISTINCT id), count(DISTINCT _source), CAST(sum(id) AS BIGINT), min(c), max(c) FROM raw.orders_all, (SELECT _source AS s, count(*) AS c FROM raw.orders_all GROUP BY ALL) WHERE s = _source";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((600L, 600L, 12L, (78L * 1000 * 50) + (12 * 1275), 50L, 50L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
    }

    [Fact]
    public async Task Sync_MaskAndRename_WritesHashOfKnownValue()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".users (id int PRIMARY KEY, email text, pw text); INSERT INTO \"{Src}\".users VALUES (1, 'hello', 'secret');");

        var summary = await SyncAsync($"columns:\n  \"*.email\": {{ mask: sha256 }}\nstreams:\n  - select: \"{Src}.users\"\n    columns:\n      pw: {{ exclude: true }}\n      id: {{ rename: user_id }}\n");

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        var row = Assert.Single(await pg.QueryAsync($"SELECT * FROM \"{Dst}\".users"));
        Assert.Equal([1, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"], row);
    }

    [Fact]
    public async Task Sync_IncompatibleChange_FailsThatStreamOnlyAndKeepsOldData()
    {
        await pg.ExecuteAsync($"""
            CREATE TABLE "{Src}".a (id int PRIMARY KEY, v int); INSERT INTO "{Src}".a VALUES (1, 1);
            CREATE TABLE "{Src}".b (id int PRIMARY KEY, v int); INSERT INTO "{Src}".b VALUES (1, 1);
            """);
        var body = $"streams:\n  - select: \"{Src}.*\"\n    mode: append\n";
        var first = await SyncAsync(body);
        Assert.True(first.Succeeded, string.Join("; ", first.Streams.Select(s => s.Message)));

        await pg.ExecuteAsync($"""
            ALTER TABLE "{Src}".a ALTER COLUMN v TYPE uuid USING gen_random_uuid();
            ALTER TABLE "{Src}".b ADD COLUMN extra text; UPDATE "{Src}".b SET extra = 'new';
            """);
        var summary = await SyncAsync(body);

        var a = summary.Streams.Single(s => s.Table.EndsWith(".a", StringComparison.Ordinal));
        var b = summary.Streams.Single(s => s.Table.EndsWith(".b", StringComparison.Ordinal));
        Assert.Equal(StreamStatus.Failed, a.Status);
        Assert.Contains("v", a.Message, StringComparison.Ordinal);
        Assert.True(b.Status == StreamStatus.Succeeded, b.Message);
        Assert.False(summary.Succeeded);
        Assert.Equal(1L, await pg.ScalarAsync($"SELECT count(*) FROM \"{Dst}\".a"));
        Assert.Equal(1, await pg.ScalarAsync($"SELECT v FROM \"{Dst}\".a"));
        Assert.Equal(["1 ", "1 new"], (await pg.QueryAsync($"SELECT id, extra FROM \"{Dst}\".b ORDER BY extra NULLS FIRST")).Select(r => $"{r[0]} {r[1]}"));
    }

    [Fact]
    public async Task Sync_ChunkedFullRefresh_CopiesEveryRowOnce()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{Src}\".big (id bigint PRIMARY KEY, v text); INSERT INTO \"{Src}\".big SELECT g, md5(g::text) FROM generate_series(1, 50000) g; ANALYZE \"{Src}\".big;");

        var summary = await SyncAsync($"streams:\n  - select: \"{Src}.big\"\n    chunking: {{ chunks: 8 }}\n", new SyncRunOptions(Threads: 4));

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.True(summary.Streams[0].Chunks > 1);
        Assert.Equal(new object?[] { 50000L, 50000L, 1250025000m }, (await pg.QueryAsync($"SELECT count(*), count(DISTINCT id), sum(id) FROM \"{Dst}\".big"))[0]);
    }
}
