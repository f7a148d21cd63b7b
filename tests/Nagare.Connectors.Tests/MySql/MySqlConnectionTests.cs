using System.Net;
using System.Net.Sockets;
using System.Text;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.Testing;

namespace Nagare.Connectors.Tests.MySql;

/// <summary>Connecting, discovery, snapshots, key ranges and streamed reads against the test MariaDB.</summary>
public sealed class MySqlConnectionTests(MySqlFixture server) : IClassFixture<MySqlFixture>
{
    [MySqlFact]
    public async Task Test_ReachableServer_ReportsVersionAndDatabase()
    {
        var database = await server.CreateDatabaseAsync("probe");
        await using var connection = server.CreateConnection(database);

        var result = await connection.TestAsync(CancellationToken.None);

        Assert.StartsWith("MariaDB 10.", result.ServerVersion, StringComparison.Ordinal);
        Assert.Equal(database, result.Details["database"]);
        Assert.Equal("+00:00", result.Details["server time zone"]);
    }

    [MySqlFact]
    public async Task Test_WrongPassword_NamesHostPortUserAndConnectionButNotThePassword()
    {
        var database = await server.CreateDatabaseAsync("denied");
        await using var connection = server.CreateConnection(database, "app_db", o => o with { Password = "not-the-password" });

        var error = await Assert.ThrowsAsync<ConnectorException>(() => connection.TestAsync(CancellationToken.None));

        var options = server.Options(database);
        Assert.Equal(
            $"MySQL at {options.Host}:{options.Port}, database '{database}' (connection app_db): access denied for user 'nagare' (wrong password, or the account may not log in from this host)",
            error.Message);
        Assert.Equal("app_db", error.Connection);
        Assert.False(error.IsTransient);
        Assert.DoesNotContain("not-the-password", error.ToString(), StringComparison.Ordinal);
    }

    [MySqlFact]
    public async Task Test_NothingListens_NamesHostPortAndConnectionAsTransient()
    {
        // A port that was free a moment ago: nothing answers there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var connection = server.CreateConnection("shop", "app_db", o => o with { Port = port, ConnectTimeoutSeconds = 5 });

        var error = await Assert.ThrowsAsync<ConnectorException>(() => connection.TestAsync(CancellationToken.None));

        Assert.StartsWith($"MySQL at {server.Options("shop").Host}:{port}, database 'shop' (connection app_db): the connection test failed: cannot reach the server", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient);
        Assert.Contains("host, port, firewall", error.Hint, StringComparison.Ordinal);
    }

    [MySqlFact]
    public async Task Discover_ManyTables_OneCatalogRoundTripWithKeysJsonAndEstimates()
    {
        var database = await server.CreateDatabaseAsync("catalog");
        var sql = new StringBuilder();
        for (var i = 0; i < 150; i++)
        {
            sql.Append($"CREATE TABLE t{i:000} (id BIGINT NOT NULL, part INT NOT NULL, payload JSON, note TEXT, PRIMARY KEY (part, id));\n");
        }

        sql.Append("CREATE TABLE _nagare_sync_state (x INT); CREATE VIEW recent AS SELECT id, note FROM t000;");
        await server.ExecuteAsync(sql.ToString(), database);
        await using var connection = server.CreateConnection(database);
        await connection.TestAsync(CancellationToken.None);
        var before = connection.CommandCount;

        var streams = new List<StreamSchema>();
        await foreach (var stream in connection.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
        {
            streams.Add(stream);
        }

        // The session's settings and one batch of catalog queries, however many tables.
        Assert.Equal(2, connection.CommandCount - before);
        Assert.Equal(151, streams.Count);
        Assert.DoesNotContain(streams, s => s.Id.Name.StartsWith("_nagare", StringComparison.Ordinal));
        var t042 = streams.Single(s => s.Id.Name == "t042");
        Assert.Equal(new StreamId(database, "t042"), t042.Id);
        Assert.Equal(["part", "id"], t042.PrimaryKey.ToArray());
        Assert.Equal(["int64", "int32", "json", "string"], t042.Columns.Select(c => c.Type.ToString()));
        Assert.Equal([false, false, true, true], t042.Columns.Select(c => c.Nullable));
        Assert.Equal(["id", "part"], t042.CursorCandidates.ToArray());
        Assert.NotNull(t042.EstimatedRows);
        var view = streams.Single(s => s.Id.Name == "recent");
        Assert.Empty(view.PrimaryKey);
        Assert.Equal(["id", "note"], view.Columns.Select(c => c.Name));
    }

    [MySqlFact]
    public async Task Read_OwnSession_SettingsTravelWithTheSelectInOneCommand()
    {
        var database = await server.CreateDatabaseAsync("settings");
        await server.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (2);", database);
        await using var connection = server.CreateConnection(database);
        var stream = await MySqlTypeTests.DiscoverAsync(connection, "t");
        var before = connection.CommandCount;

        var rows = new List<object?[]>();
        var request = new ReadRequest(
            stream,
            [new("id", ColumnType.Int32), new("mode", ColumnType.String), new("write_timeout", ColumnType.Int64)],
            CustomSql: "SELECT id, @@session.sql_mode AS mode, @@session.net_write_timeout AS write_timeout FROM t ORDER BY id");
        await foreach (var batch in connection.ReadAsync(request, CancellationToken.None))
        {
            rows.AddRange(ComplianceData.Rows(batch));
        }

        Assert.Equal(1, connection.CommandCount - before);
        Assert.Equal([1, 2], rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal("NO_AUTO_VALUE_ON_ZERO,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION", r[1]));
        Assert.All(rows, r => Assert.Equal(3600L, r[2]));
    }

    [MySqlFact]
    public async Task Read_DecimalsUpToAndPast28Digits_ExactAtTheColumnsScale()
    {
        var database = await server.CreateDatabaseAsync("decimals");
        await server.ExecuteAsync(
            """
            CREATE TABLE d (id INT PRIMARY KEY, small DECIMAL(28,4), big DECIMAL(38,6));
            INSERT INTO d VALUES (1, 999999999999999999999999.9999, 12345678901234567890123456789012.123456),
              (2, -0.0001, -0.000001), (3, 0, 0), (4, 12.5, -99999999999999999999999999999999.999999);
            """,
            database);
        await using var connection = server.CreateConnection(database);
        var stream = await MySqlTypeTests.DiscoverAsync(connection, "d");

        var rows = await MySqlTypeTests.ReadAsync(connection, stream);

        Assert.Equal(
            [
                "1 999999999999999999999999.9999 12345678901234567890123456789012.123456",
                "2 -0.0001 -0.000001",
                "3 0.0000 0.000000",
                "4 12.5000 -99999999999999999999999999999999.999999",
            ],
            rows.Select(r => string.Join(' ', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))));
    }

