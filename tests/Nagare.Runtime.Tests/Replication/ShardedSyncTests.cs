using Nagare.Core.Connectors;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;
using Nagare.Runtime.Replication;
using Nagare.Runtime.Tests.Infrastructure;
using Nagare.Testing;
using Npgsql;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>
/// One sync over several source connections (a template's shards, real PostgreSQL databases and MariaDB databases):
/// same-named tables land in one warehouse table with <c>_source</c> naming connection and table, each connection
/// loads, fails and keeps its state alone, and a full refresh or delete detection touches only that connection's rows.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ShardedSyncTests : IAsyncLifetime
{
    private readonly TempProject project = new();
    private readonly string prefix = "nagare_shard_" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> databases = [];

    public Task InitializeAsync()
    {
        project.Write("nagare.yml", "name: t\n");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var database in databases)
        {
            await AdminAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
        }

        project.Dispose();
    }

    [Fact]
    public async Task Sync_FourPostgresShards_OneTablePerShapeWithSourceColumn()
    {
        await ShardsAsync("a", "b", "c", "d");
        project.Write("syncs/s.yml", "name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: \"public.*\"\n");

        var summary = await RunAsync();

        Assert.True(summary.Succeeded, string.Join("; ", summary.Streams.Select(s => s.Message)));
        // Every shard answered: each table is replaced once, from all of them.
        Assert.Equal(["pg.a:public.orders (+3 more)"], summary.Streams.Where(s => s.Table == "lake.orders").Select(s => s.Stream));
        Assert.Equal(
            ["1|a-1|pg.a:public.orders", "1|b-1|pg.b:public.orders", "1|c-1|pg.c:public.orders", "1|d-1|pg.d:public.orders",
             "2|a-2|pg.a:public.orders", "2|b-2|pg.b:public.orders", "2|c-2|pg.c:public.orders", "2|d-2|pg.d:public.orders"],
            project.QueryWarehouse("SELECT id, note, _source FROM lake.orders ORDER BY id, _source"));
        Assert.Equal(["4"], project.QueryWarehouse("SELECT count(*) FROM lake.customers"));
    }

    [Fact]
    public async Task Sync_OneShardUnreachable_OthersLoadAndItsRowsStay()
    {
        await ShardsAsync("a", "b");
        project.Write("syncs/s.yml", "name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: public.orders\n");
        Assert.True((await RunAsync()).Succeeded);
        await ExecuteAsync("b", "INSERT INTO orders VALUES (3, 'b-3')");
        await AdminAsync($"DROP DATABASE \"{prefix}_a\" WITH (FORCE)");

        var summary = await RunAsync();

        Assert.False(summary.Succeeded);
        var failed = Assert.Single(summary.Streams, s => s.Status == StreamStatus.Failed);
        Assert.Equal("pg.a:*", failed.Stream);
        Assert.Contains($"{prefix}_a", failed.Message, StringComparison.Ordinal);
        Assert.Equal(
            ["pg.a:public.orders|2", "pg.b:public.orders|3"],
            project.QueryWarehouse("SELECT _source, count(*) FROM lake.orders GROUP BY _source ORDER BY _source"));
    }

    [Fact]
    public async Task Sync_FullRefreshWhereOneShardsRowsFail_LoadsTheOthersAloneAndKeepsThatShardsRows()
    {
        await ShardsAsync("a", "b", "c");
        project.Write("syncs/s.yml", "name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: public.orders\n    columns:\n      note: { cast: int32 }\n");
        await ExecuteAsync("a", "UPDATE orders SET note = id::text");
        await ExecuteAsync("b", "UPDATE orders SET note = (id * 10)::text");
        await ExecuteAsync("c", "UPDATE orders SET note = (id * 100)::text");
        Assert.True((await RunAsync()).Succeeded);
        await ExecuteAsync("a", "UPDATE orders SET note = id::text || '0'");
        await ExecuteAsync("b", "UPDATE orders SET note = 'not a number' WHERE id = 2");
        await ExecuteAsync("c", "UPDATE orders SET note = id::text || '000'");

        var summary = await RunAsync();

        Assert.Equal(
            [("pg.a:public.orders", StreamStatus.Succeeded), ("pg.b:public.orders", StreamStatus.Failed), ("pg.c:public.orders", StreamStatus.Succeeded)],
            summary.Streams.Select(s => (s.Stream, s.Status)));
        Assert.Equal(
            ["pg.a:public.orders|10", "pg.a:public.orders|20", "pg.b:public.orders|10", "pg.b:public.orders|20", "pg.c:public.orders|1000", "pg.c:public.orders|2000"],
            project.QueryWarehouse("SELECT _source, note FROM lake.orders ORDER BY _source, id"));
    }

    [Fact]
    public async Task Sync_FullRefreshWithFilter_FiltersEveryShardsRowsWhereTheyAreRead()
    {
        await ShardsAsync("a", "b");
        project.Write("syncs/s.yml", "name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: public.orders\n    filter: \"id > 1\"\n");

        var summary = await RunAsync();

        Assert.True(summary.Succeeded, string.Join("; ", summary.Streams.Select(s => s.Message)));
        Assert.Equal(["2|pg.a:public.orders", "2|pg.b:public.orders"], project.QueryWarehouse("SELECT id, _source FROM lake.orders ORDER BY _source"));
    }

    [Fact]
    public async Task Sync_EveryShardUnreachable_OneErrorNamesEachShard()
    {
        project.Write("connections/pg.yml", "name: pg\ntype: postgres\nhost: 127.0.0.1\nport: 1\nuser: nobody\nshards:\n  - database: a\n  - { name: east, database: b }\n");
        project.Write("syncs/s.yml", "name: s\nsource: pg\nstreams:\n  - select: public.orders\n");

        var error = await Assert.ThrowsAsync<Nagare.Core.NagareException>(() => RunAsync());

        Assert.StartsWith("Sync 's': none of its 2 source connections could be discovered: pg.a: PostgreSQL at 127.0.0.1:1, database 'a': ", error.Message, StringComparison.Ordinal);
        Assert.Contains("; pg.east: PostgreSQL at 127.0.0.1:1, database 'b': ", error.Message, StringComparison.Ordinal);
        Assert.Equal("Check that the server is running and reachable from this machine (host, port, firewall).", error.Hint);
    }

    [Fact]
    public async Task Sync_IncrementalPerShard_StateKeptPerShardAndOnlyNewRowsRead()
    {
        await ShardsAsync("a", "b");
        project.Write("syncs/s.yml", "name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: public.orders\n    mode: incremental\n    cursor: id\n");
        Assert.Equal(4, (await RunAsync()).RowsWritten);
        await ExecuteAsync("b", "INSERT INTO orders VALUES (3, 'b-3'), (4, 'b-4')");

        var second = await RunAsync();

        Assert.True(second.Succeeded);
        Assert.Equal([("pg.a:public.orders", 0L), ("pg.b:public.orders", 2L)], second.Streams.Select(s => (s.Stream, s.RowsWritten)).Order());
        var states = await new SyncRunner(ProjectLoader.Load(project.Root), ConnectorRegistry.Default, TimeProvider.System).ListStatesAsync("s", CancellationToken.None);
        Assert.Equal(["lake.orders@pg.a", "lake.orders@pg.b"], states.Select(s => s.Stream).Order(StringComparer.Ordinal));
        Assert.Equal(["6"], project.QueryWarehouse("SELECT count(*) FROM lake.orders"));
    }

    [Fact]
    public async Task Sync_FullRefreshWithSoftDeletes_MarksOnlyThatShardsMissingRows()
    {
        await ShardsAsync("a", "b");
        project.Write("syncs/s.yml", "name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: public.orders\n    delete_detection: soft\n");
        Assert.True((await RunAsync()).Succeeded);
        await ExecuteAsync("a", "DELETE FROM orders WHERE id = 1");
        await ExecuteAsync("b", "UPDATE orders SET note = 'b-2 changed' WHERE id = 2");

        var summary = await RunAsync();

        Assert.True(summary.Succeeded, string.Join("; ", summary.Streams.Select(s => s.Message)));
        Assert.Equal(
            ["1|a-1|pg.a:public.orders|True", "1|b-1|pg.b:public.orders|False", "2|a-2|pg.a:public.orders|False", "2|b-2 changed|pg.b:public.orders|False"],
            project.QueryWarehouse("SELECT id, note, _source, _deleted_at IS NOT NULL FROM lake.orders ORDER BY id, _source"));
    }

    [Fact]
    public async Task Sync_FullRefreshOfOneShardBySelect_LeavesTheOtherShardsRows()
    {
        await ShardsAsync("a", "b");
        project.Write("syncs/s.yml", "name: s\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: public.orders\n");
        Assert.True((await RunAsync()).Succeeded);
        await ExecuteAsync("a", "DELETE FROM orders; INSERT INTO orders VALUES (9, 'a-9')");
        await ExecuteAsync("b", "DELETE FROM orders");

        var summary = await RunAsync(new SyncRunOptions(Select: "pg.a:*"));

        Assert.Equal(["pg.a:public.orders"], summary.Streams.Select(s => s.Stream));
        Assert.Equal(
            ["1|pg.b:public.orders", "2|pg.b:public.orders", "9|pg.a:public.orders"],
            project.QueryWarehouse("SELECT id, _source FROM lake.orders ORDER BY id"));
    }

    [Fact]
    public async Task Sync_ShardsIntoPostgres_FullRefreshOfOneShardReplacesOnlyItsRows()
    {
        await ShardsAsync("a", "b");
        await OutputAsync();
        project.Write("syncs/s.yml", "name: s\nsource: pg\ndestination: out\ntarget_schema: lake\nstreams:\n  - select: public.orders\n");
        var whole = await RunAsync();
        await ExecuteAsync("out", "INSERT INTO lake.orders (id, note, _source) VALUES (7, 'other', 'elsewhere:public.orders')");
        await ExecuteAsync("a", "DELETE FROM orders; INSERT INTO orders VALUES (9, 'a-9')");
        await ExecuteAsync("b", "DELETE FROM orders");

        var one = await RunAsync(new SyncRunOptions(Select: "pg.a:*"));

        Assert.True(whole.Succeeded && one.Succeeded, string.Join("; ", one.Streams.Select(s => s.Message)));
        Assert.Equal(["pg.a:public.orders"], one.Streams.Select(s => s.Stream));
        Assert.Equal(
            ["1|pg.b:public.orders", "2|pg.b:public.orders", "7|elsewhere:public.orders", "9|pg.a:public.orders"],
            await QueryAsync("out", "SELECT id, _source FROM lake.orders ORDER BY id"));
    }

    [Fact]
    public async Task Sync_ShardsIntoPostgres_FullRefreshWithSoftDeletesMarksOnlyThatShardsMissingRows()
    {
        await ShardsAsync("a", "b");
        await OutputAsync();
        project.Write("syncs/s.yml", "name: s\nsource: pg\ndestination: out\ntarget_schema: lake\nstreams:\n  - select: public.orders\n    delete_detection: soft\n");
        Assert.True((await RunAsync()).Succeeded);
        await ExecuteAsync("a", "DELETE FROM orders WHERE id = 1");
        await ExecuteAsync("b", "UPDATE orders SET note = 'b-2 changed' WHERE id = 2");

        var one = await RunAsync(new SyncRunOptions(Select: "pg.a:*"));
        var all = await RunAsync();

        Assert.True(one.Succeeded && all.Succeeded, string.Join("; ", all.Streams.Select(s => s.Message)));
        Assert.Equal(1, one.Streams.Single().Changes!.RowsDeleted);
        Assert.Equal(
            ["1|a-1|pg.a:public.orders|True", "1|b-1|pg.b:public.orders|False", "2|a-2|pg.a:public.orders|False", "2|b-2 changed|pg.b:public.orders|False"],
            await QueryAsync("out", "SELECT id, note, _source, _deleted_at IS NOT NULL FROM lake.orders ORDER BY id, _source"));
    }

    [Fact]
    public async Task Sync_ShardsIntoPostgres_MergeWithHardDeletesOfOneShardDeletesOnlyItsRows()
    {
        await ShardsAsync("a", "b");
        await OutputAsync();
        project.Write("syncs/s.yml", "name: s\nsource: pg\ndestination: out\ntarget_schema: lake\nstreams:\n  - select: public.orders\n    mode: merge\n    delete_detection: hard\n");
        Assert.True((await RunAsync()).Succeeded);
        await ExecuteAsync("a", "DELETE FROM orders WHERE id = 2; UPDATE orders SET note = 'a-1 changed' WHERE id = 1");

        var one = await RunAsync(new SyncRunOptions(Select: "pg.a:*"));

        Assert.True(one.Succeeded, string.Join("; ", one.Streams.Select(s => s.Message)));
        Assert.Equal(
            ["1|a-1 changed|pg.a:public.orders", "1|b-1|pg.b:public.orders", "2|b-2|pg.b:public.orders"],
            await QueryAsync("out", "SELECT id, note, _source FROM lake.orders ORDER BY id, _source"));
    }

    [MySqlFact]
    public async Task Sync_ShardsIntoMariaDb_FullRefreshOfOneShardReplacesOnlyItsRows_AndMergeDeletesOnlyItsRows()
    {
        await ShardsAsync("a", "b");
        await using var my = await TestMySql.CreateAsync("rt_shard_out");
        project.Write("connections/out.yml", my.ConnectionYaml("out", "mariadb"));
        Func<string, string?> environment = name => name == "MYSQL_TEST_PASSWORD" ? my.Password : Environment.GetEnvironmentVariable(name);
        project.Write("syncs/s.yml", "name: s\nsource: pg\ndestination: out\nstreams:\n  - select: public.orders\n");
        var whole = await RunAsync(environment: environment);
        await my.ExecuteAsync("INSERT INTO orders (id, note, _source) VALUES (7, 'other', 'elsewhere:public.orders')");
        await ExecuteAsync("a", "DELETE FROM orders; INSERT INTO orders VALUES (9, 'a-9')");

        var one = await RunAsync(new SyncRunOptions(Select: "pg.a:*"), environment);

        Assert.True(whole.Succeeded && one.Succeeded, string.Join("; ", one.Streams.Select(s => s.Message)));
        Assert.Equal(
            ["1|pg.b:public.orders", "2|pg.b:public.orders", "7|elsewhere:public.orders", "9|pg.a:public.orders"],
            await my.QueryAsync("SELECT id, _source FROM orders ORDER BY id"));

        project.Write("syncs/m.yml", "name: m\nsource: pg\ndestination: out\nstreams:\n  - select: public.customers\n    mode: merge\n    delete_detection: hard\n");
        await ExecuteAsync("a", "INSERT INTO customers VALUES (2, 'a-second')");
        Assert.True((await RunAsync(environment: environment, sync: "m")).Succeeded);
        await ExecuteAsync("a", "DELETE FROM customers WHERE id = 1");

        var merged = await RunAsync(new SyncRunOptions(Select: "pg.a:*"), environment, "m");

        Assert.True(merged.Succeeded, string.Join("; ", merged.Streams.Select(s => s.Message)));
        Assert.Equal(
            ["1|b|pg.b:public.customers", "2|a-second|pg.a:public.customers"],
            await my.QueryAsync("SELECT id, name, _source FROM customers ORDER BY id, _source"));
    }

    [Fact]
    public async Task Sync_ShardsIntoDestinationWithoutScopedWrites_ReplacesWholeButRefusesOneShardsRefresh()
    {
        await ShardsAsync("a", "b");
        project.Write("connections/out.yml", "name: out\ntype: files\npath: out\nformat: parquet\n");
        project.Write("syncs/s.yml", "name: s\nsource: pg\ndestination: out\nstreams:\n  - select: public.orders\n");
        var whole = await RunAsync();

        var error = await Assert.ThrowsAsync<Nagare.Core.NagareException>(() => RunAsync(new SyncRunOptions(Select: "pg.a:*")));

        Assert.True(whole.Succeeded, string.Join("; ", whole.Streams.Select(s => s.Message)));
        Assert.Equal(4, whole.RowsWritten);
        Assert.Equal(
            "Sync 's': pg.a:public.orders would replace only the rows of 'pg.a' in orders (mode full_refresh), which destination 'out' (files) cannot do.",
            error.Message);
        Assert.Equal("Load a sync over several sources into the warehouse, PostgreSQL, MySQL or SQLite, or use mode append, incremental or merge without delete detection.", error.Hint);
    }

    [Fact]
    public async Task Sync_ShardsIntoSqlite_FullRefreshOfOneShardReplacesOnlyItsRows_AndMergeDeletesOnlyItsRows()
    {
        await ShardsAsync("a", "b");
        project.Write("connections/out.yml", "name: out\ntype: sqlite\npath: out.db\n");
        project.Write("syncs/s.yml", "name: s\nsource: pg\ndestination: out\nstreams:\n  - select: public.orders\n");
        var whole = await RunAsync();
        Sqlite("INSERT INTO orders (id, note, _source) VALUES (7, 'other', 'elsewhere:public.orders')");
        await ExecuteAsync("a", "DELETE FROM orders; INSERT INTO orders VALUES (9, 'a-9')");

        var one = await RunAsync(new SyncRunOptions(Select: "pg.a:*"));

        Assert.True(whole.Succeeded && one.Succeeded, string.Join("; ", one.Streams.Select(s => s.Message)));
        Assert.Equal(
            ["1|pg.b:public.orders", "2|pg.b:public.orders", "7|elsewhere:public.orders", "9|pg.a:public.orders"],
            Sqlite("SELECT id, _source FROM orders ORDER BY id"));

        project.Write("syncs/m.yml", "name: m\nsource: pg\ndestination: out\nstreams:\n  - select: public.customers\n    mode: merge\n    delete_detection: soft\n");
        Assert.True((await RunAsync(sync: "m")).Succeeded);
        await ExecuteAsync("a", "DELETE FROM customers WHERE id = 1");

        var merged = await RunAsync(new SyncRunOptions(Select: "pg.a:*"), sync: "m");

        Assert.True(merged.Succeeded, string.Join("; ", merged.Streams.Select(s => s.Message)));
        Assert.Equal(
            ["1|a|pg.a:public.customers|1", "1|b|pg.b:public.customers|0"],
            Sqlite("SELECT id, name, _source, _deleted_at IS NOT NULL FROM customers ORDER BY id, _source"));
    }

    [Fact]
    public async Task Sync_NamingWithSource_OneTablePerShardEvenWhereTheDestinationCannotReplaceSomeRows()
    {
        await ShardsAsync("a", "b");
        project.Write("connections/out.yml", "name: out\ntype: sqlite\npath: out.db\n");
        project.Write("syncs/s.yml", "name: s\nsource: pg\ndestination: out\nnaming: \"{source}_{table}\"\nstreams:\n  - select: public.orders\n");

        var first = await RunAsync();
        await ExecuteAsync("a", "DELETE FROM orders WHERE id = 1");
        var second = await RunAsync();

        Assert.True(first.Succeeded && second.Succeeded, string.Join("; ", second.Streams.Select(s => s.Message)));
        Assert.Equal(["pg.a:public.orders → pg_a_orders", "pg.b:public.orders → pg_b_orders"], second.Streams.Select(s => $"{s.Stream} → {s.Table}").Order(StringComparer.Ordinal));
        Assert.Equal((1L, 2L), (second.Streams.Single(s => s.Table == "pg_a_orders").RowsWritten, second.Streams.Single(s => s.Table == "pg_b_orders").RowsWritten));
    }

    [Fact]
    public async Task Sync_NamingWithSource_CopiesEachShardsBigTableInChunks_ButNotATableTheyShare()
    {
        await ShardsAsync("a", "b");
        foreach (var shard in new[] { "a", "b" })
        {
            await ExecuteAsync(shard, $"INSERT INTO orders SELECT g, '{shard}-' || g FROM generate_series(3, 302) g; ANALYZE orders;");
        }

        project.Write("syncs/own.yml", "name: own\nsource: pg\ntarget_schema: lake\nnaming: \"{source}_{table}\"\nstreams:\n  - select: public.orders\n    chunking: { chunks: 3 }\n");
        project.Write("syncs/shared.yml", "name: shared\nsource: pg\ntarget_schema: lake\nstreams:\n  - select: public.orders\n    chunking: { chunks: 3 }\n");

        var own = await RunAsync(sync: "own");
        var shared = await RunAsync(sync: "shared");

        Assert.True(own.Succeeded && shared.Succeeded, string.Join("; ", own.Streams.Concat(shared.Streams).Select(s => s.Message)));
        Assert.Equal(["lake.pg_a_orders|3|302", "lake.pg_b_orders|3|302"], own.Streams.Select(s => $"{s.Table}|{s.Chunks}|{s.RowsWritten}").Order(StringComparer.Ordinal));
        Assert.Equal(["302|302"], project.QueryWarehouse("SELECT (SELECT count(DISTINCT id) FROM lake.pg_a_orders), (SELECT count(DISTINCT id) FROM lake.pg_b_orders)"));
        Assert.All(shared.Streams, s => Assert.Equal(0, s.Chunks));
        Assert.Equal(["604"], project.QueryWarehouse("SELECT count(*) FROM lake.orders"));
    }

    [MySqlFact]
    public async Task Sync_PostgresAndMariaDbShardsListedUnderSources_LandInOneTable()
    {
        await ShardsAsync("a", "b");
        await using var m1 = await TestMySql.CreateAsync("rt_shard");
        await using var m2 = await TestMySql.CreateAsync("rt_shard");
        foreach (var my in new[] { m1, m2 })
        {
            await my.ExecuteAsync($"CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(20)); INSERT INTO orders VALUES (1, '{my.Database}');");
        }

        var template = m1.ConnectionYaml("my", "mariadb").Replace($"database: {m1.Database}\n", string.Empty, StringComparison.Ordinal);
        project.Write("connections/my.yml", $"{template}shards:\n  - database: {m1.Database}\n  - {{ name: second, database: {m2.Database} }}\n");
        project.Write("syncs/s.yml", "name: s\nsources: [pg, my]\ntarget_schema: lake\nstreams:\n  - select: \"*.orders\"\n    mode: merge\n");

        var summary = await RunAsync(environment: name => name == "MYSQL_TEST_PASSWORD" ? m1.Password : Environment.GetEnvironmentVariable(name));

        Assert.True(summary.Succeeded, string.Join("; ", summary.Streams.Select(s => s.Message)));
        Assert.Equal(
            [$"my.{m1.Database}:{m1.Database}.orders|1", $"my.second:{m2.Database}.orders|1", "pg.a:public.orders|2", "pg.b:public.orders|2"],
            project.QueryWarehouse("SELECT _source, count(*) FROM lake.orders GROUP BY _source ORDER BY _source"));
    }

    private async Task<SyncSummary> RunAsync(SyncRunOptions? options = null, Func<string, string?>? environment = null, string sync = "s")
    {
        var config = ProjectLoader.Load(project.Root, environment: environment);
        return await new SyncRunner(config, ConnectorRegistry.Default, TimeProvider.System).RunAsync(sync, options ?? new SyncRunOptions(), CancellationToken.None);
    }

    /// <summary>Creates a database per shard with tables orders and customers, and a template connection <c>pg</c> over them.</summary>
    private async Task ShardsAsync(params string[] shards)
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        var yaml = $"name: pg\ntype: postgres\nhost: {b.Host}\nport: {b.Port}\nuser: {b.Username}\nsslmode: disable\nshards:\n";
        foreach (var shard in shards)
        {
            var database = $"{prefix}_{shard}";
            await AdminAsync($"CREATE DATABASE \"{database}\"");
            databases.Add(database);
            await ExecuteAsync(shard, $"""
                CREATE TABLE orders (id int PRIMARY KEY, note text);
                INSERT INTO orders VALUES (1, '{shard}-1'), (2, '{shard}-2');
                CREATE TABLE customers (id int PRIMARY KEY, name text);
                INSERT INTO customers VALUES (1, '{shard}');
                """);
            yaml += $"  - {{ name: {shard}, database: {database} }}\n";
        }

        project.Write("connections/pg.yml", yaml);
    }

    private static string ConnectionString => Environment.GetEnvironmentVariable("NAGARE_TEST_PG")
        ?? throw new InvalidOperationException("set NAGARE_TEST_PG or run scripts/test (it starts a PostgreSQL server for the tests)");

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A database <c>PREFIX_out</c> and the connection <c>out</c> to it.</summary>
    private async Task OutputAsync()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        await AdminAsync($"CREATE DATABASE \"{prefix}_out\"");
        databases.Add($"{prefix}_out");
        project.Write("connections/out.yml", $"name: out\ntype: postgres\nhost: {b.Host}\nport: {b.Port}\nuser: {b.Username}\nsslmode: disable\ndatabase: {prefix}_out\n");
    }

    private async Task<List<string>> QueryAsync(string shard, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = $"{prefix}_{shard}", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    /// <summary>Runs <paramref name="sql"/> on the project's <c>out.db</c>; rows as <c>v1|v2</c>.</summary>
    private List<string> Sqlite(string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={project.PathOf("out.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        return TempProject.Rows(reader);
    }

    private async Task ExecuteAsync(string shard, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = $"{prefix}_{shard}", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
