using Nagare.Runtime.Configuration;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>The block size of the warehouse file a sync creates.</summary>
public sealed class WarehouseBlockSizeTests : IDisposable
{
    private const string Sync = "name: s\nsource: inbox\ntarget_schema: lake\nstreams:\n  - select: orders\n";

    private readonly TempProject project = new();

    public WarehouseBlockSizeTests() =>
        project.Write("connections/inbox.yml", "name: inbox\ntype: files\npath: inbox\n").Write("inbox/orders.csv", "id,amount\n1,10\n");

    public void Dispose() => project.Dispose();

    [Theory]
    [InlineData("", 65536L)]
    [InlineData("warehouse_block_size: 16384\n", 16384L)]
    [InlineData("warehouse_block_size: 262_144\n", 262144L)]
    public async Task Sync_NewWarehouse_HasTheConfiguredBlockSize(string setting, long expected)
    {
        project.Write("nagare.yml", "name: t\n" + setting);

        var summary = await project.SyncAsync(Sync);

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal([$"{expected}|1"], project.QueryWarehouse("SELECT block_size, (SELECT count(*) FROM lake.orders) FROM pragma_database_size()"));
    }

    [Fact]
    public void Load_BlockSizeNotAPowerOfTwo_NamesFileLineAndKey()
    {
        project.Write("nagare.yml", "name: t\nwarehouse_block_size: 100000\n");

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root));

        Assert.Contains("nagare.yml:2", e.Message, StringComparison.Ordinal);
        Assert.Contains("warehouse_block_size: must be a power of two from 16384 to 262144, found 100000", e.Message, StringComparison.Ordinal);
    }
}
