using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;

namespace Nagare.Connectors.Tests.Postgres;

public sealed class PostgresDiscoveryTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Discover_TwoThousandTablesInTenSchemas_OneCatalogQuery()
    {
        var prefix = "pgd" + Guid.NewGuid().ToString("N")[..6];
        var schemas = Enumerable.Range(0, 10).Select(i => $"{prefix}_{i}").ToList();
        foreach (var schema in schemas)
        {
            await pg.ExecuteAsync($"""
                CREATE SCHEMA {schema};
                DO $$ BEGIN
                  FOR i IN 0..199 LOOP
                    EXECUTE format('CREATE TABLE {schema}.t%s (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), at timestamptz)', i);
                  END LOOP;
                END $$;
                """);
        }

        try
        {
            await using var connection = pg.CreateConnection();
            var before = connection.CommandCount;
            var streams = new List<StreamSchema>();
            await foreach (var stream in connection.DiscoverAsync(new DiscoverRequest(schemas), CancellationToken.None))
            {
                streams.Add(stream);
            }

            Assert.Equal(1, connection.CommandCount - before);
            Assert.Equal(2000, streams.Count);
            Assert.Equal(2000, streams.Select(s => s.Id.ToString()).Distinct().Count());
            Assert.All(streams, s =>
            {
                Assert.Equal<string>(["id"], s.PrimaryKey);
                Assert.Equal(["int64", "string", "decimal(12,2)", "timestamptz"], s.Columns.Select(c => c.Type.ToString()));
                Assert.Equal<string>(["id", "at"], s.CursorCandidates);
                Assert.False(s.Columns[1].Nullable);
            });
            Assert.Equal(200, streams.Count(s => s.Id.Namespace == schemas[3]));
        }
        finally
        {
            foreach (var schema in schemas)
            {
                await pg.ExecuteAsync($"DROP SCHEMA {schema} CASCADE");
            }
        }
    }

    [Fact]
    public async Task Discover_NamePattern_PushedDownAndViewsIncluded()
    {
        var schema = await pg.CreateSchemaAsync("pgglob");
        await pg.ExecuteAsync($"""
            CREATE TABLE {schema}.orders_1 (id int);
            CREATE TABLE {schema}.orders_2 (id int);
            CREATE TABLE {schema}.ordersx (id int);
            CREATE TABLE {schema}.customers (id int);
            CREATE VIEW {schema}.orders_v AS SELECT id FROM {schema}.orders_1;
            CREATE TABLE {schema}.orders_p (id int, at date) PARTITION BY RANGE (at);
            CREATE TABLE {schema}.orders_p_2024 PARTITION OF {schema}.orders_p FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            """);
        await using var connection = pg.CreateConnection();

        var names = new List<string>();
        await foreach (var stream in connection.DiscoverAsync(new DiscoverRequest([schema], $"{schema}.orders_?"), CancellationToken.None))
        {
            names.Add(stream.Id.Name);
        }

        // '_' in the glob is a literal, so ordersx does not match; the partition is covered by its parent.
        Assert.Equal(["orders_1", "orders_2", "orders_p", "orders_v"], names);
    }

    [Fact]
    public async Task Discover_NoSchemas_LeavesOutSystemSchemas()
    {
        await using var connection = pg.CreateConnection();

        var schemas = new HashSet<string>();
        await foreach (var stream in connection.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
        {
            schemas.Add(stream.Id.Namespace!);
        }

        Assert.DoesNotContain("pg_catalog", schemas);
        Assert.DoesNotContain("information_schema", schemas);
        Assert.DoesNotContain("_nagare", schemas);
    }

    [Fact]
    public async Task Discover_SchemasOptionNamesAMissingSchema_FailsNamingItAndTheOnesThatExist()
    {
        var schema = await pg.CreateSchemaAsync("pgdisc");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (id int)");
        await using var connection = pg.CreateConnection("app_pg", o => o with { Schemas = [schema, "no_such_schema"] });

        var error = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await foreach (var _ in connection.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
            {
            }
        });

        Assert.StartsWith("Connection app_pg: schema 'no_such_schema' of its schemas: does not exist in database '", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the others, '{schema}', exist", error.Hint, StringComparison.Ordinal);

        // A sync that names its schemas itself is not checked against the connection's list.
        var named = new List<StreamSchema>();
        await foreach (var stream in connection.DiscoverAsync(new DiscoverRequest([schema]), CancellationToken.None))
        {
            named.Add(stream);
        }

        Assert.Equal($"{schema}.t", Assert.Single(named).Id.ToString());
    }

    [Fact]
    public async Task Discover_SchemasOptionThatAllExist_DiscoversThem()
    {
        var schema = await pg.CreateSchemaAsync("pgdisc");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (id int)");
        await using var connection = pg.CreateConnection("app_pg", o => o with { Schemas = [schema] });

        var streams = new List<StreamSchema>();
        await foreach (var stream in connection.DiscoverAsync(DiscoverRequest.All, CancellationToken.None))
        {
            streams.Add(stream);
        }

        Assert.Equal($"{schema}.t", Assert.Single(streams).Id.ToString());
    }
}
