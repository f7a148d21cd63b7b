using System.Collections.Immutable;
using Nagare.Connectors.Tests.Infrastructure;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Postgres;

public sealed class PostgresChunkedWriterTests(PostgresFixture pg) : IClassFixture<PostgresFixture>
{
    private static readonly ImmutableArray<ColumnSchema> Columns = [new("id", ColumnType.Int64, false), new("v", ColumnType.String)];

    [Fact]
    public async Task ChunkedLoad_InterruptedThenResumed_PublishesEveryChunkOnce()
    {
        var schema = await pg.CreateSchemaAsync("pgchunk");
        await pg.ExecuteAsync($"CREATE TABLE {schema}.items (id bigint PRIMARY KEY, v text); INSERT INTO {schema}.items VALUES (100, 'old')");
        await using var connection = pg.CreateConnection();
        var request = new WriteRequest("chunk_sync_" + schema, "items", new StreamId(schema, "items"), Columns, WriteMode.FullRefresh, ["id"]);
        var plan = new StreamState(null, null, [], ImmutableDictionary<string, string>.Empty.Add("chunks", "3"));

        var first = await connection.OpenChunkedWriterAsync(request, plan, CancellationToken.None);
        await Task.WhenAll(WriteChunkAsync(first, 0, 1, 2), WriteChunkAsync(first, 1, 3, 4));
        await using (var abandoned = await first.OpenChunkAsync(2, CancellationToken.None))
        {
            await abandoned.WriteAsync(PostgresRows.Batch(Columns, [5L, "lost"]), CancellationToken.None);
        }

        var checkpoint = await connection.LoadStateAsync(request.SyncName, request.StateKey, CancellationToken.None);
        Assert.Equal<int>([0, 1], checkpoint!.CompletedChunks);
        Assert.Equal("3", checkpoint.Extra["chunks"]);
        Assert.Equal([[100L, "old"]], await pg.QueryAsync($"SELECT id, v FROM {schema}.items"));

        var resumed = await connection.OpenChunkedWriterAsync(request, checkpoint, CancellationToken.None);
        Assert.Equal<int>([0, 1], resumed.CompletedChunks);
        await WriteChunkAsync(resumed, 2, 5, 6);
        Assert.Equal<int>([0, 1, 2], resumed.CompletedChunks);
        var result = await resumed.CommitAsync(new StreamState("6", "id", [], ImmutableDictionary<string, string>.Empty), CancellationToken.None);

        Assert.Equal(6, result.RowsWritten);
        var ids = await pg.QueryAsync($"SELECT id FROM {schema}.items ORDER BY id");
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], ids.Select(r => (long)r[0]!));
        var final = await connection.LoadStateAsync(request.SyncName, request.StateKey, CancellationToken.None);
        Assert.Equal("6", final!.Cursor);
        Assert.Empty(final.CompletedChunks);
        Assert.Equal(0L, await pg.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = '_nagare' AND tablename LIKE 'chunks_%'"));
    }

    [Fact]
    public async Task ChunkedLoad_CheckpointNotListingAStagedChunk_DiscardsItsRows()
    {
        var schema = await pg.CreateSchemaAsync("pgchunk");
        await using var connection = pg.CreateConnection();
        var request = new WriteRequest("chunk_sync_" + schema, "items", new StreamId(schema, "items"), Columns, WriteMode.Append, []);
        var first = await connection.OpenChunkedWriterAsync(request, StreamState.Empty, CancellationToken.None);
        await WriteChunkAsync(first, 0, 1);
        await WriteChunkAsync(first, 1, 2);

        var restarted = await connection.OpenChunkedWriterAsync(request, StreamState.Empty with { CompletedChunks = [1] }, CancellationToken.None);
        await WriteChunkAsync(restarted, 0, 10);
        await restarted.CommitAsync(null, CancellationToken.None);

        var ids = await pg.QueryAsync($"SELECT id FROM {schema}.items ORDER BY id");
        Assert.Equal([2L, 10L], ids.Select(r => (long)r[0]!));
    }

    private static async Task WriteChunkAsync(IChunkedStreamWriter writer, int chunk, params long[] ids)
    {
        await using var chunkWriter = await writer.OpenChunkAsync(chunk, CancellationToken.None);
        await chunkWriter.WriteAsync(PostgresRows.Batch(Columns, [.. ids.Select(i => new object?[] { i, "v" + i })]), CancellationToken.None);
        await chunkWriter.CommitAsync(null, CancellationToken.None);
    }
}
