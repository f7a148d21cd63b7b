using Nagare.DuckDb;
using Nagare.Runtime.Models;

namespace Nagare.Runtime.Tests.Models;

public sealed class SnapshotTests : IDisposable
{
    private readonly TempProject _project = new();
    private readonly SettableClock _clock = new();

    public SnapshotTests()
    {
        _project
            .Write("dbt_project.yml", """
                name: hist
                profile: hist
                snapshot-paths: [history]
                dbt-cloud:
                  project-id: 12
                """)
            .Write("profiles.yml", "hist:\n  target: dev\n  outputs:\n    dev: { type: duckdb, path: warehouse.duckdb, schema: main }\n")
            .Write("models/sources.yml", "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n")
            .Write("history/orders_ts.sql", """
                {% snapshot orders_ts %}
                {{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at', invalidate_hard_deletes=True) }}
                select * from {{ source('raw', 'orders') }}
                {% endsnapshot %}
                """)
            .Write("history/snapshots.yml", """
                version: 2
                snapshots:
                  - name: orders_check
                    relation: source('raw', 'orders')
                    config:
                      schema: history
                      unique_key: [id]
                      strategy: check
                      check_cols: [status]
                      hard_deletes: new_record
                    columns:
                      - name: dbt_scd_id
                        data_tests: [unique]
                """)
            .Write("models/current_orders.sql", "select id, status from {{ ref('orders_ts') }} where dbt_valid_to is null");
    }

    public void Dispose() => _project.Dispose();

    [Fact]
    public void Build_ThreeDaysOfChanges_KeepsEveryVersionWithBothStrategies()
    {
        Orders("(1, 'placed', '2026-01-01 00:00'), (2, 'placed', '2026-01-01 00:00')");
        Day(1);

        // Day 2: 1 ships, 2 is deleted, 3 arrives.
        Source("""
            update raw.orders set status = 'shipped', updated_at = '2026-01-02 00:00' where id = 1;
            delete from raw.orders where id = 2;
            insert into raw.orders values (3, 'placed', '2026-01-02 00:00');
            """);
        Day(2);

        // Day 3: 1 changes without a new updated_at (only check sees it), 2 comes back.
        Source("""
            update raw.orders set status = 'delivered' where id = 1;
            insert into raw.orders values (2, 'returned', '2026-01-03 00:00');
            """);
        var results = Day(3);

        Assert.Equal(
            "1 placed 01-01 00h→01-02 00h|1 shipped 01-02 00h→now|2 placed 01-01 00h→01-02 06h|2 returned 01-03 00h→now|3 placed 01-02 00h→now",
            History("snapshots.orders_ts", deleted: false));
        Assert.Equal(
            "1 placed 01-01 06h→01-02 06h False|1 shipped 01-02 06h→01-03 06h False|1 delivered 01-03 06h→now False|"
            + "2 placed 01-01 06h→01-02 06h False|2 placed 01-02 06h→01-03 06h True|2 returned 01-03 06h→now False|3 placed 01-02 06h→now False",
            History("main_history.orders_check", deleted: true));
        Assert.Equal(0L, _project.Scalar("select count(*) from snapshots.orders_ts where dbt_updated_at <> dbt_valid_from"));
        Assert.Equal(_project.Scalar("select md5('1|2026-01-01 00:00:00')"), _project.Scalar("select dbt_scd_id from snapshots.orders_ts where id = 1 and status = 'placed'"));
        Assert.Equal("1:shipped,2:returned,3:placed", _project.Scalar("select string_agg(id || ':' || status, ',' order by id) from main.current_orders"));
        Assert.Equal(NodeStatus.Pass, Assert.Single(results.Results, r => r.Type == NodeType.Test).Status);

        // The model ran after the snapshot it reads.
        var order = results.Results.Select(r => r.Name).ToList();
        Assert.True(order.IndexOf("orders_ts") < order.IndexOf("current_orders"), string.Join(",", order));
    }

