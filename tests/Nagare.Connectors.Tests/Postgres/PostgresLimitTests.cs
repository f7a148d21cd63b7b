using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Tests.Postgres;

/// <summary>A read's row limit goes into the query: PostgreSQL stops producing rows once it has them.</summary>
public sealed class PostgresLimitTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Read_LimitOnAMillionRows_ReadsNoRowPastTheLimit()
    {
        var schema = await pg.CreateSchemaAsync("pglimit");
        // Every row past the thousandth fails to compute, so a read that went past the limit would fail.
        await pg.ExecuteAsync($"""
            CREATE VIEW {schema}.big AS
            SELECT g AS id, CASE WHEN g <= 1000 THEN 'n' || g ELSE (g || ' is past the limit')::int::text END AS name
            FROM generate_series(1, 1000000) g
            """);
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "big");

        var rows = await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [], Limit: 20));

        Assert.Equal(20, rows.Count);
        Assert.All(rows, r => Assert.Equal("n" + r[0], r[1]));
        var unlimited = await Assert.ThrowsAsync<ConnectorException>(() => PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [])));
        Assert.Contains("past the limit", unlimited.Message, StringComparison.Ordinal);
    }
}
