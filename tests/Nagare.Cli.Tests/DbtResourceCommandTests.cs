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

    [Fact]
    public async Task Docs_ExposuresMetricsSemanticModelsAndSavedQueries_AreInTheManifestWithTheirDependencies()
    {
        Write("models/semantic.yml", """
            version: 2
            exposures:
              - name: tier_dashboard
                type: dashboard
                owner: { name: Sales }
                depends_on: [ref('customers'), ref('customers_history')]
            semantic_models:
              - name: customer_tiers
                model: ref('customers')
                entities: [{ name: customer, type: primary, expr: id }]
            metrics:
              - name: customer_count
                label: Customers
                type: simple
                type_params: { measure: customers }
            saved_queries:
              - name: customers_by_tier
                query_params: { metrics: [customer_count] }
            """);

        var docs = await CliRun.RunAsync("docs", "-p", _dir);

        Assert.True(docs.ExitCode == 0, docs.Out + docs.Error);
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "target", "manifest.json")));
        var exposure = manifest.RootElement.GetProperty("exposures").GetProperty("exposure.shop.tier_dashboard");
        Assert.Equal("dashboard", exposure.GetProperty("type").GetString());
        Assert.Equal(["model.shop.customers", "snapshot.shop.customers_history"], exposure.GetProperty("depends_on").GetProperty("nodes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("model.shop.customers", manifest.RootElement.GetProperty("semantic_models").GetProperty("semantic_model.shop.customer_tiers").GetProperty("depends_on").GetProperty("nodes")[0].GetString());
        Assert.Equal("Customers", manifest.RootElement.GetProperty("metrics").GetProperty("metric.shop.customer_count").GetProperty("label").GetString());
        Assert.Equal("saved_query", manifest.RootElement.GetProperty("saved_queries").GetProperty("saved_query.shop.customers_by_tier").GetProperty("resource_type").GetString());
    }

    [Fact]
    public async Task Compile_ExposureNamingAMissingModel_NamesFileAndKey()
    {
        Write("models/exposures.yml", "version: 2\nexposures:\n  - name: board\n    type: dashboard\n    depends_on: [ref('customerz')]\n");

        var run = await CliRun.RunAsync("compile", "-p", _dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("models/exposures.yml", run.Error, StringComparison.Ordinal);
        Assert.Contains("board: ref('customerz') names no model, seed, snapshot or source (did you mean 'customers'?)", run.Error, StringComparison.Ordinal);
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
