using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

public sealed class ModelRunnerTests : IDisposable
{
    private readonly TempProject _project = new();

    public ModelRunnerTests()
    {
        _project
            .Write("nagare.yml", """
                name: runs
                warehouse: warehouse.duckdb
                targets:
                  dev: {}
                  ci: { warehouse: ci.duckdb, schema_prefix: ci_ }
                """)
            .Write("seeds/events.csv", "id,kind,amount\n1,a,10\n2,b,20\n3,a,30\n")
            .Write("models/dwh/events_view.sql", "select * from {{ ref('events') }}")
            .Write("models/dwh/events_table.sql", "{{ config(materialized='table') }}\nselect id, kind, amount from {{ ref('events_view') }}")
            .Write("models/dwh/kinds.sql", "{{ config(materialized='ephemeral') }}\nselect kind, sum(amount) as total from {{ ref('events') }} group by kind")
            .Write("models/mart/kind_totals.sql", "{{ config(materialized='table') }}\nselect * from {{ ref('kinds') }} order by kind")
            .Write("models/mart/events_inc.sql", """
                {{ config(materialized='incremental', unique_key='id', incremental_strategy=var('strategy', 'merge')) }}
                select id, kind, amount, {{ var('run', 1) }} as run from {{ ref('events') }}
                {% if is_incremental() %} where id >= (select max(id) from {{ this }}) {% endif %}
                """);
    }

    public void Dispose() => _project.Dispose();

    [Fact]
    public void Build_AllMaterializations_CreateTheRightRelations()
    {
        var results = _project.Build();

        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        Assert.Equal("VIEW", _project.Scalar("select table_type from information_schema.tables where table_name = 'events_view'"));
        Assert.Equal("dwh", _project.Scalar("select table_schema from information_schema.tables where table_name = 'events_table'"));
        Assert.Equal(60L, _project.Scalar("select sum(amount)::bigint from dwh.events_table"));
        Assert.Equal("a:40,b:20", _project.Scalar("select string_agg(kind || ':' || total, ',' order by kind) from mart.kind_totals"));
        Assert.Equal(0L, _project.Scalar("select count(*) from information_schema.tables where table_name = 'kinds'"));
        Assert.Equal(3L, _project.Scalar("select count(*) from mart.events_inc"));
        Assert.DoesNotContain(results.Results, r => r.Name == "kinds");
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("warehouse_compression: light\n", false)]
    public void Build_WarehouseCompression_DecidesWhetherTextIsCompressedWithFsst(string setting, bool fsst)
    {
        _project
            .Write("nagare.yml", "name: runs\nwarehouse: warehouse.duckdb\n" + setting)
            .Write("models/hex.sql", "{{ config(materialized='table') }}\nselect range as id, md5(range::varchar) as note from range(20000)");

        var results = _project.Build(select: ["hex"]);

        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        var methods = (string?)_project.Scalar("select string_agg(distinct compression, ',') from pragma_storage_info('main.hex') where column_name = 'note' and segment_type = 'VARCHAR'");
        Assert.Equal(fsst, methods?.Contains("FSST", StringComparison.Ordinal));
        Assert.Equal(20000L, _project.Scalar("select count(distinct note) from main.hex"));
    }

