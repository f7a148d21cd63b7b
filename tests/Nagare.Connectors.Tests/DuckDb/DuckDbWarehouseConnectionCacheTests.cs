using System.Collections.Immutable;
using Nagare.Connectors.DuckDb;
using Nagare.Connectors.Tests.Compliance;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;
using Nagare.DuckDb;

namespace Nagare.Connectors.Tests.DuckDb;

public sealed class DuckDbWarehouseConnectionCacheTests : IAsyncLifetime
{
    // Incompressible strings, so the table takes about 80 MB of blocks, all cached once written.
    private const string BigTable = "CREATE TABLE big AS SELECT range AS id, md5(range::VARCHAR) AS s FROM range(2000000)";
    private const string OtherBigTable = "CREATE TABLE big2 AS SELECT * FROM big";

    private readonly string _folder = Directory.CreateTempSubdirectory("nagare-duckdb-cache-").FullName;
    private DuckDbWarehouseConnection _warehouse = null!;

    private string DatabasePath => Path.Combine(_folder, "warehouse.duckdb");

    public Task InitializeAsync()
    {
        _warehouse = Warehouse(memoryLimit: null);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ReleaseCachedBlocks_BigTableJustWritten_DropsItsBlocksAndKeepsTheLimitAndRows()
    {
        await using var connection = await _warehouse.OpenAsync(CancellationToken.None);
        var limit = connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')");
        connection.ExecuteNonQuery(BigTable);
        var cached = CachedTableBytes(connection);
        Assert.True(cached > DuckDbWarehouseConnection.CacheReleaseAbove, $"cached {cached}");

        var released = _warehouse.ReleaseCachedBlocks(connection);

        Assert.True(released > 0, $"released {released}");
        Assert.True(CachedTableBytes(connection) <= DuckDbWarehouseConnection.CacheKeptOnRelease, $"cached {CachedTableBytes(connection)}");
        Assert.Equal(limit, connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')"));
        Assert.Equal(2_000_000L, connection.ExecuteScalar<long>("SELECT count(DISTINCT s) FROM big"));
    }

    [Fact]
    public async Task ReleaseCachedBlocks_Twice_PutsBackTheSameLimit()
    {
        await using var connection = await _warehouse.OpenAsync(CancellationToken.None);
        var limit = connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')");
        connection.ExecuteNonQuery(BigTable);
        Assert.True(_warehouse.ReleaseCachedBlocks(connection) > 0);
        connection.ExecuteNonQuery(OtherBigTable);

        Assert.True(_warehouse.ReleaseCachedBlocks(connection) > 0);

        Assert.Equal(limit, connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')"));
    }

    [Fact]
    public async Task ReleaseCachedBlocks_ConfiguredMemoryLimit_PutsTheConfiguredOneBack()
    {
        await _warehouse.DisposeAsync();
        _warehouse = Warehouse(memoryLimit: "1GB");
        await using var connection = await _warehouse.OpenAsync(CancellationToken.None);
        var limit = connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')");
        connection.ExecuteNonQuery(BigTable);

        Assert.True(_warehouse.ReleaseCachedBlocks(connection) > 0);

        Assert.Equal(limit, connection.ExecuteScalar<string>("SELECT current_setting('memory_limit')"));
    }

    [Fact]
    public async Task ReleaseCachedBlocks_LittleCached_ChangesNothing()
    {
        await using var connection = await _warehouse.OpenAsync(CancellationToken.None);
        connection.ExecuteNonQuery("CREATE TABLE small AS SELECT range AS id FROM range(1000)");

        Assert.Equal(0, _warehouse.ReleaseCachedBlocks(connection));
        Assert.Equal(1000L, connection.ExecuteScalar<long>("SELECT count(*) FROM small"));
    }

    [Fact]
    public async Task Written_RowsPassTheCheckInterval_ReleasesTheCache()
    {
        await using var connection = await _warehouse.OpenAsync(CancellationToken.None);
        connection.ExecuteNonQuery(BigTable);

        _warehouse.Written(DuckDbWarehouseConnection.CacheCheckRows - 1);
        Assert.True(CachedTableBytes(connection) > DuckDbWarehouseConnection.CacheReleaseAbove);
        _warehouse.Written(1);

        Assert.True(CachedTableBytes(connection) <= DuckDbWarehouseConnection.CacheKeptOnRelease, $"cached {CachedTableBytes(connection)}");
    }

    [Fact]
    public async Task Written_SmallTablesCommittedInGroups_EachCountsAsARowGroupAndReleasesTheCache()
    {
        await using (var connection = await _warehouse.OpenAsync(CancellationToken.None))
        {
            connection.ExecuteNonQuery(BigTable);
        }

        ImmutableArray<ColumnSchema> columns = [new("id", ColumnType.Int64, false), new("name", ColumnType.String)];
        // 2,048 rows counted per small table: the 123rd passes the check interval of 250,000 rows.
        const int TablesBeforeTheCheck = (int)(DuckDbWarehouseConnection.CacheCheckRows / 2_048);
        for (var table = 0; table <= TablesBeforeTheCheck; table++)
        {
            await using (var connection = await _warehouse.OpenAsync(CancellationToken.None))
            {
                if (table == TablesBeforeTheCheck)
                {
                    Assert.True(CachedTableBytes(connection) > DuckDbWarehouseConnection.CacheReleaseAbove, $"cached {CachedTableBytes(connection)}");
                }
            }

            var request = new WriteRequest("nightly", "t" + table, new StreamId("lake", "t" + table), columns, WriteMode.FullRefresh, ["id"]);
            await using var writer = await _warehouse.OpenWriterAsync(request, CancellationToken.None);
            await writer.WriteAsync(ComplianceData.Batch(columns, [[1L, "one"], [2L, "two"]]), CancellationToken.None);
            Assert.Equal(2, (await writer.CommitAsync(null, CancellationToken.None)).RowsWritten);
        }

        await using var after = await _warehouse.OpenAsync(CancellationToken.None);
        Assert.True(CachedTableBytes(after) <= DuckDbWarehouseConnection.CacheKeptOnRelease, $"cached {CachedTableBytes(after)}");
        Assert.Equal(2L, after.ExecuteScalar<long>($"SELECT count(*) FROM lake.t{TablesBeforeTheCheck}"));
    }

    private DuckDbWarehouseConnection Warehouse(string? memoryLimit) =>
        new("warehouse", new DuckDbConnectorOptions(DatabasePath, MemoryLimit: memoryLimit));

    private static long CachedTableBytes(DuckDbConnection connection) =>
        connection.ExecuteScalar<long>("SELECT memory_usage_bytes FROM duckdb_memory() WHERE tag = 'BASE_TABLE'");
}
