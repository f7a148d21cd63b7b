using Nagare.DuckDb;

namespace Nagare.Cli.Tests;

/// <summary>Every command reads the project files the same way: same known keys, same errors, broken files block only their dependents.</summary>
public sealed class ProjectFilesTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "nagare-project-files-" + Guid.NewGuid().ToString("N")[..10]);

    public ProjectFilesTests()
    {
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nstreams:\n  prices: prices.csv\n");
        Write("syncs/prices.yml", "name: prices\nsource: drop\ntarget_schema: lake\nstreams:\n  - select: prices\n");
        Write("drop/prices.csv", "id,item\n1,apple\n2,pear\n");
        Write("models/dwh/price_count.sql", "select count(*) as n from lake.prices where id >= {{ var('min_id') }}");
    }

    [Fact]
    public async Task SyncThenBuild_NagareYmlWithModelKeys_BothRun()
    {
        Write("nagare.yml", """
            name: shop
            warehouse: warehouse.duckdb
            models:
              paths: [models]
              config:
                dwh: { +materialized: table }
            vars:
              min_id: 2
            targets:
              dev: {}
            default_target: dev
            """);

        var sync = await CliRun.RunAsync("sync", "prices", "--project", dir);
        var build = await CliRun.RunAsync("build", "--project", dir);

        Assert.True(sync.ExitCode == 0, sync.Out + sync.Error);
        Assert.True(build.ExitCode == 0, build.Out + build.Error);
        using var duck = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = Path.Combine(dir, "warehouse.duckdb") }.ConnectionString);
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = "select n from dwh.price_count";
        Assert.Equal(1L, command.ExecuteScalar());
    }

    [Theory]
    [InlineData("sync|prices")]
    [InlineData("build")]
    [InlineData("compile")]
    [InlineData("query|select 1")]
    [InlineData("connection|test|drop")]
    public async Task Command_MisspeltTopLevelKey_FailsWithTheSameError(string command)
    {
        Write("nagare.yml", "name: shop\ntargts:\n  dev: {}\n");

        var run = await CliRun.RunAsync([.. command.Split('|'), "--project", dir]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith(
            $"error: {Path.Join(dir, "nagare.yml")}:2:1: targts: unknown key (did you mean 'targets'?). Known keys: default_target, defaults, models, name,",
            run.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_UnrelatedConnectionBroken_WarnsAndRuns()
    {
        Write("nagare.yml", "name: shop\n");
        Write("connections/crm.yml", "name: crm\ntype: postgres\ndatabase: crm\nuser: me\nhots: db\n");

        var run = await CliRun.RunAsync("sync", "prices", "--project", dir);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains(
            $"warning: connection 'crm' is skipped: {Path.Join(dir, "connections/crm.yml")}:5:1: hots: unknown key (did you mean 'host'?)",
            run.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_SourceConnectionBroken_FailsNamingTheConnectionAndProblem()
    {
        Write("nagare.yml", "name: shop\n");
        Write("connections/drop.yml", "name: drop\ntype: files\npath: drop\nstreams:\n  prices: prices.csv\nformt: csv\n");

        var run = await CliRun.RunAsync("sync", "prices", "--project", dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(
            $"error: Sync 'prices' cannot run: its source connection 'drop' has problems: {Path.Join(dir, "connections/drop.yml")}:6:1: formt: unknown key (did you mean 'format'?)",
            run.Error,
            StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(dir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
