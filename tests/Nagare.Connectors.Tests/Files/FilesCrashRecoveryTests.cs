using System.Collections.Immutable;
using Nagare.Connectors.Files;
using Nagare.Core.Connectors;
using Nagare.Core.Schema;
using Nagare.Core.Types;

namespace Nagare.Connectors.Tests.Files;

/// <summary>
/// A process killed while committing files: the next run sees the old files with the old state or the new files
/// with the new state, never a mix. The crashed process is reproduced by leaving its work folder as it would be.
/// </summary>
public sealed class FilesCrashRecoveryTests
{
    private static readonly ImmutableArray<ColumnSchema> Columns = [new("id", ColumnType.Int64, false), new("name", ColumnType.String)];
    private static readonly StreamState Old = new("old", "id", [], ImmutableDictionary<string, string>.Empty);
    private static readonly StreamState New = new("new", "id", [], ImmutableDictionary<string, string>.Empty);

    [Fact]
    public async Task Recover_CrashAfterCommitDecidedBeforeAnyMove_RollsForwardFilesAndState()
    {
        using var kit = new FilesTestKit();
        await CommitOldAsync(kit);
        var work = CrashedWorkFolder(kit, ("part1.csv", "id,name\n9,new nine\n"), ("part2.csv", "id,name\n10,new ten\n"));
        await FilesCommitJournal.WriteAsync(work, Record(replace: true, ("part1.csv", "orders/orders_1.csv"), ("part2.csv", "orders/orders_2.csv")), CancellationToken.None);

        await using var files = Connection(kit);
        var state = await files.LoadStateAsync("sync", "orders", CancellationToken.None);

        Assert.Equal("new", state?.Cursor);
        Assert.Equal(["orders/orders_1.csv", "orders/orders_2.csv"], Orders(kit));
        Assert.Equal("id,name\n9,new nine\n", File.ReadAllText(Path.Combine(kit.Root, "orders/orders_1.csv")));
        Assert.False(Directory.Exists(work));
    }

    [Fact]
    public async Task Recover_CrashHalfwayThroughTheMoves_FinishesThemAndDropsTheOldSet()
    {
        using var kit = new FilesTestKit();
        await CommitOldAsync(kit);
        var work = CrashedWorkFolder(kit, ("part2.csv", "id,name\n10,new ten\n"));

        // The old set was moved out and part 1 moved in before the process died; part 2 is still in the work folder.
        Directory.CreateDirectory(Path.Combine(work, "old", "orders"));
        File.Move(Path.Combine(kit.Root, "orders/orders_1.csv"), Path.Combine(work, "old", "orders/orders_1.csv"));
        File.WriteAllText(Path.Combine(kit.Root, "orders/orders_1.csv"), "id,name\n9,new nine\n");
        await FilesCommitJournal.WriteAsync(work, Record(replace: true, ("part1.csv", "orders/orders_1.csv"), ("part2.csv", "orders/orders_2.csv")) with { OldFiles = ["orders/orders_1.csv", "orders/orders_3.csv"] }, CancellationToken.None);
        File.WriteAllText(Path.Combine(kit.Root, "orders/orders_3.csv"), "id,name\n3,old three\n");

        await using var files = Connection(kit);
        var state = await files.LoadStateAsync("sync", "orders", CancellationToken.None);

        Assert.Equal("new", state?.Cursor);
        Assert.Equal(["orders/orders_1.csv", "orders/orders_2.csv"], Orders(kit));
        Assert.Equal("id,name\n9,new nine\n", File.ReadAllText(Path.Combine(kit.Root, "orders/orders_1.csv")));
        Assert.Equal("id,name\n10,new ten\n", File.ReadAllText(Path.Combine(kit.Root, "orders/orders_2.csv")));
    }

    [Fact]
    public async Task Recover_CrashBeforeCommit_DeletesTheWorkAndKeepsOldFilesAndState()
    {
        using var kit = new FilesTestKit();
        await CommitOldAsync(kit);
        var work = CrashedWorkFolder(kit, ("part1.csv", "id,name\n9,half written"));

        await using var files = Connection(kit);
        var state = await files.LoadStateAsync("sync", "orders", CancellationToken.None);

        Assert.Equal("old", state?.Cursor);
        Assert.Equal(["orders/orders_1.csv"], Orders(kit));
        Assert.Equal("id,name\n1,name 1\n2,name 2\n", File.ReadAllText(Path.Combine(kit.Root, "orders/orders_1.csv")));
        Assert.False(Directory.Exists(work));
    }

    [Fact]
    public async Task Recover_WriterStillRunning_LeavesItsWorkAloneAndItCommits()
    {
        using var kit = new FilesTestKit();
        await CommitOldAsync(kit);
        await using var running = Connection(kit);
        await using var writer = await running.OpenWriterAsync(Request(), CancellationToken.None);
        await writer.WriteAsync(FilesTestKit.Batch(Columns, [[5L, "five"]]), CancellationToken.None);

        // Another run (another connection object, as another process would have) starts meanwhile.
        await using var other = Connection(kit);
        Assert.Equal("old", (await other.LoadStateAsync("sync", "orders", CancellationToken.None))?.Cursor);
        await writer.CommitAsync(New, CancellationToken.None);

        Assert.Equal("new", (await Connection(kit).LoadStateAsync("sync", "orders", CancellationToken.None))?.Cursor);
        Assert.Equal("id,name\n5,five\n", File.ReadAllText(Path.Combine(kit.Root, "orders/orders_1.csv")));
        Assert.Empty(Directory.EnumerateDirectories(kit.Root, ".nagare-*"));
    }

    private static List<string> Orders(FilesTestKit kit) => [.. kit.Files().Where(f => f.StartsWith("orders/", StringComparison.Ordinal))];

    private static FilesConnection Connection(FilesTestKit kit) =>
        kit.Connection(new FilesConnectorOptions(kit.Root, Format: "csv") { FileNameTemplate = "{stream}/{stream}_{part}.{ext}" });

    private static WriteRequest Request() => new("sync", "orders", new StreamId(null, "orders"), Columns, WriteMode.FullRefresh, []);

    private static async Task CommitOldAsync(FilesTestKit kit)
    {
        await using var files = Connection(kit);
        await using var writer = await files.OpenWriterAsync(Request(), CancellationToken.None);
        await writer.WriteAsync(FilesTestKit.Batch(Columns, [[1L, "name 1"], [2L, "name 2"]]), CancellationToken.None);
        await writer.CommitAsync(Old, CancellationToken.None);
    }

    /// <summary>A dead writer's work folder: parts written, lock file left behind but no longer held.</summary>
    private static string CrashedWorkFolder(FilesTestKit kit, params (string Name, string Content)[] parts)
    {
        var work = Path.Combine(kit.Root, FileCatalog.WorkFolderPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, FilesCommitJournal.LockName), string.Empty);
        foreach (var (name, content) in parts)
        {
            File.WriteAllText(Path.Combine(work, name), content);
        }

        return work;
    }

    private static FilesCommitJournal.Record Record(bool replace, params (string Temp, string Final)[] parts) =>
        new("sync", "orders", New, replace, [.. parts.Select(p => new FilesCommitJournal.PartMove(p.Temp, p.Final))], replace ? ["orders/orders_1.csv"] : []);
}
