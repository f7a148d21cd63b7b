using Nagare.DuckDb;

namespace Nagare.Cli.Tests;

/// <summary>Snapshots and analyses of a dbt project through the commands: <c>nagare snapshot</c>, <c>ls</c>, <c>compile</c>, <c>build</c>.</summary>
public sealed class DbtResourceCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nagare-dbt-resources-" + Guid.NewGuid().ToString("N"));

    public DbtResourceCommandTests()
    {
        Write("dbt_project.yml", "name: shop\nprofile: shop\n");
        Write("profiles.yml", "shop:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: shop.duckdb, schema: main }\n");
        Write("models/customers.sql", "{{ config(materialized='table') }}\nselect 1 as id, 'gold' as tier");
        Write("snapshots/customers_history.sql", """
            {% snapshot customers_history %}
            {{ config(unique_key='id', strategy='check', check_cols='all') }}
            select * from {{ ref('customers') }}
            {% endsnapshot %}
            """);
        Write("analyses/tier_counts.sql", "select tier, count(*) from {{ ref('customers_history') }} group by tier");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Snapshot_RecordsTheQueryAtTheRunsTime()
    {
        Assert.Equal(0, (await CliRun.RunAsync("run", "-p", _dir)).ExitCode);

        var run = await CliRun.RunAsync("snapshot", "-p", _dir);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("snapshot customers_history", run.Out, StringComparison.Ordinal);
        Assert.Contains("OK=1", run.Out, StringComparison.Ordinal);
        Assert.Equal("1 gold 2026-11-20 03:00:00 -", Scalar("select id || ' ' || tier || ' ' || dbt_valid_from || ' ' || coalesce(dbt_valid_to::varchar, '-') from main.customers_history"));
    }

    [Fact]
    public async Task Analyses_AreListedAndCompiledButNeverRun()
    {
        var ls = await CliRun.RunAsync("ls", "-p", _dir, "--resource-type", "analysis", "snapshot");
        var compile = await CliRun.RunAsync("compile", "-p", _dir);
        var build = await CliRun.RunAsync("build", "-p", _dir);

        Assert.Equal("shop.customers_history\nshop.tier_counts\n", ls.Out);
        Assert.True(compile.ExitCode == 0, compile.Out + compile.Error);
        Assert.Equal(
            "select tier, count(*) from \"main\".\"customers_history\" group by tier",
            File.ReadAllText(Path.Combine(_dir, "target", "compiled", "shop", "analyses", "tier_counts.sql")));
        Assert.True(build.ExitCode == 0, build.Out + build.Error);
        Assert.Contains("OK=2", build.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("tier_counts", build.Out, StringComparison.Ordinal);
    }

    private void Write(string path, string text)
    {
        var full = Path.Combine(_dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private string? Scalar(string sql)
    {
        using var db = new DuckDbConnection($"Data Source={Path.Combine(_dir, "shop.duckdb")}");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar()?.ToString();
    }
}
