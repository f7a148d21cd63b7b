using Nagare.Connectors.Postgres;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;

namespace Nagare.Connectors.Tests.Postgres;

/// <summary>Several tables of the same columns read with one COPY (a fan-in of many small tables).</summary>
public sealed class PostgresReadManyTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task ReadMany_SameColumns_OneCopyPerGroupAndEveryRowUnderItsOwnRequest()
    {
        var schema = await pg.CreateSchemaAsync("pgmany");
        // t04 lacks a column, so it is read on its own; t06's id is an int, read as the others' bigint: the cast is part
        // of its SELECT and it joins their COPY.
        for (var t = 1; t <= 7; t++)
        {
            var id = t == 6 ? "int" : "bigint";
            var at = t == 4 ? "" : ", at timestamptz";
            var atValue = t == 4 ? "" : ", timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour'";
            await pg.ExecuteAsync($"CREATE TABLE {schema}.t{t:00} (id {id} PRIMARY KEY, label text{at}); INSERT INTO {schema}.t{t:00} SELECT g, 't{t}-' || g{atValue} FROM generate_series(1, {t * 10}) g; ANALYZE {schema}.t{t:00};");
        }

        await using var connection = pg.CreateConnection();
        var streams = new List<StreamSchema>();
        for (var t = 1; t <= 7; t++)
        {
            streams.Add(await PostgresRows.DiscoverOneAsync(connection, schema, $"t{t:00}"));
        }

        var columns = streams[0].Columns;
        // t02 is read past a cursor: only its rows after the 15th hour.
        var requests = streams.Select((s, i) => new ReadRequest(s, i == 3 ? columns[..2] : columns, Cursor: i == 1 ? new CursorRange("at", new DateTimeOffset(2024, 1, 1, 15, 0, 0, TimeSpan.Zero)) : null, BatchSize: 16)).ToList();
        var before = connection.CommandCount;

        var read = await ReadManyRows.ReadAsync(connection, requests, (batch, _, r) => (Id: batch.Column<long>(0).Values[r], Label: batch.Column<string?>(1).Values[r]!));
        Assert.All(read, row => Assert.Equal(streams[row.Request].Id.ToString(), row.Origin));
        var seen = read.GroupBy(row => row.Request).ToDictionary(g => g.Key, g => g.Select(row => (row.Row, row.Value.Id, row.Value.Label)).ToList());

        // t01–t03 together, t04 alone, t05–t07 together.
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

    [Fact]
    public async Task ReadMany_MoreTablesThanOneStatementTakes_SplitsThem()
    {
        var schema = await pg.CreateSchemaAsync("pgmany");
        var count = PostgresConnection.TablesPerStatement + 3;
        await pg.ExecuteAsync($"DO $$ BEGIN FOR t IN 1..{count} LOOP EXECUTE format('CREATE TABLE {schema}.t%s (id int, v text); INSERT INTO {schema}.t%s VALUES (%s, ''x'')', t, t, t); END LOOP; END $$;");
        await using var connection = pg.CreateConnection();
        var streams = new List<StreamSchema>();
        await foreach (var s in connection.DiscoverAsync(new DiscoverRequest([schema]), CancellationToken.None))
        {
            streams.Add(s);
        }

        var before = connection.CommandCount;
        var ids = (await ReadManyRows.ReadAsync(connection, [.. streams.Select(s => new ReadRequest(s, []))], (batch, _, r) => batch.Column<int>(0).Values[r]))
            .Select(row => (Index: row.Request, Id: row.Value)).ToList();

        Assert.Equal(2, connection.CommandCount - before);
        Assert.Equal(count, ids.Count);
        Assert.All(ids, p => Assert.Equal(streams[p.Index].Id.Name, $"t{p.Id}"));
    }

    [Fact]
    public async Task ReadMany_ValueThatCannotBeRead_NamesItsOwnTable()
    {
        var schema = await pg.CreateSchemaAsync("pgmany");
        await pg.ExecuteAsync($"""
            CREATE TABLE {schema}.a (id int, amount numeric); INSERT INTO {schema}.a VALUES (1, 1.5), (2, 2.5);
            CREATE TABLE {schema}.b (id int, amount numeric); INSERT INTO {schema}.b VALUES (1, 1.5), (2, 'NaN');
            """);
        await using var connection = pg.CreateConnection();
        var a = await PostgresRows.DiscoverOneAsync(connection, schema, "a");
        var b = await PostgresRows.DiscoverOneAsync(connection, schema, "b");

        var error = await Assert.ThrowsAsync<ConnectorException>(() => ReadManyRows.DrainAsync(connection, [new ReadRequest(a, []), new ReadRequest(b, [])]));

        Assert.Contains($"Column 'amount' of {schema}.b", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"b.amount\"", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadMany_ServerErrorInOneTable_FailsTheReadWithPostgresMessage()
    {
        var schema = await pg.CreateSchemaAsync("pgmany");
        await pg.ExecuteAsync($"""
            CREATE TABLE {schema}.a (id int, v int); INSERT INTO {schema}.a SELECT g, g FROM generate_series(1, 10) g;
            CREATE VIEW {schema}.b AS SELECT g AS id, 10 / (g - 5) AS v FROM generate_series(1, 10) g;
            """);
        await using var connection = pg.CreateConnection();
        var a = await PostgresRows.DiscoverOneAsync(connection, schema, "a");
        var b = await PostgresRows.DiscoverOneAsync(connection, schema, "b");

        var error = await Assert.ThrowsAsync<ConnectorException>(() => ReadManyRows.DrainAsync(connection, [new ReadRequest(a, []), new ReadRequest(b, [])]));

        Assert.Contains("division by zero", error.Message, StringComparison.Ordinal);
        var again = await PostgresRows.ReadAllAsync(connection, new ReadRequest(a, []));
        Assert.Equal(10, again.Count);
    }

    [Fact]
    public async Task ReadMany_InOneSnapshot_ReadsTheTablesTogetherAsTheyWereWhenItBegan()
    {
        var schema = await pg.CreateSchemaAsync("pgmany");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.a (id int); INSERT INTO {schema}.a VALUES (1); CREATE TABLE {schema}.b (id int); INSERT INTO {schema}.b VALUES (1);");
        await using var connection = pg.CreateConnection();
        var a = await PostgresRows.DiscoverOneAsync(connection, schema, "a");
        var b = await PostgresRows.DiscoverOneAsync(connection, schema, "b");
        await using var snapshot = await connection.BeginSnapshotAsync(CancellationToken.None);
        await pg.ExecuteAsync($"INSERT INTO {schema}.b VALUES (2)");
        var before = connection.CommandCount;

        var rows = (await ReadManyRows.ReadAsync(connection, [new ReadRequest(a, [], Snapshot: snapshot.Token), new ReadRequest(b, [], Snapshot: snapshot.Token)], (batch, _, r) => batch.Column<int>(0).Values[r]))
            .Select(row => (row.Request, row.Value)).ToList();

        // The snapshot's settings, then one COPY for both tables.
        Assert.Equal(2, connection.CommandCount - before);
        Assert.Equal([(0, 1), (1, 1)], rows);
    }
}