    [Fact]
    public void Build_SourceGainsAColumn_AddsItToTheSnapshot()
    {
        Orders("(1, 'placed', '2026-01-01 00:00')");
        Day(1);
        Source("alter table raw.orders add column channel varchar; update raw.orders set channel = 'web', status = 'paid', updated_at = '2026-01-02 00:00';");

        Day(2);

        Assert.Equal("placed:-,paid:web", _project.Scalar("select string_agg(status || ':' || coalesce(channel, '-'), ',' order by dbt_valid_from) from snapshots.orders_ts"));
    }

    [Fact]
    public void Build_ValidToCurrent_MarksCurrentVersionsWithTheGivenValue()
    {
        _project.Write("history/orders_ts.sql", """
            {% snapshot orders_ts %}
            {{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at', dbt_valid_to_current="'9999-12-31'::timestamp") }}
            select * from {{ source('raw', 'orders') }}
            {% endsnapshot %}
            """);
        _project.Write("models/current_orders.sql", "select id, status from {{ ref('orders_ts') }} where dbt_valid_to = '9999-12-31'");
        Orders("(1, 'placed', '2026-01-01 00:00')");
        Day(1);
        Source("update raw.orders set status = 'shipped', updated_at = '2026-01-02 00:00';");

        Day(2);

        Assert.Equal("1 placed 01-01 00h→01-02 00h|1 shipped 01-02 00h→12-31 00h", History("snapshots.orders_ts", deleted: false));
        Assert.Equal("1:shipped", _project.Scalar("select string_agg(id || ':' || status, ',') from main.current_orders"));
    }

    [Fact]
    public void Build_SnapshotWithoutStrategy_FailsNamingTheSnapshot()
    {
        Orders(null);
        _project.Write("history/orders_ts.sql", "{% snapshot orders_ts %}\n{{ config(unique_key='id') }}\nselect * from {{ source('raw', 'orders') }}\n{% endsnapshot %}\n");

        var result = Assert.Single(Day(1).Results, r => r.Name == "orders_ts");

        Assert.Equal(NodeStatus.Error, result.Status);
        Assert.Equal("history/orders_ts.sql: snapshot orders_ts: 'strategy' is missing; use timestamp (with updated_at) or check (with check_cols)", result.Message);
    }

    [Fact]
    public void Compile_YamlSnapshotWithoutRelationOrBlock_NamesFileAndKey()
    {
        _project.Write("history/snapshots.yml", "version: 2\nsnapshots:\n  - name: orphan\n    config: { strategy: check }\n");

        var e = Assert.ThrowsAny<Exception>(() => _project.Compile());

        Assert.Contains("history/snapshots.yml", e.Message, StringComparison.Ordinal);
        Assert.Contains("snapshot 'orphan' is described here but no {% snapshot orphan %} block defines it", e.Message, StringComparison.Ordinal);
    }

    private RunResults Day(int day, string[]? select = null)
    {
        _clock.Now = new DateTimeOffset(2026, 1, day, 6, 0, 0, TimeSpan.Zero);
        var manifest = ModelCompiler.Compile(_project.Load());
        var selected = NodeSelector.Select(manifest, select);
        var results = new ModelRunner(manifest, new RunOptions { Time = _clock }).RunAsync(selected).GetAwaiter().GetResult();
        Assert.DoesNotContain(results.Results, r => r.Status == NodeStatus.Error && r.Name != "orders_ts");
        return results;
    }

    private string? History(string table, bool deleted) => (string?)_project.Scalar($"""
        select string_agg(id || ' ' || status || ' ' || strftime(dbt_valid_from, '%m-%d %Hh') || '→' || coalesce(strftime(dbt_valid_to, '%m-%d %Hh'), 'now'){(deleted ? " || ' ' || dbt_is_deleted" : string.Empty)}, '|' order by id, dbt_valid_from)
        from {table}
        """);

    /// <summary>Creates the source table raw.orders with the given rows (SQL values lists), or empty.</summary>
    private void Orders(string? values) =>
        Source("create schema raw; create table raw.orders (id integer, status varchar, updated_at timestamp);" + (values is null ? string.Empty : $" insert into raw.orders values {values};"));

    private void Source(string sql)
    {
        using var db = new DuckDbConnection($"Data Source={Path.Combine(_project.Root, "warehouse.duckdb")}");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
