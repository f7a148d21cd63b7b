using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

public sealed class TestConfigTests : IDisposable
{
    private readonly TempProject _project = new();

    public TestConfigTests()
    {
        _project
            .Write("dbt_project.yml", "name: checks\nprofile: checks\n")
            .Write("profiles.yml", "checks:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: warehouse.duckdb, schema: main }\n")
            .Write("models/orders.sql", """
                {{ config(materialized='table') }}
                select range as id, case when range < 11 then null else 'x' end as status, range % 9 as bucket
                from range(12)
                """);
    }

    public void Dispose() => _project.Dispose();

    [Theory]
    [InlineData("{ warn_if: '>10', error_if: '>20' }", NodeStatus.Warn, 11L)]
    [InlineData("{ error_if: '>5' }", NodeStatus.Fail, 11L)]
    [InlineData("{ warn_if: '>11' }", NodeStatus.Fail, 11L)]
    [InlineData("{ warn_if: '>11', error_if: '>11' }", NodeStatus.Pass, 11L)]
    [InlineData("{ limit: 3, error_if: '>5' }", NodeStatus.Warn, 3L)]
    [InlineData("{ severity: warn, error_if: '>5', warn_if: '>=12' }", NodeStatus.Pass, 11L)]
    public void Build_Thresholds_DecideTheStatusFromTheFailureCount(string config, NodeStatus expected, long failures)
    {
        Properties($"- not_null: {{ config: {config} }}", "status");

        var test = Assert.Single(_project.Build().Results, r => r.Type == NodeType.Test);

        Assert.Equal(expected, test.Status);
        Assert.Equal(failures, test.Rows);
    }

    [Fact]
    public void Build_FailCalc_CountsWhatItSays()
    {
        Properties("- unique: { config: { fail_calc: 'sum(n_records)', error_if: '>5' } }", "bucket");

        var test = Assert.Single(_project.Build().Results, r => r.Type == NodeType.Test);

        // Buckets 0, 1 and 2 appear twice each: three failing groups, six records.
        Assert.Equal(NodeStatus.Fail, test.Status);
        Assert.Equal(6L, test.Rows);
        Assert.Equal("Got 6 failing rows", test.Message);
    }

    [Fact]
    public void Build_StoreFailures_KeepsTheLastRunsFailingRowsInTheAuditSchema()
    {
        Properties("- accepted_values: { values: ['y'], config: { store_failures: true, severity: warn } }", "status");
        _project.Write("tests/no_big_ids.sql", "{{ config(store_failures=true) }}\nselect * from {{ ref('orders') }} where id > 9");

        var first = _project.Build();

        var warned = Assert.Single(first.Results, r => r.Name.StartsWith("accepted_values", StringComparison.Ordinal));
        Assert.Equal(NodeStatus.Warn, warned.Status);
        Assert.Equal("Got 1 failing row; see them with: select * from \"main_dbt_test__audit\".\"accepted_values_orders_status__y\"", warned.Message);
        Assert.Equal(1L, _project.Scalar("select n_records from main_dbt_test__audit.accepted_values_orders_status__y where value_field = 'x'"));
        Assert.Equal(2L, _project.Scalar("select count(*) from main_dbt_test__audit.no_big_ids"));

        _project.Write("tests/no_big_ids.sql", "{{ config(store_failures=true) }}\nselect * from {{ ref('orders') }} where id > 10");
        _project.Build();

        Assert.Equal(1L, _project.Scalar("select count(*) from main_dbt_test__audit.no_big_ids"));
    }

    [Fact]
    public void Build_ThresholdThatIsNotAComparison_FailsNamingTestAndKey()
    {
        Properties("- not_null: { config: { error_if: 'drop table x' } }", "status");

        var test = Assert.Single(_project.Build().Results, r => r.Type == NodeType.Test);

        Assert.Equal(NodeStatus.Error, test.Status);
        Assert.Equal("models/schema.yml: test not_null_orders_status: error_if 'drop table x' must be a comparison with a number, such as '>10', '>=1' or '!=0'", test.Message);
    }

    private void Properties(string test, string column) => _project.Write("models/schema.yml", $"""
        version: 2
        models:
          - name: orders
            columns:
              - name: {column}
                data_tests:
                  {test}
        """);
}
