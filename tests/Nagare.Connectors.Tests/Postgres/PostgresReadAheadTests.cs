using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;

namespace Nagare.Connectors.Tests.Postgres;

/// <summary>The source decodes the next batch while the consumer holds the current one.</summary>
public sealed class PostgresReadAheadTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Read_SlowConsumerOfManyBatches_SeesEveryBatchIntactAndInOrder()
    {
        var schema = await pg.CreateSchemaAsync("pgahead");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (id int, label text); INSERT INTO {schema}.t SELECT g, repeat(chr(65 + g % 26), 1 + g % 40) FROM generate_series(1, 5000) g");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "t");
        var request = new ReadRequest(stream, [], CustomSql: $"SELECT id, label FROM {schema}.t ORDER BY id", BatchSize: 64);

        var next = 1;
        var batches = 0;
        await foreach (var batch in connection.ReadAsync(request, CancellationToken.None))
        {
            batches++;
            var first = batch.Column<int>(0).Values[0];

            // Give the read-ahead time to fill the other batch: this one must not change meanwhile.
            await Task.Delay(batches % 10 == 0 ? 20 : 0);
            for (var row = 0; row < batch.RowCount; row++)
            {
                var id = batch.Column<int>(0).Values[row];
                Assert.Equal(next++, id);
                Assert.Equal(new string((char)(65 + (id % 26)), 1 + (id % 40)), batch.Column<string?>(1).Values[row]);
            }

            Assert.Equal(first, batch.Column<int>(0).Values[0]);
        }

        Assert.Equal(5001, next);
        Assert.Equal(79, batches);
    }

    [Fact]
    public async Task Read_ConsumerStopsAfterFirstBatch_EndsCleanlyAndTheConnectionReadsAgain()
    {
        var schema = await pg.CreateSchemaAsync("pgahead");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (id int); INSERT INTO {schema}.t SELECT g FROM generate_series(1, 100000) g");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "t");

        await foreach (var batch in connection.ReadAsync(new ReadRequest(stream, [], BatchSize: 1000), CancellationToken.None))
        {
            Assert.Equal(1000, batch.RowCount);
            break;
        }

        var all = await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, [], BatchSize: 8192));
        Assert.Equal(100000, all.Count);
    }

    [Fact]
    public async Task Read_ServerErrorWhileReadingAhead_SurfacesOnceWithPostgresMessage()
    {
        var schema = await pg.CreateSchemaAsync("pgahead");
        // Rows wide enough that the error comes megabytes into the COPY stream, well after the first batches.
        await pg.ExecuteAsync($"CREATE TABLE {schema}.t (id int, pad text); INSERT INTO {schema}.t SELECT g, repeat('x', 500) FROM generate_series(1, 20000) g");
        await using var connection = pg.CreateConnection();
        var stream = await PostgresRows.DiscoverOneAsync(connection, schema, "t");
        var request = new ReadRequest(stream, [], CustomSql: $"SELECT 100000 / (15000 - id) AS id, pad FROM {schema}.t", BatchSize: 1000);

        var rows = 0;
        var error = await Assert.ThrowsAsync<ConnectorException>(async () =>
        {
            await foreach (var batch in connection.ReadAsync(request, CancellationToken.None))
            {
                rows += batch.RowCount;
            }
        });

        Assert.Contains("division by zero", error.Message, StringComparison.Ordinal);
        Assert.InRange(rows, 1000, 14999);
        Assert.Equal(20000, (await PostgresRows.ReadAllAsync(connection, new ReadRequest(stream, []))).Count);
    }
}