    [Fact]
    public void Load_UnknownWarehouseCompression_NamesTheKey()
    {
        _project.Write("nagare.yml", "name: runs\nwarehouse_compression: tiny\n");

        var e = Assert.ThrowsAny<Exception>(() => _project.Load());

        Assert.Contains("warehouse_compression", e.Message, StringComparison.Ordinal);
        Assert.Contains("must be auto or light, found 'tiny'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ConfigGetAndGenericTestBlockInTestsGeneric_WorkAsInDbt()
    {
        _project
            .Write("nagare.yml", """
                name: runs
                warehouse: warehouse.duckdb
                models:
                  config:
                    mart: { +tags: [nightly], +materialized: table }
                """)
            .Write("macros/label.sql", """
                {% macro label() %}'{{ config.get('materialized') }}/{{ config.get('tags') | join(',') }}/{{ config.get('missing', 'fallback') }}'{% endmacro %}
                """)
            .Write("models/mart/labelled.sql", """
                {{ config(alias='labelled_' ~ config.get('materialized')) }}
                select {{ label() }} as label, '{{ config.require('alias') }}' as alias
                """)
            .Write("tests/generic/at_least.sql", """
                {% test at_least(model, column_name, minimum) %}
                select * from {{ model }} where {{ column_name }} < {{ minimum }}
                {% endtest %}
                """)
            .Write("models/mart/schema.yml", """
                version: 2
                models:
                  - name: events_table
                    columns:
                      - name: amount
                        tests:
                          - at_least: { minimum: 20 }
                """);

        var results = _project.Build();

        Assert.Equal("table/nightly/fallback|labelled_table", _project.Scalar("select label || '|' || alias from mart.labelled_table"));
        var test = Assert.Single(results.Results, r => r.Name.Contains("at_least", StringComparison.Ordinal));
        Assert.Equal(NodeStatus.Fail, test.Status);
        Assert.Contains("1", test.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_ConfigRequireOfMissingKey_NamesModelAndKey()
    {
        _project.Write("models/mart/needs.sql", "select '{{ config.require('owner') }}' as owner");

        var e = Assert.Throws<ModelProjectException>(() => _project.Build(select: ["needs"]));

        Assert.Contains("config.require('owner'): the model has no 'owner' config", e.Message, StringComparison.Ordinal);
        Assert.Contains("models/mart/needs.sql, line 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FailingTableBuild_KeepsTheOldTable()
    {
        _project.Build();
        _project.Write("models/dwh/events_table.sql", "{{ config(materialized='table') }}\nselect id, no_such_column from {{ ref('events_view') }}");

        var results = _project.Build();

        var failed = Assert.Single(results.Results, r => r.Status == NodeStatus.Error);
        Assert.Equal("events_table", failed.Name);
        Assert.Contains("no_such_column", failed.Message, StringComparison.Ordinal);
        Assert.Equal(3L, _project.Scalar("select count(*) from dwh.events_table"));
        Assert.Equal(0L, _project.Scalar("select count(*) from information_schema.tables where table_name like '%nagare_tmp%'"));
    }

    [Theory]
    [InlineData("merge", "1:1,2:1,3:2,4:2")]
    [InlineData("delete+insert", "1:1,2:1,3:2,4:2")]
    [InlineData("append", "1:1,2:1,3:1,3:2,4:2")]
    public void Build_IncrementalStrategies_TouchOnlyNewRows(string strategy, string expected)
    {
        var vars = new Dictionary<string, object?> { ["strategy"] = strategy };
        _project.Build(vars: vars);
        _project.Write("seeds/events.csv", "id,kind,amount\n1,a,10\n2,b,20\n3,a,35\n4,c,40\n");

        var results = _project.Build(vars: new Dictionary<string, object?> { ["strategy"] = strategy, ["run"] = 2L });

        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        Assert.Equal(strategy == "append" ? 2L : 2L, results.Results.Single(r => r.Name == "events_inc").Rows);
        Assert.Equal(expected, _project.Scalar("select string_agg(id || ':' || run, ',' order by id, run) from mart.events_inc"));
    }

    [Theory]
    [InlineData("unique_key='id'", "1:10,2:20,3:35,4:40")]
    [InlineData("unique_key=['id', 'kind']", "1:10,2:20,3:35,4:40")]
    [InlineData("unique_key='id, kind'", "1:10,2:20,3:35,4:40")]
    [InlineData("tags=['no_key']", "1:10,2:20,3:30,3:35,4:40")]
    public void Build_IncrementalWithoutStrategy_DeletesAndInsertsOnUniqueKeyElseAppends(string config, string expected)
    {
        _project.Write("models/mart/events_default.sql", $$$"""
            {{ config(materialized='incremental', {{{config}}}) }}
            select id, kind, amount from {{ ref('events') }}
            {% if is_incremental() %} where id >= (select max(id) from {{ this }}) {% endif %}
            """);
        _project.Build();
        _project.Write("seeds/events.csv", "id,kind,amount\n1,a,10\n2,b,20\n3,a,35\n4,c,40\n");

        var results = _project.Build();

        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        Assert.Equal(expected, _project.Scalar("select string_agg(id || ':' || amount, ',' order by id, amount) from mart.events_default"));
    }

    [Fact]
    public void Build_FullRefresh_RebuildsIncrementalModel()
    {
        _project.Build();

        _project.Build(fullRefresh: true, vars: new Dictionary<string, object?> { ["run"] = 7L });

        Assert.Equal("7", _project.Scalar("select string_agg(distinct run::varchar, ',') from mart.events_inc"));
        Assert.Equal(3L, _project.Scalar("select count(*) from mart.events_inc"));
    }

    [Fact]
    public void Build_ModelFailure_SkipsOnlyDescendants()
    {
        _project.Write("models/dwh/events_view.sql", "select * from no_such_table");

        var results = _project.Build();

        Assert.False(results.Success);
        Assert.Equal(NodeStatus.Error, results.Results.Single(r => r.Name == "events_view").Status);
        Assert.Equal(NodeStatus.Skip, results.Results.Single(r => r.Name == "events_table").Status);
        Assert.Equal(NodeStatus.Ok, results.Results.Single(r => r.Name == "kind_totals").Status);
        Assert.Equal(NodeStatus.Ok, results.Results.Single(r => r.Name == "events_inc").Status);
    }

    [Fact]
    public void Build_Tests_ReportFailuresWithSamplesAndSeverity()
    {
        _project
            .Write("models/dwh/schema.yml", """
                version: 2
                models:
                  - name: events_table
                    columns:
                      - name: kind
                        tests:
                          - accepted_values:
                              values: [a]
                          - accepted_values:
                              values: [a, b]
                              config: { severity: warn }
                          - not_null
                      - name: id
                        tests:
                          - relationships: { to: ref('events_view'), field: id }
                """)
            .Write("tests/amount_positive.sql", "{{ config(severity='warn') }}\nselect * from {{ ref('events_table') }} where amount > 25");

        var results = _project.Build();

        var failed = Assert.Single(results.Results, r => r.Status == NodeStatus.Fail);
        Assert.Equal("accepted_values_events_table_kind__a", failed.Name);
        Assert.Equal(1, failed.Rows);
        Assert.Equal(["value_field", "n_records"], failed.SampleColumns);
        Assert.Equal("b", failed.SampleRows[0][0]);
        Assert.Equal(NodeStatus.Warn, results.Results.Single(r => r.Name == "amount_positive").Status);
        Assert.Equal(NodeStatus.Pass, results.Results.Single(r => r.Name == "accepted_values_events_table_kind__a__b").Status);
        Assert.Equal(NodeStatus.Pass, results.Results.Single(r => r.Name.StartsWith("relationships_", StringComparison.Ordinal)).Status);
        Assert.Equal(NodeStatus.Pass, results.Results.Single(r => r.Name == "not_null_events_table_kind").Status);
    }

    [Fact]
    public void Build_FourThreads_GivesTheSameTablesAsOne()
    {
        for (var i = 0; i < 12; i++)
        {
            _project.Write($"models/mart/wide_{i}.sql", $"{{{{ config(materialized='table') }}}}\nselect {i} as k, sum(amount) as s from {{{{ ref('events_table') }}}}");
        }

        var one = _project.Build(threads: 1);
        var sumOne = _project.Scalar("select sum(k * s)::bigint from (" + string.Join(" union all ", Enumerable.Range(0, 12).Select(i => $"select * from mart.wide_{i}")) + ")");
        var four = _project.Build(threads: 4);
        var sumFour = _project.Scalar("select sum(k * s)::bigint from (" + string.Join(" union all ", Enumerable.Range(0, 12).Select(i => $"select * from mart.wide_{i}")) + ")");

        Assert.True(one.Success && four.Success);
        Assert.Equal(one.Results.Count, four.Results.Count);
        Assert.Equal(3960L, sumOne);
        Assert.Equal(sumOne, sumFour);
    }

    [Fact]
    public void Build_CiTarget_WritesToItsOwnDatabaseAndSchemas()
    {
        _project.Build("ci");

        Assert.False(File.Exists(Path.Combine(_project.Root, "warehouse.duckdb")));
        Assert.Equal(3L, _project.Scalar("select count(*) from ci_dwh.events_table", "ci.duckdb"));
        Assert.Equal(3L, _project.Scalar("select count(*) from ci_main.events", "ci.duckdb"));
    }

    [Fact]
    public void Build_HooksAndRunQuery_RunWithResolvedRelations()
    {
        _project
            .Write("models/mart/audited.sql", """
                {{ config(materialized='table', post_hook="insert into {{ this }} values (99)") }}
                {% set kinds = run_query("select distinct kind from " ~ ref('events') ~ " order by 1") %}
                select {{ kinds.columns[0].values() | length if execute else 0 }} as n
                """);

        var results = _project.Build();

        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        Assert.Equal("2,99", _project.Scalar("select string_agg(n::varchar, ',' order by n) from mart.audited"));
    }
}
