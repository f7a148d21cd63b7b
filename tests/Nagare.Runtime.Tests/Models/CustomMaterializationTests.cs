using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

public sealed class CustomMaterializationTests : IDisposable
{
    private readonly TempProject _project = new();

    public CustomMaterializationTests()
    {
        _project
            .Write("nagare.yml", "name: custom\nwarehouse: warehouse.duckdb\n")
            .Write("macros/append_only.sql", """
                {% materialization append_only, adapter='duckdb' %}
                  {% call statement('create') %}
                    create table if not exists {{ this }} as select *, 0::bigint as previous from ({{ sql }}) where false
                  {% endcall %}
                  {% call statement('before', fetch_result=True) %}select count(*) as n from {{ this }}{% endcall %}
                  {% call statement('main') %}
                    insert into {{ this }} select *, {{ load_result('before')['data'][0]['n'] }} as previous from ({{ sql }})
                  {% endcall %}
                  {{ return({'relations': [this]}) }}
                {% endmaterialization %}
                """)
            .Write("macros/forgetful.sql", """
                {% materialization forgetful, default %}
                  {% call statement('main') %}select 1{% endcall %}
                {% endmaterialization %}
                """)
            .Write("models/events.sql", "{{ config(materialized='append_only') }}\nselect 1 as id, '{{ config.get('materialized') }}' as how\nunion all select 2, 'x'");
    }

    public void Dispose() => _project.Dispose();

    [Fact]
    public void Build_ModelWithACustomMaterialization_RunsTheBlocksStatements()
    {
        _project.Build(select: ["events"]);

        var second = Assert.Single(_project.Build(select: ["events"]).Results);

        Assert.True(second.Status == NodeStatus.Ok, second.Message);
        Assert.Equal(2L, second.Rows);
        Assert.Equal("1 append_only 0|2 x 0|1 append_only 2|2 x 2", _project.Scalar("select string_agg(id || ' ' || how || ' ' || previous, '|' order by previous, id) from main.events"));
    }

    [Fact]
    public void Build_MaterializationWithoutReturn_FailsAndRollsBack()
    {
        _project.Write("models/events.sql", "{{ config(materialized='forgetful') }}\nselect 1 as id");

        var result = Assert.Single(_project.Build(select: ["events"]).Results);

        Assert.Equal(NodeStatus.Error, result.Status);
        Assert.Equal("models/events.sql: materialization 'forgetful' (materialization_forgetful_default) must end with return({'relations': [this]})", result.Message);
    }

    [Fact]
    public void Build_UnknownMaterialization_SaysHowToDefineIt()
    {
        _project.Write("models/events.sql", "{{ config(materialized='nonesuch') }}\nselect 1 as id");

        var result = Assert.Single(_project.Build(select: ["events"]).Results);

        Assert.Equal("models/events.sql: materialized='nonesuch' is not supported; use view, table, incremental or ephemeral, or define it with {% materialization nonesuch, adapter='duckdb' %} in macros/", result.Message);
    }
}