    [MySqlFact]
    public async Task Snapshot_ReadsOfTwoTablesAfterChanges_SeeTheDatabaseAsItWasWhenItBegan()
    {
        var database = await server.CreateDatabaseAsync("snap");
        await server.ExecuteAsync(
            "CREATE TABLE orders (id INT PRIMARY KEY, total INT); CREATE TABLE order_lines (id INT PRIMARY KEY, order_id INT);" +
            "INSERT INTO orders VALUES (1, 10), (2, 20); INSERT INTO order_lines VALUES (1, 1), (2, 2);",
            database);
        await using var connection = server.CreateConnection(database);
        var orders = await MySqlTypeTests.DiscoverAsync(connection, "orders");
        var lines = await MySqlTypeTests.DiscoverAsync(connection, "order_lines");

        await using (var snapshot = await connection.BeginSnapshotAsync(CancellationToken.None))
        {
            await server.ExecuteAsync("INSERT INTO orders VALUES (3, 30); UPDATE orders SET total = 11 WHERE id = 1; DELETE FROM order_lines WHERE id = 2; INSERT INTO order_lines VALUES (3, 3);", database);

            ComplianceData.AssertRows([[1, 10], [2, 20]], await MySqlTypeTests.ReadAsync(connection, orders, snapshot: snapshot.Token), orders.Columns);
            ComplianceData.AssertRows([[1, 1], [2, 2]], await MySqlTypeTests.ReadAsync(connection, lines, snapshot: snapshot.Token), lines.Columns);
            ComplianceData.AssertRows([[1, 11], [2, 20], [3, 30]], await MySqlTypeTests.ReadAsync(connection, orders), orders.Columns);
        }

        var ended = await Assert.ThrowsAsync<ConnectorException>(() => MySqlTypeTests.ReadAsync(connection, orders, snapshot: "gone"));
        Assert.Contains("Snapshot 'gone' of connection test_mysql has ended", ended.Message, StringComparison.Ordinal);
    }

    [MySqlFact]
    public async Task Split_UnsignedBigintKey_RangesCoverEveryRowOnce()
    {
        var database = await server.CreateDatabaseAsync("split");
        var values = string.Join(", ", Enumerable.Range(0, 100).Select(i => $"({(ulong)i * 184467440737095516UL}, {i})"));
        await server.ExecuteAsync($"CREATE TABLE big (id BIGINT UNSIGNED PRIMARY KEY, n INT); INSERT INTO big VALUES {values}, (18446744073709551615, 100);", database);
        await using var connection = server.CreateConnection(database);
        var stream = await MySqlTypeTests.DiscoverAsync(connection, "big");

        var ranges = await connection.SplitAsync(stream, "id", 4, CancellationToken.None);
        var counts = new List<int>();
        var seen = new List<object?>();
        foreach (var range in ranges)
        {
            var rows = await MySqlTypeTests.ReadAsync(connection, stream, range: range);
            counts.Add(rows.Count);
            seen.AddRange(rows.Select(r => r[1]));
        }

        Assert.Equal(4, ranges.Count);
        Assert.Null(ranges[0].From);
        Assert.Null(ranges[^1].To);
        Assert.IsType<ulong>(ranges[1].From);
        Assert.Equal(101, seen.Distinct().Count());
        Assert.All(counts, c => Assert.InRange(c, 20, 30));
    }

