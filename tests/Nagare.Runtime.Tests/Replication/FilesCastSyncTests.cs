using System.Text;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>A sync's per-column <c>cast</c> on a CSV column: the file is read as that type, not as what DuckDB would guess.</summary>
public sealed class FilesCastSyncTests : IDisposable
{
    private readonly TempProject project = new();

    public FilesCastSyncTests() =>
        project.Write("nagare.yml", "name: t\n").Write("connections/inbox.yml", "name: inbox\ntype: files\npath: inbox\n");

    public void Dispose() => project.Dispose();

    [Fact]
    public async Task Sync_CastToStringOnColumnMixingDateStyles_LoadsEveryValueAsWritten()
    {
        // Far more ISO dates than DuckDB samples, so its guess is DATE; the other style comes after.
        var csv = new StringBuilder("id,ordered_on\n");
        for (var i = 1; i <= 30_000; i++)
        {
            csv.Append(i).Append(",2020-04-01\n");
        }

        csv.Append("30001,2019/07/20\n30002,令和元年7月20日\n");
        project.Write("inbox/orders.csv", csv.ToString());

        var summary = await project.SyncAsync("""
            name: s
            source: inbox
            target_schema: lake
            columns:
              "orders.ordered_on": { cast: string }
            streams:
              - select: orders
            """);

        Assert.True(summary.Succeeded, summary.Streams[0].Message);
        Assert.Equal(30_002L, summary.Streams[0].RowsWritten);
        Assert.Equal(["2019/07/20|1", "2020-04-01|30000", "令和元年7月20日|1"],
            project.QueryWarehouse("SELECT ordered_on, count(*) FROM lake.orders GROUP BY ALL ORDER BY ALL"));
        Assert.Equal(["VARCHAR"], project.QueryWarehouse("SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'ordered_on'"));
    }
}
