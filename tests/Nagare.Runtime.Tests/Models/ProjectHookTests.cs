using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

public sealed class ProjectHookTests : IDisposable
{
    private readonly TempProject _project = new();

    public ProjectHookTests()
    {
        _project
            .Write("profiles.yml", "hooks:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: warehouse.duckdb, schema: main }\n")
            .Write("models/orders.sql", "{{ config(materialized='table', schema='sales', post_hook=\"insert into main.audit values ('post ' || (select count(*) from {{ this }}))\") }}\nselect 1 as id")
            .Write("models/broken.sql", "select nope from {{ ref('orders') }}");
    }

    public void Dispose() => _project.Dispose();

    [Fact]
    public void Build_RunHooks_RunBeforeAndAfterTheNodesWithSchemasAndResults()
    {
        _project.Write("dbt_project.yml", """
            name: hooks
            profile: hooks
            on-run-start:
              - create table if not exists main.audit (event varchar)
              - "insert into main.audit values ('start {{ var('label', 'x') }}')"
            on-run-end: |
              {% for s in schemas %}insert into main.audit values ('schema {{ s }}');{% endfor %}
              {% for r in results if r.status == 'error' %}insert into main.audit values ('error {{ r.node.name }}');{% endfor %}
            """);

        var results = _project.Build();

        Assert.Equal("start x|post 1|schema main|schema main_sales|error broken", _project.Scalar("select string_agg(event, '|' order by rowid) from main.audit"));
        Assert.Equal(
            ["hooks-on-run-start-0", "hooks-on-run-start-1", "hooks-on-run-end-0"],
            results.Results.Where(r => r.Type == NodeType.Operation).Select(r => r.Name));
        Assert.All(results.Results.Where(r => r.Type == NodeType.Operation), r => Assert.Equal(NodeStatus.Ok, r.Status));
    }

    [Fact]
    public void Build_FailingStartHook_SkipsEveryNodeAndNamesTheHook()
    {
        _project.Write("dbt_project.yml", "name: hooks\nprofile: hooks\non-run-start: select * from no_such_table\non-run-end: create table main.ended as select 1 as x\n");

        var results = _project.Build();

        var hook = Assert.Single(results.Results, r => r.Type == NodeType.Operation);
        Assert.Equal(NodeStatus.Error, hook.Status);
        Assert.StartsWith("dbt_project.yml: on-run-start hook 1: Catalog Error: Table with name no_such_table does not exist", hook.Message, StringComparison.Ordinal);
        Assert.All(results.Results.Where(r => r.Type == NodeType.Model), r => Assert.Equal(NodeStatus.Skip, r.Status));
        Assert.False(results.Success);
        Assert.Equal(0L, _project.Scalar("select count(*) from information_schema.tables where table_name in ('orders', 'ended')"));
    }
}
