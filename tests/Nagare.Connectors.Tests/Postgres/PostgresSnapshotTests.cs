using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Tests.Postgres;

public sealed class PostgresSnapshotTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Read_ParallelReadersOnOneSnapshot_DoNotSeeLaterRows()
    {
        var schema = await pg.CreateSchemaAsync("pgsnap");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.items (id bigint PRIMARY KEY, v text); INSERT INTO {schema}.items SELECT g, 'v' || g FROM generate_series(1, 1000) g");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "items");

        await using var snapshot = await connection.BeginSnapshotAsync(CancellationToken.None);
        await pg.ExecuteAsync($"INSERT INTO {schema}.items VALUES (1001, 'late'); DELETE FROM {schema}.items WHERE id = 1");
        var ranges = await connection.SplitAsync(stream, "id", 4, CancellationToken.None);
        var reads = ranges.Select(r => PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [], Range: r, Snapshot: snapshot.Token)));
        var parts = await Task.WhenAll(reads);
        var withoutSnapshot = await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, []));

        var ids = parts.SelectMany(p => p).Select(r => (long)r[0]!).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), ids);
        Assert.Equal(1000, withoutSnapshot.Count);
        Assert.Contains(withoutSnapshot, r => (long)r[0]! == 1001);
    }

    [Fact]
    public async Task Read_SnapshotDisposed_TokenNoLongerUsable()
    {
        var schema = await pg.CreateSchemaAsync("pgsnap");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.items (id int)");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "items");
        var snapshot = await connection.BeginSnapshotAsync(CancellationToken.None);
        var token = snapshot.Token;
        await snapshot.DisposeAsync();

        var error = await Assert.ThrowsAsync<ConnectorException>(() => PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [], Snapshot: token)));

        Assert.Contains("snapshot", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
