using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

/// <summary>The parts of dbt's template context that packages read.</summary>
public sealed class DbtContextTests : IDisposable
{
    private readonly TempProject _project = new();

    public DbtContextTests() => DbtProject.Write(_project, "ctx");

    public void Dispose() => _project.Dispose();

    private string BuildOne(string sql)
    {
        _project.Write("models/probe.sql", "{{ config(materialized='table') }}\n" + sql);
        var results = _project.Build(select: ["probe"]);
        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
        return Convert.ToString(_project.Scalar("select v from main.probe"), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [Fact]
    public void GetColumnsInRelation_And_GetRelation_ReadTheWarehouse()
    {
        _project.Write("models/base.sql", "{{ config(materialized='table') }}\nselect 1 as id, 'x' as name, 2.5::double as score");
        _project.Build(select: ["base"]);

        var v = BuildOne("""
            {%- set cols = adapter.get_columns_in_relation(ref('base')) -%}
            {%- set found = adapter.get_relation(database=target.database, schema='main', identifier='base') -%}
            {%- set missing = load_relation(api.Relation.create(schema='main', identifier='nope')) -%}
            select '{% for c in cols %}{{ c.name }}:{{ c.data_type }}{% if not loop.last %},{% endif %}{% endfor %}|{{ found.identifier }}|{{ missing is none }}' as v
            """);

        Assert.Equal("id:INTEGER,name:VARCHAR,score:DOUBLE|base|True", v);
    }

    [Fact]
    public void StatementAndLoadResult_RunTheQueryWhenTheNodeRuns()
    {
        var v = BuildOne("""
            {%- call statement('numbers', fetch_result=True) -%} select 40 + 2 as answer, 'x' as letter {%- endcall -%}
            {%- set result = load_result('numbers') -%}
            select '{{ result["data"][0][0] if result else "parse" }}|{{ result["table"].columns[1].values()[0] if result else "" }}' as v
            """);

        Assert.Equal("42|x", v);
    }

    [Fact]
    public void Modules_DatetimeRePytz_AndHelpers_BehaveAsInDbt()
    {
        var v = BuildOne("""
            {%- set d = modules.datetime.datetime(2024, 3, 5, 6, 7, 8) -%}
            {%- set m = modules.re.search('(\d+)-(\d+)', 'abc 12-34') -%}
            {%- set tz = modules.pytz.timezone('America/Los_Angeles') -%}
            {%- set parsed = fromjson('{"a": [1, 2], "b": null}') -%}
            {%- set y = fromyaml('k: [x, 2]') -%}
            select '{{ d.year }}-{{ d.month }}-{{ d.day }}|{{ m.group(2) }}|{{ tz.id }}|{{ parsed["a"][1] }}|{{ y["k"][1] + 1 }}|{{ zip([1, 2], ["a", "b"]) | map("join", ":") | join(",") }}|{{ set([1, 1, 2]) | length }}|{{ local_md5("abc") }}|{{ flags.FULL_REFRESH }}|{{ invocation_id | length }}|{{ api.Column.translate_type("string") }}' as v
            """);

        Assert.Equal("2024-3-5|34|America/Los_Angeles|2|3|1:a,2:b|2|900150983cd24fb0d6963f7d28e17f72|False|36|TEXT", v);
    }

    [Fact]
    public void Graph_ListsNodesAndSources()
    {
        _project
            .Write("models/sources.yml", "sources:\n  - name: raw\n    tables:\n      - name: events\n")
            .Write("models/other.sql", "{{ config(tags=['x']) }}\nselect 1 as id");

        var v = BuildOne("""
            {%- set models = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | map(attribute='name') | sort -%}
            select '{{ models | join(",") }}|{{ graph.sources.keys() | list | join(",") }}|{{ graph.nodes["model.ctx.other"].package_name }}' as v
            """);

        Assert.Equal("other,probe|source.ctx.raw.events|ctx", v);
    }

    [Theory]
    [InlineData(null, 0L)]
    [InlineData(true, 1L)]
    public void ProjectFileConfigs_RenderVars_AsDbtDoesWhenReadingTheFile(bool? load, long seeds)
    {
        DbtProject.Write(_project, "ctx", "seeds:\n  ctx:\n    +enabled: \"{{ var('load_source_data', false) }}\"\n    +schema: \"raw_{{ target.name }}\"\n");
        _project.Write("seeds/codes.csv", "code\na\n");
        var vars = load is null ? null : new Dictionary<string, object?> { ["load_source_data"] = load };

        var results = _project.Build(vars: vars);

        Assert.Equal(seeds, (long)results.Results.Count(r => r.Name == "codes"));
        Assert.Equal(seeds, _project.Scalar("select count(*) from information_schema.tables where table_schema = 'main_raw_dev' and table_name = 'codes'"));
    }
}
