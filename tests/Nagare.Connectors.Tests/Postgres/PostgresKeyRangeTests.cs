using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Connectors.Postgres;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Tests.Postgres;

public sealed class PostgresKeyRangeTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Split_IntegerKeyWithGaps_ChunksCoverEveryRowOnce()
    {
        var schema = await pg.CreateSchemaAsync("pgsplit");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (id int PRIMARY KEY); INSERT INTO {schema}.t SELECT g * 7 - 50000 FROM generate_series(1, 20000) g WHERE g % 13 <> 0; INSERT INTO {schema}.t VALUES (2147483647), (-2147483648)");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "t");

        var ranges = await connection.SplitAsync(stream, "id", 8, CancellationToken.None);
        var ids = new List<int>();
        foreach (var range in ranges)
        {
            ids.AddRange((await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [], Range: range))).Select(r => (int)r[0]!));
        }

        Assert.Equal(8, ranges.Count);
        Assert.Null(ranges[0].From);
        Assert.Null(ranges[^1].To);
        Assert.Equal(Enumerable.Range(0, ranges.Count), ranges.Select(r => r.Index));
        var expected = await pg.QueryAsync($"SELECT id FROM {schema}.t ORDER BY id");
        Assert.Equal(expected.Select(r => (int)r[0]!), ids.Order());
    }

    [Fact]
    public async Task Split_TextKeyWithNulls_ChunksCoverEveryRowOnce()
    {
        var schema = await pg.CreateSchemaAsync("pgsplit");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (k text); INSERT INTO {schema}.t SELECT md5(g::text) FROM generate_series(1, 5000) g; INSERT INTO {schema}.t VALUES (NULL), (NULL), ('it''s')");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "t");

        var ranges = await connection.SplitAsync(stream, "k", 5, CancellationToken.None);
        var keys = new List<string?>();
        foreach (var range in ranges)
        {
            keys.AddRange((await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [], Range: range))).Select(r => (string?)r[0]));
        }

        Assert.InRange(ranges.Count, 4, 5);
        Assert.Equal(5003, keys.Count);
        Assert.Equal(2, keys.Count(k => k is null));
        Assert.Equal(5001, keys.Where(k => k is not null).Distinct().Count());
    }

    [Fact]
    public async Task FirstRange_AsksForNullKeysOnlyWhenTheKeyMayBeNull()
    {
        var schema = await pg.CreateSchemaAsync("pgsplit");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.keyed (id int PRIMARY KEY, k int); INSERT INTO {schema}.keyed SELECT g, g FROM generate_series(1, 1000) g; INSERT INTO {schema}.keyed VALUES (1001, NULL)");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "keyed");

        string FirstRangeSql(string key)
        {
            var first = new KeyRange(key, null, 500, 0);
            return PostgresConnection.BuildCopyQuery(new ReadRequest(stream, stream.Columns, Range: first), stream.Columns).Sql;
        }

        // The primary key cannot be NULL: a plain range, which PostgreSQL can read by the index.
        Assert.Contains("WHERE \"id\" < 500)", FirstRangeSql("id"), StringComparison.Ordinal);
        Assert.Contains("(\"k\" < 500 OR \"k\" IS NULL)", FirstRangeSql("k"), StringComparison.Ordinal);
        var ranges = await connection.SplitAsync(stream, "k", 4, CancellationToken.None);
        var rows = 0;
        foreach (var range in ranges)
        {
            rows += (await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [], Range: range))).Count;
        }

        Assert.Equal(1001, rows);
    }

    [Fact]
    public async Task Split_EmptyTable_OneOpenRange()
    {
        var schema = await pg.CreateSchemaAsync("pgsplit");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (id bigint)");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "t");

        var ranges = await connection.SplitAsync(stream, "id", 8, CancellationToken.None);

        var range = Assert.Single(ranges);
        Assert.Null(range.From);
        Assert.Null(range.To);
    }

    [Fact]
    public async Task Read_CursorAndFilter_OnlyLaterRowsInCursorOrder()
    {
        var schema = await pg.CreateSchemaAsync("pgcursor");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (id int, at timestamptz, note text); INSERT INTO {schema}.t VALUES (1, '2024-01-03Z', 'a'), (2, '2024-01-01Z', 'b'), (3, '2024-01-05Z', 'c'), (4, '2024-01-04Z', 'skip')");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "t");

        var rows = await PostgresRows.ReadAllAsync(connection, new ReadRequest(
            stream,
            [stream.Find("id")!],
            Filter: "note <> 'skip'",
            Cursor: new CursorRange("at", new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero))));

        Assert.Equal([1, 3], rows.Select(r => (int)r[0]!));
    }

    [Fact]
    public async Task Read_CustomSql_ReadsTheQueryWithSmallBatches()
    {
        var schema = await pg.CreateSchemaAsync("pgsql");
        await using var connection = pg.CreateConnection();
        var stream = new Nagare.Core.Schema.StreamSchema(new Nagare.Core.Schema.StreamId(schema, "q"), [], [], []);

        var rows = await PostgresRows.ReadAllAsync(connection, new ReadRequest(
            stream,
            [new("n", Nagare.Core.Types.ColumnType.Int64), new("s", Nagare.Core.Types.ColumnType.String)],
            CustomSql: "SELECT g AS n, 'row ' || g AS s FROM generate_series(1, 25) g",
            BatchSize: 10));

        Assert.Equal(25, rows.Count);
        Assert.Equal("row 25", rows[^1][1]);
    }
}
