using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>Incremental loads of a landing folder by <c>_file_modified</c>: which files each run reads.</summary>
public sealed class FilesIncrementalSyncTests : IDisposable
{
    private const string Sync = """
        name: s
        source: inbox
        target_schema: lake
        streams:
          - select: orders
            mode: incremental
            cursor: _file_modified
        """;

    private static readonly DateTime Monday = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly TempProject project = new();

    public FilesIncrementalSyncTests() =>
        project.Write("nagare.yml", "name: t\n").Write("connections/inbox.yml", "name: inbox\ntype: files\npath: inbox\nstreams:\n  orders: \"orders/*.csv\"\n");

    public void Dispose() => project.Dispose();

    [Fact]
    public async Task Incremental_FileCopiedInWithAnOlderTime_IsReadAndUnchangedFilesAreNot()
    {
        Drop("orders/b.csv", "id,amount\n3,30\n4,40\n", Monday.AddDays(2));
        var first = await project.SyncAsync(Sync);

        // Copied in later with its old time kept (cp -p, rsync -t): before the cursor, but never read.
        Drop("orders/a.csv", "id,amount\n1,10\n2,20\n", Monday);
        var second = await project.SyncAsync(Sync);
        var third = await project.SyncAsync(Sync);

        // Rewritten in place: read again.
        Drop("orders/b.csv", "id,amount\n3,31\n4,41\n5,51\n", Monday.AddDays(2));
        var fourth = await project.SyncAsync(Sync);

        Assert.True(fourth.Succeeded, fourth.Streams[0].Message);
        Assert.Equal([2L, 2L, 0L, 3L], new[] { first, second, third, fourth }.Select(s => s.Streams[0].RowsWritten));
        Assert.Equal(["1|10|a.csv", "2|20|a.csv", "3|30|b.csv", "3|31|b.csv", "4|40|b.csv", "4|41|b.csv", "5|51|b.csv"],
            project.QueryWarehouse("SELECT id, amount, parse_filename(_file) FROM lake.orders ORDER BY id, amount"));
    }

    private void Drop(string relativePath, string text, DateTime modified)
    {
        project.Write("inbox/" + relativePath, text);
        File.SetLastWriteTimeUtc(project.PathOf("inbox/" + relativePath), modified);
    }
}
