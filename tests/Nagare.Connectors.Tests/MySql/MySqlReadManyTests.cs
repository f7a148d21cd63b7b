using System.Text;
using Nagare.Connectors.MySql;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Testing;

namespace Nagare.Connectors.Tests.MySql;

/// <summary>Several tables of the same columns read with one SELECT (a fan-in of many small tables), against the test MariaDB.</summary>
public sealed class MySqlReadManyTests(MySqlFixture server) : IClassFixture<MySqlFixture>
{
    [MySqlFact]
    public async Task ReadMany_SameColumns_OneSelectPerGroupAndEveryRowUnderItsOwnRequest()
    {
        var database = await server.CreateDatabaseAsync("many");
        // t4's id is an INT where the others' is a BIGINT, so it is read on its own.
        var sql = new StringBuilder();
        for (var t = 1; t <= 7; t++)
        {
            sql.Append($"CREATE TABLE t{t} (id {(t == 4 ? "INT" : "BIGINT")} PRIMARY KEY, label VARCHAR(20), at DATETIME(6)); ");
            sql.Append($"INSERT INTO t{t} SELECT seq, CONCAT('t{t}-', seq), TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq HOUR FROM seq_1_to_{t * 10}; ");
        }

        await server.ExecuteAsync(sql.ToString(), database);
        await using var connection = server.CreateConnection(database);
        var streams = new List<StreamSchema>();
        for (var t = 1; t <= 7; t++)
        {
            streams.Add(await MySqlTypeTests.DiscoverAsync(connection, $"t{t}"));
        }

        // t2 is read past a cursor: only its rows after the 15th hour.
        var requests = streams.Select((s, i) => new ReadRequest(s, [], Cursor: i == 1 ? new CursorRange("at", new DateTimeOffset(2024, 1, 1, 15, 0, 0, TimeSpan.Zero)) : null, BatchSize: 16)).ToList();
        var before = connection.CommandCount;

        var read = await ReadManyRows.ReadAsync(connection, requests, (batch, index, r) =>
            (Id: index == 3 ? batch.Column<int>(0).Values[r] : batch.Column<long>(0).Values[r], Label: batch.Column<string?>(1).Values[r]!));
        Assert.All(read, row => Assert.Equal(streams[row.Request].Id.ToString(), row.Origin));
        var seen = read.GroupBy(row => row.Request).ToDictionary(g => g.Key, g => g.Select(row => (row.Row, row.Value.Id, row.Value.Label)).ToList());

        // t1–t3 together, t4 alone, t5–t7 together.
        Assert.Equal(3, connection.CommandCount - before);
        Assert.Equal(7, seen.Count);
        for (var t = 1; t <= 7; t++)
        {
            var expected = Enumerable.Range(t == 2 ? 16 : 1, t == 2 ? 5 : t * 10).Select(g => (long)g).ToList();
            var rows = seen[t - 1];
            Assert.Equal(expected, rows.Select(r => r.Id).Order());
            Assert.All(rows, r => Assert.Equal($"t{t}-{r.Id}", r.Label));
            Assert.Equal(Enumerable.Range(1, rows.Count).Select(n => (long)n), rows.Select(r => r.Row));
        }
    }

    [MySqlFact]
    public async Task ReadMany_MoreTablesThanOneStatementTakes_SplitsThem()
    {
        var database = await server.CreateDatabaseAsync("many");
        var count = MySqlServerConnection.TablesPerStatement + 3;
        var sql = new StringBuilder();
        for (var t = 1; t <= count; t++)
        {
            sql.Append($"CREATE TABLE t{t:000} (id INT, v TEXT); INSERT INTO t{t:000} VALUES ({t}, 'x'); ");
        }

        await server.ExecuteAsync(sql.ToString(), database);
        await using var connection = server.CreateConnection(database);
        var streams = new List<StreamSchema>();
        await foreach (var s in connection.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
        {
            streams.Add(s);
        }

        var before = connection.CommandCount;
        var ids = (await ReadManyRows.ReadAsync(connection, [.. streams.Select(s => new ReadRequest(s, []))], (batch, _, r) => batch.Column<int>(0).Values[r]))
            .Select(row => (Index: row.Request, Id: row.Value)).ToList();

        Assert.Equal(2, connection.CommandCount - before);
        Assert.Equal(count, ids.Count);
        Assert.All(ids, p => Assert.Equal(streams[p.Index].Id.Name, $"t{p.Id:000}"));
    }

    [MySqlFact]
    public async Task ReadMany_TableDroppedBeforeTheRead_FailsNamingTheServersReason()
    {
        var database = await server.CreateDatabaseAsync("many");
        await server.ExecuteAsync("CREATE TABLE a (id INT, v INT); INSERT INTO a VALUES (1, 1); CREATE TABLE b (id INT, v INT); INSERT INTO b VALUES (1, 1);", database);
        await using var connection = server.CreateConnection(database);
        var a = await MySqlTypeTests.DiscoverAsync(connection, "a");
        var b = await MySqlTypeTests.DiscoverAsync(connection, "b");
        await server.ExecuteAsync("DROP TABLE b", database);

        var error = await Assert.ThrowsAsync<ConnectorException>(() => ReadManyRows.DrainAsync(connection, [new ReadRequest(a, []), new ReadRequest(b, [])]));

        Assert.Contains("doesn't exist", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{database}.a … {database}.b (2 tables in one SELECT)", error.Message, StringComparison.Ordinal);
    }
}
