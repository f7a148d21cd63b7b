using Microsoft.Data.Sqlite;
using Nagare.Core.Connectors;
using Nagare.DuckDb;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>Connector pairs end to end through the engine: files, SQLite and the warehouse as source, the warehouse and PostgreSQL as destination.</summary>
[Trait("Category", "Integration")]
public sealed class PairSyncTests : IAsyncLifetime
{
    private readonly TempProject project = new();
    private TestPostgres pg = null!;

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("rt_pair");
        project.Write("nagare.yml", "name: t\n").Write("connections/pg.yml", pg.ConnectionYaml("pg"));
    }

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        project.Dispose();
    }

    [Fact]
    public async Task Sync_CsvAndNdjsonFolderToWarehouse_LoadsTypesCountsAndValues()
    {
        project.Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nfile_columns: false\n")
            .Write("drop/products.csv", "id,name,price,added\n1,Apple,1.50,2024-01-02\n2,\"Pear, green\",2.25,2024-02-03\n3,,0.10,2024-03-04\n")
            .Write("drop/events/a.ndjson", "{\"id\": 1, \"kind\": \"click\", \"ok\": true}\n{\"id\": 2, \"kind\": \"view\", \"ok\": false}\n")
            .Write("drop/events/b.ndjson", "{\"id\": 3, \"kind\": \"naïve ☃\", \"ok\": null}\n");

        var summary = await project.SyncAsync("name: s\nsource: drop\ntarget_schema: lake\nstreams:\n  - select: products\n  - select: events\n");

        Assert.True(summary.Succeeded, string.Join("; ", summary.Streams.Select(s => s.Message)));
        Assert.Equal([("lake.events", 3L), ("lake.products", 3L)], summary.Streams.Select(s => (s.Table, s.RowsWritten)).OrderBy(t => t.Table, StringComparer.Ordinal));
        Assert.Equal(
            ["id|BIGINT", "name|VARCHAR", "price|DOUBLE", "added|DATE"],
            project.QueryWarehouse("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'lake' AND table_name = 'products' ORDER BY ordinal_position"));
        Assert.Equal(
            ["1|Apple|1.5|2024-01-02", "2|Pear, green|2.25|2024-02-03", "3|NULL|0.1|2024-03-04"],
            project.QueryWarehouse("SELECT id, name, price, CAST(added AS VARCHAR) FROM lake.products ORDER BY id"));
        Assert.Equal(
            ["id|BIGINT", "kind|VARCHAR", "ok|BOOLEAN"],
            project.QueryWarehouse("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'lake' AND table_name = 'events' ORDER BY ordinal_position"));
        Assert.Equal(
            ["1|click|True", "2|view|False", "3|naïve ☃|NULL"],
            project.QueryWarehouse("SELECT id, kind, ok FROM lake.events ORDER BY id"));
    }

    [Fact]
    public async Task Sync_WarehouseToPostgresMerge_UpdatesChangedRowsAndInsertsNewOnes()
    {
        var config = ProjectLoader.Load(project.Root);
        WarehouseExecute(config, """
            CREATE SCHEMA lake;
            CREATE TABLE lake.items (id INTEGER PRIMARY KEY, name VARCHAR, price DECIMAL(10,2), seen TIMESTAMPTZ);
            INSERT INTO lake.items SELECT i, 'item ' || i, i * 1.25, TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * INTERVAL 1 MICROSECOND FROM range(1, 1001) t(i);
            """);
        var body = $"name: s\nsource: warehouse\ndestination: pg\ntarget_schema: {pg.Schema}_dst\nstreams:\n  - select: lake.items\n    mode: merge\n";

        var first = await project.SyncAsync(body);
        WarehouseExecute(config, "UPDATE lake.items SET name = 'renamed', price = 99.99 WHERE id IN (2, 500); INSERT INTO lake.items VALUES (1001, 'new', 0.01, NULL);");
        var second = await project.SyncAsync(body);

        Assert.True(first.Succeeded, first.Streams[0].Message);
        Assert.Equal(1000, first.Streams[0].RowsWritten);
        Assert.True(second.Succeeded, second.Streams[0].Message);
        Assert.Equal(WriteMode.Merge, second.Streams[0].Mode);
        var dst = $"\"{pg.Schema}_dst\".items";
        Assert.Equal(new object?[] { 1001L, 1001L }, (await pg.QueryAsync($"SELECT count(*), count(DISTINCT id) FROM {dst}"))[0]);
        var rows = await pg.QueryAsync($"SELECT id, name, price, to_char(seen AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM {dst} WHERE id IN (1, 2, 500, 1001) ORDER BY id");
        Assert.Equal(
            ["1|item 1|1.25|2024-01-01 00:00:00.000001", "2|renamed|99.99|2024-01-01 00:00:00.000002", "500|renamed|99.99|2024-01-01 00:00:00.000500", "1001|new|0.01|NULL"],
            rows.Select(TempProject.FormatRow));
        Assert.Equal(1L, await pg.ScalarAsync($"SELECT count(*) FROM pg_index WHERE indrelid = '{dst}'::regclass AND indisprimary"));
    }

    [Fact]
    public async Task Sync_SqliteToWarehouseIncremental_SecondRunCopiesOnlyNewRows()
    {
        var file = project.PathOf("app.db");
        SqliteExecute(file, """
            CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, amount REAL);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
            INSERT INTO events SELECT i, 'k' || (i % 3), i * 0.5 FROM n;
            """);
        project.Write("connections/app.yml", $"name: app\ntype: sqlite\npath: {file}\n");
        var body = "name: s\nsource: app\ntarget_schema: lake\nstreams:\n  - select: main.events\n    mode: incremental\n    cursor: id\n";

        var first = await project.SyncAsync(body);
        SqliteExecute(file, "INSERT INTO events VALUES (501, 'late', 1.0), (502, 'later', NULL);");
        var second = await project.SyncAsync(body);
        var third = await project.SyncAsync(body);

        Assert.True(first.Succeeded, first.Streams[0].Message);
        Assert.Equal((500L, 500L), (first.Streams[0].RowsRead, first.Streams[0].RowsWritten));
        Assert.True(second.Succeeded, second.Streams[0].Message);
        Assert.Equal((2L, 2L), (second.Streams[0].RowsRead, second.Streams[0].RowsWritten));
        Assert.Equal(0L, third.Streams[0].RowsRead);
        Assert.Equal(["502|502|126253|626260"], project.QueryWarehouse("SELECT count(*), count(DISTINCT id), sum(id), CAST(sum(amount) * 10 AS BIGINT) FROM lake.events"));
        Assert.Equal(["501|late|1", "502|later|NULL"], project.QueryWarehouse("SELECT id, kind, amount FROM lake.events WHERE id > 500 ORDER BY id"));
    }

    private static void WarehouseExecute(ProjectConfig config, string sql)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(config.WarehousePath)!);
        using var duck = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = config.WarehousePath }.ConnectionString);
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void SqliteExecute(string file, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
