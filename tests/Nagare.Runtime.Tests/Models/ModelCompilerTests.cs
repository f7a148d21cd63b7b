using Nagare.Runtime.Configuration;
using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

public sealed class ModelCompilerTests : IDisposable
{
    private readonly TempProject _project = new();

    public ModelCompilerTests()
    {
        _project
            .Write("nagare.yml", """
                name: shop
                warehouse: warehouse.duckdb
                vars:
                  min_amount: 10
                  regions: [east, west]
                targets:
                  dev: { schema_prefix: dev_ }
                  ci: { warehouse: ci.duckdb, schema_suffix: _ci }
                  prod: {}
                default_target: dev
                """)
            .Write("models/lake/app/app_orders.sql", "select * from {{ source('app', 'orders') }}")
            .Write("models/lake/app/sources.yml", """
                version: 2
                sources:
                  - name: app
                    schema: lake_app
                    tables:
                      - name: orders
                        identifier: orders_raw
                """)
            .Write("models/dwh/orders.sql", """
                {{ config(materialized='table', tags=['daily']) }}
                select id, {{ money('amount') }} as amount, region
                from {{ ref('app_orders') }}
                where amount >= {{ var('min_amount') }}
                """)
            .Write("models/dwh/order_regions.sql", """
                {{ config(materialized='ephemeral') }}
                select region, count(*) as n from {{ ref('orders') }} group by region
                """)
            .Write("models/mart/sales/region_totals.sql", """
                with totals as (
                    select * from {{ ref('order_regions') }}
                )
                select
                {%- for r in var('regions') %}
                    sum(case when region = '{{ r }}' then n end) as {{ r }}{{ "," if not loop.last }}
                {%- endfor %}
                from totals
                -- built into {{ this }} for {{ target.name }}
                """)
            .Write("macros/money.sql", "{% macro money(col) %}round({{ col }} / 100.0, 2){% endmacro %}");
    }

    public void Dispose() => _project.Dispose();

    [Fact]
    public void Compile_LayeredProject_MatchesGoldenFiles()
    {
        var manifest = _project.Compile();

        Assert.Equal(Golden("orders.sql"), manifest.Nodes["model.shop.orders"].CompiledSql);
        Assert.Equal(Golden("region_totals.sql"), manifest.Nodes["model.shop.region_totals"].CompiledSql);
        Assert.Equal(Golden("app_orders.sql"), manifest.Nodes["model.shop.app_orders"].CompiledSql);
        Assert.True(File.Exists(Path.Combine(_project.Root, "target", "compiled", "shop", "models", "dwh", "orders.sql")));
        Assert.True(File.Exists(Path.Combine(_project.Root, "target", "manifest.json")));
    }

