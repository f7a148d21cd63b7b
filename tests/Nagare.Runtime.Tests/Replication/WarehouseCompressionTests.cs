using Nagare.Runtime.Configuration;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>How the warehouse a sync writes compresses text: <c>warehouse_compression</c> in nagare.yml.</summary>
public sealed class WarehouseCompressionTests : IDisposable
{
    private const string Sync = "name: s\nsource: inbox\ntarget_schema: lake\nstreams:\n  - select: notes\n";

    // Which compression DuckDB chose for the text column's segments, as "method:count" sorted by method.
    private const string TextSegments =
        "SELECT string_agg(compression || ':' || n, ',' ORDER BY compression) FROM (SELECT compression, count(*) AS n FROM pragma_storage_info('lake.notes') WHERE column_name = 'note' AND segment_type = 'VARCHAR' GROUP BY compression)";

    private readonly TempProject project = new();

    public WarehouseCompressionTests()
    {
        // Hexadecimal text: FSST halves it, a dictionary cannot (every value differs).
        var csv = new System.Text.StringBuilder("id,note\n");
        for (var i = 0; i < 20_000; i++)
        {
            csv.Append(i).Append(',').Append(Convert.ToHexString(System.Security.Cryptography.MD5.HashData(BitConverter.GetBytes(i)))).Append('\n');
        }

        project.Write("connections/inbox.yml", "name: inbox\ntype: files\npath: inbox\n").Write("inbox/notes.csv", csv.ToString());
    }

    public void Dispose() => project.Dispose();

    [Fact]
    public async Task Sync_DefaultCompression_CompressesTextWithFsst()
    {
        project.Write("nagare.yml", "name: t\n");

        var summary = await project.SyncAsync(Sync);

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        var segments = Assert.Single(project.QueryWarehouse(TextSegments));
        Assert.Contains("FSST", segments, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_LightCompression_StoresTextWithoutFsstAndKeepsEveryValue()
    {
        project.Write("nagare.yml", "name: t\nwarehouse_compression: light\n");

        var summary = await project.SyncAsync(Sync);

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        var segments = Assert.Single(project.QueryWarehouse(TextSegments));
        Assert.DoesNotContain("FSST", segments, StringComparison.Ordinal);
        Assert.Equal(["20000|20000|" + Convert.ToHexString(System.Security.Cryptography.MD5.HashData(BitConverter.GetBytes(19_999)))],
            project.QueryWarehouse("SELECT count(*), count(DISTINCT note), max(note) FILTER (WHERE id = 19999) FROM lake.notes"));
    }

    [Theory]
    [InlineData("warehouse_compression: zstd\n", "nagare.yml:2", "warehouse_compression: must be auto or light, found 'zstd'")]
    public void Load_UnknownCompression_NamesFileLineAndKey(string setting, string where, string message)
    {
        project.Write("nagare.yml", "name: t\n" + setting);

        var e = Assert.Throws<ConfigException>(() => ProjectLoader.Load(project.Root));

        Assert.Contains(where, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
