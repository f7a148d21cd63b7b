using Nagare.DuckDb;
using Nagare.Runtime.Configuration;

namespace Nagare.Cli.Tests;

public sealed class DemoCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"nagare-demo-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Demo_FreshFolder_LoadsLakeBuildsMartsAndPrintsSummaries()
    {
        var run = await CliRun.RunAsync("demo", "--dir", _folder);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Monthly revenue (Asia/Tokyo)", run.Out, StringComparison.Ordinal);
        Assert.Contains("Top 5 products", run.Out, StringComparison.Ordinal);
        Assert.Contains("mobile", run.Out, StringComparison.Ordinal);
        AssertWarehouse();
    }

    [Fact]
    public async Task Demo_RunTwice_ReplacesDemoDataWithoutDuplicates()
    {
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--dir", _folder)).ExitCode);
        var second = await CliRun.RunAsync("demo", "--dir", _folder);

        Assert.True(second.ExitCode == 0, second.Error);
        AssertWarehouse();
    }

    [Fact]
    public async Task Demo_LeavesAProjectOnItsWarehouse_AndKeepsItWhenEdited()
    {
        var run = await CliRun.RunAsync("demo", "--dir", _folder);

        Assert.True(run.ExitCode == 0, run.Error);
        var project = Path.Combine(_folder, "demo", "project");
        Assert.Contains($"nagare serve -p {project}", run.Out.ReplaceLineEndings(string.Empty), StringComparison.Ordinal);
        var loaded = ProjectLoader.Load(project);
        Assert.Equal("demo", loaded.Name);
        Assert.Equal(Path.GetFullPath(Path.Combine(_folder, "warehouse.duckdb")), loaded.WarehousePath);

        var file = Path.Combine(project, "nagare.yml");
        await File.WriteAllTextAsync(file, "name: my_demo\nwarehouse: ../../warehouse.duckdb\n");
        Assert.Equal(0, (await CliRun.RunAsync("demo", "--dir", _folder)).ExitCode);
        Assert.Equal("name: my_demo\nwarehouse: ../../warehouse.duckdb\n", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Demo_ScaleOutOfRange_ExitsOne()
    {
        var run = await CliRun.RunAsync("demo", "--dir", _folder, "--scale", "0");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--scale", run.Error, StringComparison.Ordinal);
    }

    private void AssertWarehouse()
    {
        using var connection = new DuckDbConnection($"Data Source={Path.Combine(_folder, "warehouse.duckdb")}");
        connection.Open();
        Assert.Equal(2_000L, connection.ExecuteScalar<long>("SELECT count(*) FROM lake_app.customers"));
        Assert.Equal(80L, connection.ExecuteScalar<long>("SELECT count(*) FROM lake_app.products"));
        Assert.Equal(25_000L, connection.ExecuteScalar<long>("SELECT count(*) FROM lake_app.orders"));
        Assert.Equal(28_000L, connection.ExecuteScalar<long>("SELECT count(*) FROM lake_logs.access_logs"));
        Assert.Equal(25_000L, connection.ExecuteScalar<long>("SELECT count(*) FROM dwh.orders"));

        // Every order belongs to a known customer and product (no dangling keys from the generator).
        Assert.Equal(0L, connection.ExecuteScalar<long>(
            "SELECT count(*) FROM lake_app.orders o LEFT JOIN lake_app.customers c ON c.id = o.customer_id WHERE c.id IS NULL"));

        // The mart adds up to the cleansed orders it was built from.
        Assert.Equal(
            connection.ExecuteScalar<decimal>("SELECT sum(amount) FROM lake_app.orders WHERE status IN ('paid', 'shipped')"),
            connection.ExecuteScalar<decimal>("SELECT sum(revenue_jpy) FROM mart_sales.monthly_revenue"));

        // Timestamps were converted to Tokyo time: 9 hours ahead of UTC.
        Assert.Equal(9L, connection.ExecuteScalar<long>(
            "SELECT DISTINCT date_diff('hour', (o.ordered_at AT TIME ZONE 'UTC'), d.ordered_at_jst) FROM lake_app.orders o JOIN dwh.orders d ON d.order_id = o.id"));

        // The Parquet copy of the logs holds every log line.
        var parquet = Path.Combine(_folder, "demo", "lake", "access_logs.parquet").Replace("'", "''", StringComparison.Ordinal);
        Assert.Equal(28_000L, connection.ExecuteScalar<long>($"SELECT count(*) FROM read_parquet('{parquet}')"));
    }
}