    [MySqlFact]
    public async Task Read_BigTableInSmallBatches_StreamsAndAnEarlyStopLeavesTheConnectionUsable()
    {
        var database = await server.CreateDatabaseAsync("stream");
        await server.ExecuteAsync(
            "CREATE TABLE events (id INT PRIMARY KEY, body VARCHAR(100));" +
            "INSERT INTO events SELECT seq, CONCAT('event ', seq) FROM seq_1_to_50000;",
            database);
        await using var connection = server.CreateConnection(database, configure: o => o with { MaxConcurrency = 1 });
        var stream = await MySqlTypeTests.DiscoverAsync(connection, "events");

        var batches = 0;
        long rows = 0;
        long sum = 0;
        await foreach (var batch in connection.ReadAsync(new ReadRequest(stream, [], BatchSize: 1000), CancellationToken.None))
        {
            batches++;
            rows += batch.RowCount;
            for (var r = 0; r < batch.RowCount; r++)
            {
                sum += batch.Column<int>(0).Values[r];
            }
        }

        await foreach (var batch in connection.ReadAsync(new ReadRequest(stream, [], BatchSize: 100), CancellationToken.None))
        {
            Assert.Equal(100, batch.RowCount);
            break;
        }

        // With one session allowed, this read needs the session the abandoned read gave back.
        var again = await MySqlTypeTests.ReadAsync(connection, stream, cursor: new CursorRange("id", 49_998));

        Assert.Equal(50, batches);
        Assert.Equal(50_000, rows);
        Assert.Equal(50_000L * 50_001 / 2, sum);
        ComplianceData.AssertRows([[49_999, "event 49999"], [50_000, "event 50000"]], again, stream.Columns);
    }

    [MySqlFact]
    public async Task Read_DecimalAndTimestampCursors_ReadOnlyRowsPastThem()
    {
        var database = await server.CreateDatabaseAsync("cursor");
        await server.ExecuteAsync(
            "CREATE TABLE ledger (id INT PRIMARY KEY, seq DECIMAL(30,10), changed DATETIME(6));" +
            "INSERT INTO ledger VALUES (1, 12345678901234567890.0000000001, '2024-01-01 00:00:00.000001'), (2, 12345678901234567890.0000000002, '2024-01-01 00:00:00.000002');",
            database);
        await using var connection = server.CreateConnection(database);
        var stream = await MySqlTypeTests.DiscoverAsync(connection, "ledger");

        // Equal as doubles, different as decimals: the cursor compares exactly.
        var byDecimal = await MySqlTypeTests.ReadAsync(connection, stream, cursor: new CursorRange("seq", DecimalValue.Parse("12345678901234567890.0000000001")));
        var byTime = await MySqlTypeTests.ReadAsync(connection, stream, cursor: new CursorRange("changed", new DateTime(2024, 1, 1, 0, 0, 0).AddTicks(10)));

        Assert.Equal([2], byDecimal.Select(r => r[0]));
        Assert.Equal([2], byTime.Select(r => r[0]));
    }

    [MySqlFact]
    public async Task Sql_StatementsAndAColumnQuery_RunInTheConnectionsDatabase()
    {
        var database = await server.CreateDatabaseAsync("sqlstep");
        await using var connection = server.CreateConnection(database);

        var changed = await connection.ExecuteSqlAsync("CREATE TABLE t (v VARCHAR(10)); INSERT INTO t VALUES ('a'), ('b'), (NULL)", CancellationToken.None);
        var values = await connection.QueryColumnAsync("SELECT v FROM t ORDER BY v", 10, CancellationToken.None);
        var error = await Assert.ThrowsAsync<ConnectorException>(() => connection.ExecuteSqlAsync("INSERT INTO missing VALUES (1)", CancellationToken.None));

        Assert.Equal(3, changed);
        Assert.Equal(["", "a", "b"], values);
        Assert.Contains("SQL failed on connection test_mysql", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [MySqlFact]
    public async Task Discover_DatabasesOptionNamesAMissingDatabase_FailsNamingIt()
    {
        var database = await server.CreateDatabaseAsync("dbs");
        await server.ExecuteAsync("CREATE TABLE t (id INT)", database);
        await using var connection = server.CreateConnection(database, "app_db", o => o with { Databases = [database, "no_such_db"] });

        var error = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await foreach (var _ in connection.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
            {
            }
        });

        Assert.StartsWith("Connection app_db: database 'no_such_db' of its databases: does not exist on ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the others, '{database}', exist", error.Hint, StringComparison.Ordinal);
    }
}
