using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Nagare.Cli.Tests;

/// <summary>Commands meeting a warehouse file that another process holds, and read-only use of the warehouse.</summary>
/// <remarks>Unix only: the holder reads a named pipe, and read-only files are made with Unix permissions.</remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WarehouseLockTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nagare-lock-" + Guid.NewGuid().ToString("N")[..10]);

    public WarehouseLockTests()
    {
        Write("nagare.yml", "name: shop\n");
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nstreams:\n  sales: sales.csv\n  items: items.csv\n");
        Write("syncs/shop.yml", "name: shop\nsource: drop\ntarget_schema: lake\nstreams:\n  - select: '*'\n");
        Write("drop/sales.csv", "id,amount\n1,1.50\n2,2.50\n");
        Write("drop/items.csv", "id,name\n1,apple\n");
        Write("models/sales_total.sql", "select sum(amount) as total from lake.sales\n");
    }

    private string Warehouse => Path.Combine(_dir, ".nagare", "warehouse.duckdb");

    public void Dispose()
    {
        if (File.Exists(Warehouse))
        {
            File.SetUnixFileMode(Warehouse, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Query_WarehouseHeldByAnotherProcess_ExitsOneNamingItsProcessAndCommandLine()
    {
        await SyncAsync();
        using var holder = await WarehouseHolder.StartAsync(Warehouse);

        var run = await CliRun.RunAsync("query", "SELECT count(*) FROM lake.sales", "--db", Warehouse);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: The DuckDB file '{Warehouse}' is held by process {holder.ProcessId} (dotnet ", run.Error, StringComparison.Ordinal);
        Assert.Contains($"nagare.dll query SELECT * FROM read_csv(", run.Error, StringComparison.Ordinal);
        Assert.Contains("hint: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("--wait", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Query_WaitWhileStillHeld_FailsAfterTheWaitSayingSo()
    {
        await SyncAsync();
        using var holder = await WarehouseHolder.StartAsync(Warehouse);
        var watch = Stopwatch.StartNew();

        var run = await CliRun.RunAsync("query", "SELECT 1", "--db", Warehouse, "--wait", "1");

        Assert.Equal(1, run.ExitCode);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1), $"gave up after {watch.Elapsed}");
        Assert.Contains($"is still held by process {holder.ProcessId} (", run.Error, StringComparison.Ordinal);
        Assert.Contains(") after waiting 1 s: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_WaitWhileTheHolderEnds_RunsOnceTheFileIsFree()
    {
        await SyncAsync();
        using var holder = await WarehouseHolder.StartAsync(Warehouse);

        // The command waits on its own thread, as it does in the real program.
        var query = Task.Run(() => CliRun.RunAsync("query", "SELECT count(*) AS n FROM lake.sales", "--db", Warehouse, "--format", "csv", "--wait", "60"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(query.IsCompleted, "the query did not wait for the holder");
        await holder.StopAsync();
        var run = await query;

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("n\n2\n", run.Out);
    }

    [Fact]
    public async Task Sync_WarehouseHeldByAnotherProcess_FailsOnceInsteadOfPerStream()
    {
        await SyncAsync();
        using var holder = await WarehouseHolder.StartAsync(Warehouse);

        var run = await CliRun.RunAsync("sync", "shop", "--project", _dir, "--json");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Single(Regex.Matches(run.Error, "is held by process"));
        Assert.Contains($"is held by process {holder.ProcessId} (dotnet ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_WarehouseHeldByAnotherProcess_ExitsOneNamingTheHolder()
    {
        await SyncAsync();
        using var holder = await WarehouseHolder.StartAsync(Warehouse);

        var run = await CliRun.RunAsync("build", "--project", _dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"error: The DuckDB file '", run.Error, StringComparison.Ordinal);
        Assert.Contains($"is held by process {holder.ProcessId} (dotnet ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateFromWarehouse_HeldByAWriter_ExitsOneNamingTheHolder()
    {
        await SyncAsync();
        using var holder = await WarehouseHolder.StartAsync(Warehouse);

        var run = await CliRun.RunAsync("generate", "--project", _dir, "--connection", "warehouse", "--dry-run");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"is held by process {holder.ProcessId} (dotnet ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ReadOnlyWhileAnotherReadOnlyProcessReads_ReturnsRows()
    {
        await SyncAsync();
        using var holder = await WarehouseHolder.StartAsync(Warehouse, readOnly: true);

        var run = await CliRun.RunAsync("query", "SELECT count(*) AS n FROM lake.items", "--db", Warehouse, "--format", "csv", "--read-only");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("n\n1\n", run.Out);
        Assert.False(holder.HasExited);
    }

    [Fact]
    public async Task Docs_ReadOnlyWhileAnotherReadOnlyProcessReads_WritesTheCatalog()
    {
        await SyncAsync();
        Assert.Equal(0, (await CliRun.RunAsync("build", "--project", _dir)).ExitCode);
        using var holder = await WarehouseHolder.StartAsync(Warehouse, readOnly: true);

        var run = await CliRun.RunAsync("docs", "--project", _dir, "--read-only");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("\"total\"", File.ReadAllText(Path.Combine(_dir, "target", "catalog.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_ReadOnly_PreviewsTheModel()
    {
        await SyncAsync();
        using var holder = await WarehouseHolder.StartAsync(Warehouse, readOnly: true);

        var run = await CliRun.RunAsync("show", "sales_total", "--project", _dir, "--format", "csv", "--read-only");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Equal("total\n4\n", run.Out);
    }

    [Fact]
    public async Task Query_ReadOnlyFlag_RefusesWrites()
    {
        await SyncAsync();

        var run = await CliRun.RunAsync("query", "CREATE TABLE lake.more AS SELECT 1 AS a", "--db", Warehouse, "--read-only");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("read-only", run.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Query_FileWithoutWritePermission_OpensReadOnlyAndSaysSoInOneLine()
    {
        await SyncAsync();
        File.SetUnixFileMode(Warehouse, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var read = await CliRun.RunAsync("query", "SELECT count(*) AS n FROM lake.sales", "--db", Warehouse, "--format", "csv");
        var write = await CliRun.RunAsync("query", "CREATE TABLE lake.more AS SELECT 1 AS a", "--db", Warehouse);

        Assert.True(read.ExitCode == 0, read.Error);
        Assert.Equal("n\n2\n", read.Out);
        Assert.Equal($"note: '{Warehouse}' is read-only (mode 0444); opening it read-only.\n", read.Error);
        Assert.Equal(1, write.ExitCode);
        Assert.Contains("read-only", write.Error, StringComparison.OrdinalIgnoreCase);
    }

    private async Task SyncAsync()
    {
        var run = await CliRun.RunAsync("sync", "shop", "--project", _dir, "--json");
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
