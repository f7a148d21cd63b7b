using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;
using Nagare.Testing;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>
/// A MariaDB application database (<c>type: mariadb</c>, its password from the environment) synced into the warehouse
/// and back: the types land as the connector documents them, incremental runs read only new rows, and a merge into
/// MySQL upserts by key.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MySqlSyncTests : IAsyncLifetime
{
    private readonly TempProject project = new();
    private TestMySql mysql = null!;

    public async Task InitializeAsync()
    {
        if (MySqlFactAttribute.Unavailable is not null)
        {
            return;
        }

        mysql = await TestMySql.CreateAsync("rt_my");
        project.Write("nagare.yml", "name: t\n").Write("connections/app.yml", mysql.ConnectionYaml("app", "mariadb", "source_timezone: Asia/Tokyo"));
    }

    public async Task DisposeAsync()
    {
        if (mysql is not null)
        {
            await mysql.DisposeAsync();
        }

        project.Dispose();
    }

    [MySqlFact]
    public async Task Sync_MariaDbIntoWarehouse_TypesLandAsDocumented()
    {
        await mysql.ExecuteAsync(
            """
            CREATE TABLE orders (
                id BIGINT UNSIGNED PRIMARY KEY, paid TINYINT(1), tags SET('gift','express'), doc JSON, wide DECIMAL(65,30),
                took TIME, placed DATETIME, note VARCHAR(20)) CHARACTER SET cp932;
            INSERT INTO orders VALUES
                (18446744073709551615, 1, 'gift,express', '{"a": 1}', 1.5, '30:00:00', '2024-01-01 09:00:00', '髙橋 ①'),
                (1, 0, '', NULL, NULL, NULL, NULL, NULL);
            """);

        var summary = await SyncAsync($"name: s\nsource: app\ntarget_schema: lake\nstreams:\n  - select: \"{mysql.Database}.orders\"\n");

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal(
            ["id|UBIGINT", "paid|BOOLEAN", "tags|VARCHAR[]", "doc|JSON", "wide|VARCHAR", "took|INTERVAL", "placed|TIMESTAMP WITH TIME ZONE", "note|VARCHAR"],
            project.QueryWarehouse("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'lake' AND table_name = 'orders' ORDER BY ordinal_position"));
        var rows = project.QueryWarehouse("SELECT id, CAST(paid AS VARCHAR), CAST(tags AS VARCHAR), doc, wide, CAST(took AS VARCHAR), strftime(placed AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S'), note FROM lake.orders ORDER BY id");
        Assert.Equal("1|false|[]|NULL|NULL|NULL|NULL|NULL", rows[0]);
        Assert.Equal("18446744073709551615|true|[gift, express]|{\"a\": 1}|1.500000000000000000000000000000|30:00:00|2024-01-01 00:00:00|髙橋 ①", rows[1]);
    }

    [MySqlFact]
    public async Task Sync_IncrementalByCursor_SecondRunReadsOnlyNewRows()
    {
        await mysql.ExecuteAsync("CREATE TABLE events (id INT PRIMARY KEY, at DATETIME(6)); INSERT INTO events VALUES (1, '2024-01-01 09:00:00'), (2, '2024-01-01 10:00:00');");
        var yaml = $"name: s\nsource: app\ntarget_schema: lake\nstreams:\n  - select: \"{mysql.Database}.events\"\n    mode: incremental\n    cursor: at\n";
        var first = await SyncAsync(yaml);
        await mysql.ExecuteAsync("INSERT INTO events VALUES (3, '2024-01-01 11:00:00'), (0, '2023-12-31 00:00:00');");

        var second = await SyncAsync(yaml);

        Assert.True(second.Succeeded, second.Streams[0].Message);
        Assert.Equal((2L, 1L), (first.RowsWritten, second.RowsWritten));
        Assert.Equal(["1", "2", "3"], project.QueryWarehouse("SELECT id FROM lake.events ORDER BY id"));
    }

    [MySqlFact]
    public async Task Sync_IncrementalFanInOfMoreTablesThanOneSelectReads_EachTableKeepsItsOwnCursor()
    {
        // 60 tables are read in SELECTs of up to 50 tables each; every table's cursor is its own.
        var sql = new System.Text.StringBuilder();
        for (var t = 1; t <= 60; t++)
        {
            sql.Append($"CREATE TABLE ev_{t:000} (id BIGINT PRIMARY KEY, at DATETIME(6)); ");
            sql.Append($"INSERT INTO ev_{t:000} SELECT {t} * 1000 + seq, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL ({t} + seq) MINUTE FROM seq_1_to_3; ");
        }

        await mysql.ExecuteAsync(sql.ToString());
        var yaml = $"name: s\nsource: app\ntarget_schema: lake\nstreams:\n  - select: \"{mysql.Database}.ev_*\"\n    into: events\n    mode: incremental\n    cursor: at\n";
        var first = await SyncAsync(yaml);

        // A new row in two tables, each later than anything its own table had but earlier than what others have.
        await mysql.ExecuteAsync("INSERT INTO ev_007 VALUES (7100, TIMESTAMP '2024-01-01 00:20:00'); INSERT INTO ev_051 VALUES (51100, TIMESTAMP '2024-01-01 01:00:00');");
        var second = await SyncAsync(yaml);

        Assert.True(first.Succeeded, first.Streams[0].Message);
        Assert.Equal(180, first.Streams[0].RowsWritten);
        Assert.True(second.Succeeded, second.Streams[0].Message);
        Assert.Equal(2, second.Streams[0].RowsRead);
        Assert.Equal(["182|182|60"], project.QueryWarehouse("SELECT count(*), count(DISTINCT id), count(DISTINCT _source) FROM lake.events"));
        Assert.Equal(
            [$"{mysql.Database}.ev_007|7100", $"{mysql.Database}.ev_051|51100"],
            project.QueryWarehouse("SELECT _source, id FROM lake.events WHERE id % 1000 = 100 ORDER BY id"));
    }

    [MySqlFact]
    public async Task Sync_SnapshotRun_ReadsEveryTableOnTheRunsSnapshot()
    {
        // Chunks of one table and two more tables, every read taking its turn on the one snapshot session.
        await mysql.ExecuteAsync("""
            CREATE TABLE orders (id INT PRIMARY KEY, total INT); INSERT INTO orders SELECT seq, seq FROM seq_1_to_5000;
            CREATE TABLE order_lines (id INT PRIMARY KEY, order_id INT); INSERT INTO order_lines SELECT seq, seq FROM seq_1_to_300;
            CREATE TABLE customers (id INT PRIMARY KEY); INSERT INTO customers SELECT seq FROM seq_1_to_7;
            """);

        var summary = await SyncAsync($"name: s\nsource: app\ntarget_schema: lake\nsnapshot: run\nstreams:\n  - select: \"{mysql.Database}.orders\"\n    chunking: {{ chunks: 4 }}\n  - select: \"{mysql.Database}.*\"\n");

        Assert.True(summary.Succeeded, string.Join("; ", summary.Streams.Select(s => s.Message)));
        Assert.Equal(4, summary.Streams.Single(s => s.Table.EndsWith("orders", StringComparison.Ordinal)).Chunks);
        Assert.Equal(["5000|12502500"], project.QueryWarehouse("SELECT count(*), sum(total) FROM lake.orders"));
        Assert.Equal(["300|7"], project.QueryWarehouse("SELECT (SELECT count(*) FROM lake.order_lines), (SELECT count(*) FROM lake.customers)"));
    }

    [MySqlFact]
    public async Task Sync_WarehouseMergedIntoMySql_UpsertsByKeyWithStateInTheDatabase()
    {
        project.Write("connections/out.yml", mysql.ConnectionYaml("out"));
        Warehouse("CREATE SCHEMA mart; CREATE TABLE mart.customers AS SELECT i AS id, 'name ' || i AS name, i * 1.5 AS spend FROM range(1, 6) t(i)");
        var yaml = $"name: s\nsource: warehouse\ndestination: out\ntarget_schema: {mysql.Database}\nstreams:\n  - select: mart.customers\n    mode: merge\n    primary_key: [id]\n";
        var first = await SyncAsync(yaml);
        Warehouse("UPDATE mart.customers SET name = 'renamed' WHERE id = 2; INSERT INTO mart.customers VALUES (6, 'new', 9.0)");

        var second = await SyncAsync(yaml);

        Assert.True(first.Succeeded, first.Streams[0].Message);
        Assert.True(second.Succeeded, second.Streams[0].Message);
        Assert.Equal(
            ["1|name 1", "2|renamed", "3|name 3", "4|name 4", "5|name 5", "6|new"],
            await mysql.QueryAsync("SELECT id, name FROM customers ORDER BY id"));
        Assert.Equal([$"s|{mysql.Database}.customers"], await mysql.QueryAsync("SELECT sync_name, state_key FROM _nagare_sync_state"));
    }

    [MySqlFact]
    public async Task Sync_ChunkedCopyOfAnUnsignedKey_EveryRowOnceFromOneSnapshot()
    {
        await mysql.ExecuteAsync("CREATE TABLE big (id BIGINT UNSIGNED PRIMARY KEY, n INT); INSERT INTO big SELECT seq * 1000003, seq FROM seq_1_to_20000;");

        var summary = await SyncAsync($"name: s\nsource: app\ntarget_schema: lake\nstreams:\n  - select: \"{mysql.Database}.big\"\n    chunking: {{ chunks: 4 }}\n");

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal(["20000|20000|200010000"], project.QueryWarehouse("SELECT count(*), count(DISTINCT id), sum(n) FROM lake.big"));
    }

    private void Warehouse(string sql)
    {
        var config = ProjectLoader.Load(project.Root);
        Directory.CreateDirectory(Path.GetDirectoryName(config.WarehousePath)!);
        using var duck = new Nagare.DuckDb.DuckDbConnection(new Nagare.DuckDb.DuckDbConnectionStringBuilder { DataSource = config.WarehousePath }.ConnectionString);
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private async Task<SyncSummary> SyncAsync(string syncYaml)
    {
        project.Write("syncs/s.yml", syncYaml);
        var config = ProjectLoader.Load(project.Root, environment: name => name == "MYSQL_TEST_PASSWORD" ? mysql.Password : Environment.GetEnvironmentVariable(name));
        return await new SyncRunner(config, ConnectorRegistry.Default, TimeProvider.System).RunAsync("s", new SyncRunOptions(), CancellationToken.None);
    }
}
