using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

public sealed class SchemaChangeTests : IDisposable
{
    private readonly TempProject _project = new();

    public SchemaChangeTests()
    {
        _project
            .Write("nagare.yml", "name: osc\nwarehouse: warehouse.duckdb\n")
            .Write("models/events.sql", """
                {{ config(materialized='incremental', on_schema_change=var('osc')) }}
                {% if var('shape') == 1 %}select 1 as id, 'a' as name
                {% elif var('shape') == 2 %}select 2 as id, 'b' as name, 10 as amount
                {% else %}select 3::bigint as id, 20 as amount{% endif %}
                """);
    }

    public void Dispose() => _project.Dispose();

    [Theory]
    [InlineData("ignore", "id INTEGER, name VARCHAR", "id || ' ' || name", "1 a|2 b")]
    [InlineData("append_new_columns", "id INTEGER, name VARCHAR, amount INTEGER", "id || ' ' || name || ' ' || coalesce(amount::varchar, '-')", "1 a -|2 b 10")]
    public void Build_NewColumn_IsKeptOrAddedAsConfigured(string mode, string columns, string row, string rows)
    {
        Build(mode, 1);

        Build(mode, 2);

        Assert.Equal(columns, Columns());
        Assert.Equal(rows, _project.Scalar($"select string_agg({row}, '|' order by id) from main.events"));
    }

    [Fact]
    public void Build_SyncAllColumns_AddsDropsAndRetypesColumns()
    {
        Build("sync_all_columns", 1);
        Build("sync_all_columns", 2);

        Build("sync_all_columns", 3);

        Assert.Equal("id BIGINT, amount INTEGER", Columns());
        Assert.Equal("1 -|2 10|3 20", _project.Scalar("select string_agg(id || ' ' || coalesce(amount::varchar, '-'), '|' order by id) from main.events"));
    }

    [Fact]
    public void Build_Fail_NamesTheModelAndTheColumnsAndKeepsTheTable()
    {
        Build("fail", 1);

        var result = Assert.Single(_project.Build(vars: Vars("fail", 3)).Results);

        Assert.Equal(NodeStatus.Error, result.Status);
        Assert.Equal(
            "models/events.sql: model events: the new rows do not match \"main\".\"events\": new columns amount (INTEGER); missing columns name; changed types id (INTEGER → BIGINT). "
            + "on_schema_change is 'fail'; set it to append_new_columns or sync_all_columns, or rebuild with --full-refresh",
            result.Message);
        Assert.Equal("id INTEGER, name VARCHAR", Columns());
        Assert.Equal(1L, _project.Scalar("select count(*) from main.events"));
    }

    private void Build(string mode, int shape)
    {
        var results = _project.Build(vars: Vars(mode, shape));
        Assert.True(results.Success, string.Join("\n", results.Results.Select(r => r.Message)));
    }

    private static Dictionary<string, object?> Vars(string mode, int shape) => new() { ["osc"] = mode, ["shape"] = (long)shape };

    private string? Columns() => (string?)_project.Scalar("select string_agg(column_name || ' ' || data_type, ', ' order by ordinal_position) from information_schema.columns where table_name = 'events'");
}