    [Fact]
    public void Compile_ThousandsOfModels_ManifestMadeInSlicesIsOneValidObjectInOrder()
    {
        for (var i = 0; i < 2_500; i++)
        {
            _project.Write($"models/many/m{i:D4}.sql", $"select {i} as id, '\"quoted\" ✓ {i}' as note\n-- {{{{ this }}}}\nfrom {{{{ ref('orders') }}}}");
        }

        var manifest = _project.Compile();

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_project.Root, "target", "manifest.json")));
        var nodes = json.RootElement.GetProperty("nodes").EnumerateObject().ToList();
        Assert.Equal(manifest.Nodes.Values.Where(n => n.Type != NodeType.Source).Select(n => n.UniqueId).Order(StringComparer.Ordinal), nodes.Select(n => n.Name));
        foreach (var node in nodes)
        {
            Assert.Equal(node.Name, node.Value.GetProperty("unique_id").GetString());
            Assert.Equal(manifest.Nodes[node.Name].CompiledSql, node.Value.TryGetProperty("compiled_code", out var code) ? code.GetString() : null);
        }

        Assert.Equal("source.shop.app.orders", Assert.Single(json.RootElement.GetProperty("sources").EnumerateObject()).Name);
        Assert.Contains("'\"quoted\" ✓ 7' as note", manifest.Nodes["model.shop.m0007"].CompiledSql, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_RefsSourcesAndConfig_FormTheGraphAndSchemas()
    {
        var manifest = _project.Compile();
        var orders = manifest.Nodes["model.shop.orders"];

        Assert.Equal(["model.shop.app_orders"], orders.DependsOn);
        Assert.Equal(["source.shop.app.orders"], manifest.Nodes["model.shop.app_orders"].DependsOn);
        Assert.Equal("table", orders.Config.Materialized);
        Assert.Equal(["daily"], orders.Config.Tags);
        Assert.Equal("dev_dwh", orders.Schema);
        Assert.Equal("dev_lake_app", manifest.Nodes["model.shop.app_orders"].Schema);
        Assert.Equal("dev_mart_sales", manifest.Nodes["model.shop.region_totals"].Schema);
        Assert.True(manifest.Nodes["model.shop.order_regions"].IsEphemeral);
    }

    [Fact]
    public void Compile_OtherTarget_ChangesSchemasButNotChecksums()
    {
        var dev = _project.Compile("dev");
        var ci = _project.Compile("ci");

        Assert.Equal("dwh_ci", ci.Nodes["model.shop.orders"].Schema);
        Assert.EndsWith("ci.duckdb", ci.Project.Target.DatabasePath, StringComparison.Ordinal);
        foreach (var node in dev.Nodes.Values)
        {
            Assert.Equal(node.Checksum, ci.Nodes[node.UniqueId].Checksum);
        }
    }

    [Fact]
    public void Compile_SecondRun_ReusesUnchangedFilesOnly()
    {
        _project.Compile();
        var warm = _project.Compile();
        _project.Write("models/dwh/orders.sql", "select 1 as id, {{ money('2') }} as amount, 'east' as region -- {{ ref('app_orders') }}");
        var edited = _project.Compile();

        Assert.Equal(4, warm.CacheHits);
        Assert.Equal(3, edited.CacheHits);
        Assert.StartsWith("select 1 as id, round(2 / 100.0, 2) as amount", edited.Nodes["model.shop.orders"].CompiledSql, StringComparison.Ordinal);
        Assert.Equal("view", edited.Nodes["model.shop.orders"].Config.Materialized);
    }

    [Fact]
    public void Compile_MissingRef_NamesFileAndSuggests()
    {
        _project.Write("models/dwh/broken.sql", "select * from {{ ref('order') }}");

        var e = Assert.Throws<ModelProjectException>(() => _project.Compile());

        Assert.Equal("models/dwh/broken.sql: ref('order') refers to a model or seed 'order' that does not exist (did you mean 'orders'?)", e.Message);
    }

    [Fact]
    public void Compile_MissingVarWithoutDefault_NamesTheVar()
    {
        _project.Write("models/dwh/needs_var.sql", "select {{ var('start_date') }}");

        var e = Assert.Throws<ModelProjectException>(() => _project.Compile());

        Assert.Contains("required var 'start_date' is not set", e.Message, StringComparison.Ordinal);
        Assert.Contains("models/dwh/needs_var.sql", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_VarsFromCommandLine_WinOverProject()
    {
        var manifest = ModelCompiler.Compile(_project.Load(vars: ModelProject.ParseVars("{min_amount: 99}")), new CompileOptions { UseCache = false });

        Assert.Contains("where amount >= 99", manifest.Nodes["model.shop.orders"].CompiledSql, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_MisspeltColumnsKey_FailsWithDidYouMeanInsteadOfDroppingTests()
    {
        _project.Write("models/dwh/schema.yml", """
            version: 2
            models:
              - name: orders
                colums:
                  - name: id
                    tests: [unique]
            """);

        var e = Assert.Throws<ConfigException>(() => _project.Compile());

        Assert.StartsWith("models/dwh/schema.yml:4:5: models[0].colums: unknown key (did you mean 'columns'?). Known keys: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("data_tests", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_MisspeltKeysInSeveralPlaces_ReportsEveryOne()
    {
        _project.Write("models/dwh/schema.yml", """
            version: 2
            models:
              - name: orders
                descripton: typo
                columns:
                  - name: id
                    tets: [unique]
            """);

        var e = Assert.Throws<ConfigException>(() => _project.Compile());

        Assert.Equal(2, e.Problems.Count);
        Assert.Equal(["models[0].descripton", "models[0].columns[0].tets"], e.Problems.Select(p => p.Key));
        Assert.Equal([4, 7], e.Problems.Select(p => p.Line));
    }

    [Fact]
    public void Compile_PropertyFileWithDbtKeys_IsAccepted()
    {
        _project.Write("models/dwh/schema.yml", """
            version: 2
            models:
              - name: orders
                description: Orders
                docs: { show: true }
                meta: { owner: data }
                tags: [daily]
                access: public
                group: sales
                latest_version: 1
                deprecation_date: 2030-01-01
                constraints:
                  - type: primary_key
                    columns: [id]
                config: { contract: { enforced: false } }
                columns:
                  - name: id
                    data_type: bigint
                    quote: false
                    constraints: [{ type: not_null }]
                    meta: { pii: false }
                    tags: [key]
                    data_tests: [not_null]
            sources:
              - name: crm
                loader: fivetran
                loaded_at_field: synced_at
                freshness: { warn_after: { count: 1, period: day } }
                quoting: { identifier: false }
                overrides: other
                tables:
                  - name: accounts
                    identifier: accounts_raw
                    loaded_at_field: synced_at
                    external: { location: "s3://bucket/accounts" }
                    columns:
                      - name: id
                        tests: [unique]
            """);

        var manifest = _project.Compile(cache: false);

        Assert.Equal("bigint", Assert.Single(manifest.Nodes["model.shop.orders"].Columns).DataType);
        Assert.Contains("source.shop.crm.accounts", manifest.Nodes.Keys);
    }

    [Fact]
    public void Load_MisspeltTopLevelKeyInNagareYml_FailsAsEveryCommandDoes()
    {
        _project.Write("nagare.yml", "name: shop\nwarehouse: warehouse.duckdb\ntargts:\n  dev: {}\n");

        var e = Assert.Throws<ConfigException>(() => _project.Load());

        Assert.StartsWith($"{Path.Join(_project.Root, "nagare.yml")}:3:1: targts: unknown key (did you mean 'targets'?). Known keys: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NagareYml_TakesModelSettingsFromTheProjectModel()
    {
        var config = ProjectLoader.Load(_project.Root);

        var project = ModelProject.Load(config, "ci");

        Assert.Equal(["dev", "ci", "prod"], project.TargetNames);
        Assert.Equal(Path.Combine(_project.Root, "ci.duckdb"), project.Target.DatabasePath);
        Assert.Equal("_ci", project.Target.SchemaSuffix);
        Assert.Equal(10L, project.Vars["min_amount"]);
        Assert.Equal(new object?[] { "east", "west" }, Assert.IsType<List<object?>>(project.Vars["regions"]));
        Assert.Equal(Path.Combine(_project.Root, ProjectDefaults.TargetPath), project.TargetPath);
    }

    [Fact]
    public void Load_BadYaml_NamesFileLineAndKey()
    {
        _project.Write("models/dwh/schema.yml", """
            version: 2
            models:
              - name: orders
                columns: not-a-list
            """);

        var e = Assert.Throws<ConfigException>(() => _project.Compile());

        Assert.Equal("models/dwh/schema.yml:4:5: models[0].columns: expected a list", e.Message);
    }

    [Fact]
    public void Compile_Cycle_IsReportedWithThePath()
    {
        _project.Write("models/dwh/a.sql", "select * from {{ ref('b') }}").Write("models/dwh/b.sql", "select * from {{ ref('a') }}");

        var e = Assert.Throws<ModelProjectException>(() => _project.Compile());

        Assert.Contains("dependency cycle: ", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains("a -> b -> a", StringComparison.Ordinal) || e.Message.Contains("b -> a -> b", StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void Compile_GenerateSchemaNameMacro_OverridesSchemas()
    {
        _project.Write("macros/schemas.sql", "{% macro generate_schema_name(custom_schema_name, node) %}{{ 'x_' ~ node.name }}{% endmacro %}");

        var manifest = _project.Compile();

        Assert.Equal("dev_x_orders", manifest.Nodes["model.shop.orders"].Schema);
    }

    private static string Golden(string name) =>
        File.ReadAllText(Path.Combine(RepositoryRoot(), "tests", "Nagare.Runtime.Tests", "Models", "Golden", name)).ReplaceLineEndings("\n");

    internal static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Directory.Build.props")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        return dir;
    }
}
