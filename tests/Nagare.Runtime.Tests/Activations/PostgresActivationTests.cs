using Nagare.Runtime.Activations;
using Nagare.Runtime.Tests.Infrastructure;

namespace Nagare.Runtime.Tests.Activations;

/// <summary>Activations from the warehouse into a real PostgreSQL: upsert, mirror, replace, diffs, dry runs, coercion, hostile names.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresActivationTests : IAsyncLifetime
{
    private readonly ActivationProject project = new();
    private TestPostgres pg = null!;

    public async Task InitializeAsync()
    {
        pg = await TestPostgres.CreateAsync("act_pg");
        project.Write("connections/app.yml", pg.ConnectionYaml("app"));
        project.Warehouse("""
            CREATE SCHEMA mart;
            CREATE TABLE mart.kpis AS
            SELECT DATE '2024-01-01' + CAST(i // 2 AS INTEGER) AS day, CASE WHEN i % 2 = 0 THEN 'apac' ELSE 'emea' END AS region, CAST(i * 100 AS BIGINT) AS revenue_jpy
            FROM range(1000) t(i);
            """);
    }

    public async Task DisposeAsync()
    {
        await pg.DisposeAsync();
        project.Dispose();
    }

    private string Table => $"\"{pg.Schema}\".daily_kpis";

    private void Activation(string mode, string extra = "") => project.Write("activations/kpis.yml", $"""
        name: kpis
        query: select * from mart.kpis
        destination:
          connection: app
          table: {pg.Schema}.daily_kpis
          mode: {mode}
          key: [day, region]
        columns: {"{"} day: day, region: region, revenue: revenue_jpy {"}"}
        {extra}
        """);

    private async Task<long> CountAsync(string where = "true") =>
        Convert.ToInt64(await pg.ScalarAsync($"SELECT count(*) FROM {Table} WHERE {where}"), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task FromAQueryOnPostgres_ToFiles_SendsTheChangesOfTheApplicationTable()
    {
        await pg.ExecuteAsync($"CREATE TABLE \"{pg.Schema}\".users (id bigint PRIMARY KEY, email text, plan text); INSERT INTO \"{pg.Schema}\".users SELECT i, 'u' || i || '@example.com', CASE WHEN i % 10 = 0 THEN 'pro' ELSE 'free' END FROM generate_series(1, 500) i");
        project.Write("activations/pro_users.yml", $"""
            source: app
            query: select id, email from "{pg.Schema}".users where plan = 'pro'
            destination: {"{"} type: files, path: out/pro, format: jsonl, key: [id], mode: changes {"}"}
            """);

        var first = await project.RunAsync("pro_users");
        await pg.ExecuteAsync($"UPDATE \"{pg.Schema}\".users SET plan = 'pro' WHERE id = 7; UPDATE \"{pg.Schema}\".users SET email = 'new@example.com' WHERE id = 10");
        var second = await project.RunAsync("pro_users");

        Assert.Equal((50L, 0L), (first.Inserted, first.Updated));
        Assert.Equal((1L, 1L, 0L), (second.Inserted, second.Updated, second.Deleted));
        Assert.Equal(0, (await project.RunAsync("pro_users")).Sent);
    }

    [Fact]
    public async Task Upsert_SecondRunAfterChanges_SendsExactlyTheChangedKeysAndNothingWhenUnchanged()
    {
        Activation("upsert");
        var first = await project.RunAsync("kpis");
        Assert.Equal((1000L, 0L, 0L), (first.Inserted, first.Updated, first.Deleted));
        Assert.Equal(1000, await CountAsync());

        var again = await project.RunAsync("kpis");
        Assert.Equal(0, again.Sent);
        Assert.False(again.Plan.HasChanges);

        project.Warehouse("""
            UPDATE mart.kpis SET revenue_jpy = revenue_jpy + 1 WHERE day = DATE '2024-01-05';
            INSERT INTO mart.kpis VALUES (DATE '2030-01-01', 'apac', 7);
            DELETE FROM mart.kpis WHERE day = DATE '2024-01-01';
            """);
        // Rows changed at the destination since are not the activation's business: only changed keys are sent.
        await pg.ExecuteAsync($"UPDATE {Table} SET revenue = -1 WHERE day = DATE '2024-01-02'");
        var third = await project.RunAsync("kpis");
        Assert.Equal((1L, 2L, 0L), (third.Inserted, third.Updated, third.Deleted));
        Assert.Equal<string>(["2024-01-05|apac|801", "2024-01-05|emea|901"], (await pg.QueryAsync($"SELECT day::text, region, revenue FROM {Table} WHERE day = DATE '2024-01-05' ORDER BY region")).Select(TempProject.FormatRow));
        Assert.Equal(2, await CountAsync("day = DATE '2024-01-01'"));
        Assert.Equal(2, await CountAsync("revenue = -1"));
    }

    [Fact]
    public async Task Mirror_RowsGoneFromTheResult_AreDeletedAndRowsWrittenByOthersAreSpared()
    {
        Activation("mirror");
        await project.RunAsync("kpis");
        await pg.ExecuteAsync($"INSERT INTO {Table} (day, region, revenue) VALUES (DATE '2030-01-01', 'others', 1), (DATE '2030-01-02', 'others', 2)");
        project.Warehouse("DELETE FROM mart.kpis WHERE day < DATE '2024-01-04'; UPDATE mart.kpis SET revenue_jpy = 0 WHERE day = DATE '2024-02-01' AND region = 'apac'");

        var plan = await project.PlanAsync("kpis");
        Assert.Equal((0L, 1L, 6L), (plan.Inserts, plan.Updates, plan.Deletes));
        Assert.Equal<string?>(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03"], plan.Samples["delete"].Select(r => r["day"]));
        var result = await project.RunAsync("kpis");

        Assert.Equal((0L, 1L, 6L), (result.Inserted, result.Updated, result.Deleted));
        Assert.Equal(994 + 2, await CountAsync());
        Assert.Equal(2, await CountAsync("region = 'others'"));
        Assert.Equal(0, await CountAsync("day < DATE '2024-01-04'"));

        // Deleted keys that come back are inserted again; the snapshot forgot them.
        project.Warehouse("INSERT INTO mart.kpis VALUES (DATE '2024-01-01', 'apac', 5)");
        var back = await project.RunAsync("kpis");
        Assert.Equal((1L, 0L, 0L), (back.Inserted, back.Updated, back.Deleted));
    }

    [Fact]
    public async Task DryRun_PredictsExactlyWhatTheRunThenDoes_AndLeavesTheSnapshotAlone()
    {
        Activation("mirror");
        var firstPlan = await project.PlanAsync("kpis");
        Assert.Equal((1000L, 0L, 0L, true), (firstPlan.Inserts, firstPlan.Updates, firstPlan.Deletes, firstPlan.FirstRun));
        Assert.False(await TableExistsAsync());
        Assert.Equal(firstPlan, (await project.PlanAsync("kpis")) with { Samples = firstPlan.Samples });

        await project.RunAsync("kpis");
        project.Warehouse("""
            UPDATE mart.kpis SET revenue_jpy = -revenue_jpy WHERE region = 'emea' AND day < DATE '2024-01-11';
            DELETE FROM mart.kpis WHERE region = 'apac' AND day > DATE '2025-05-01';
            INSERT INTO mart.kpis SELECT DATE '2026-01-01' + CAST(i AS INTEGER), 'latam', i FROM range(7) t(i);
            """);
        var plan = await project.PlanAsync("kpis");
        var planAgain = await project.PlanAsync("kpis");
        Assert.Equal((plan.Inserts, plan.Updates, plan.Deletes), (planAgain.Inserts, planAgain.Updates, planAgain.Deletes));
        Assert.Equal(5, plan.Samples["insert"].Length);
        Assert.Equal("2026-01-01", plan.Samples["insert"][0]["day"]);

        var result = await project.RunAsync("kpis");
        Assert.Equal((plan.Inserts, plan.Updates, plan.Deletes), (result.Inserted, result.Updated, result.Deleted));
        Assert.Equal((7L, 10L, 13L), (plan.Inserts, plan.Updates, plan.Deletes));
        Assert.Equal(1000 + 7 - 13, await CountAsync());
        Assert.False((await project.PlanAsync("kpis")).HasChanges);
    }

    [Fact]
    public async Task Replace_SwapsTheWholeTableInOneTransaction_AndSendsNothingWhenNothingChanged()
    {
        Activation("replace");
        await pg.ExecuteAsync($"CREATE TABLE {Table} (day date, region text, revenue bigint, extra text); INSERT INTO {Table} VALUES (DATE '1999-01-01', 'old', 1, 'x')");
        var first = await project.RunAsync("kpis");
        Assert.True(first.Plan.SendsAll);
        Assert.Equal(1000, await CountAsync());
        Assert.Equal(0, await CountAsync("region = 'old'"));

        var unchanged = await project.RunAsync("kpis");
        Assert.False(unchanged.Plan.HasChanges);

        project.Warehouse("DELETE FROM mart.kpis WHERE region = 'emea'");
        var second = await project.RunAsync("kpis");
        Assert.Equal(500, second.Plan.Deletes);
        Assert.Equal(500, await CountAsync());
    }

    [Fact]
    public async Task Run_ValueThatDoesNotConvertToTheTableType_FailsNamingTheRecordKeyAndFieldAndSendsNothing()
    {
        await pg.ExecuteAsync($"CREATE TABLE {Table} (day date, region text, revenue integer, PRIMARY KEY (day, region))");
        project.Warehouse("CREATE TABLE mart.bad AS SELECT * FROM mart.kpis; UPDATE mart.bad SET revenue_jpy = 99999999999 WHERE day = DATE '2024-01-03' AND region = 'emea'");
        project.Write("activations/kpis.yml", $"""
            query: select * from mart.bad
            destination: {"{"} connection: app, table: {pg.Schema}.daily_kpis, mode: upsert, key: [day, region] {"}"}
            columns: {"{"} day: day, region: region, revenue: revenue_jpy {"}"}
            """);

        var e = await Assert.ThrowsAsync<ActivationException>(() => project.RunAsync("kpis"));

        Assert.Contains("record day=2024-01-03, region=emea: field 'revenue' cannot be converted to int32: '99999999999'", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_KeyTwiceInTheResult_FailsNamingTheKeyAndCommitsNothing(bool tableHasKey)
    {
        // The keys are checked on a second warehouse connection while the records are sent: the destination must not
        // commit, whatever it makes of the duplicate itself (an upsert into a keyed table keeps one copy; a plain COPY
        // into an empty table without a key takes both), and the error is the check's.
        await pg.ExecuteAsync(tableHasKey
            ? $"CREATE TABLE {Table} (day date, region text, revenue bigint, PRIMARY KEY (day, region)); INSERT INTO {Table} VALUES ('2030-01-01', 'other', 1)"
            : $"CREATE TABLE {Table} (day date, region text, revenue bigint)");
        var before = await CountAsync();
        project.Warehouse("CREATE TABLE mart.twice AS SELECT * FROM mart.kpis UNION ALL SELECT day, region, revenue_jpy + 1 FROM mart.kpis WHERE day = DATE '2024-01-05' AND region = 'apac'");
        project.Write("activations/kpis.yml", $"""
            query: select * from mart.twice
            destination: {"{"} connection: app, table: {pg.Schema}.daily_kpis, mode: upsert, key: [day, region] {"}"}
            columns: {"{"} day: day, region: region, revenue: revenue_jpy {"}"}
            """);

        var e = await Assert.ThrowsAsync<ActivationException>(() => project.RunAsync("kpis"));

        Assert.Contains("key day=2024-01-05, region=apac appears 2 times in the result", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());
        project.Warehouse("DELETE FROM mart.twice WHERE day = DATE '2024-01-05' AND region = 'apac' AND revenue_jpy % 100 = 1");
        var next = await project.RunAsync("kpis");
        Assert.Equal((1000L, true), (next.Inserted, next.Plan.FirstRun));
        Assert.Equal(before + 1000, await CountAsync());
    }

    [Fact]
    public async Task Run_RecordWithoutItsKey_FailsAndCommitsNothing()
    {
        project.Warehouse("CREATE TABLE mart.nokey AS SELECT * FROM mart.kpis; UPDATE mart.nokey SET region = NULL WHERE day = DATE '2024-01-07' AND region = 'emea'");
        project.Write("activations/kpis.yml", $"""
            query: select * from mart.nokey
            destination: {"{"} connection: app, table: {pg.Schema}.daily_kpis, mode: upsert, key: [day, region] {"}"}
            columns: {"{"} day: day, region: region, revenue: revenue_jpy {"}"}
            """);

        var e = await Assert.ThrowsAsync<ActivationException>(() => project.RunAsync("kpis"));

        Assert.Contains("record day=2024-01-07, region=NULL has no value in a key field", e.Message, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync() && await CountAsync() > 0);
    }

    [Fact]
    public async Task Run_KeyTwiceButNothingChanged_StillFails()
    {
        Activation("upsert");
        await project.RunAsync("kpis");
        project.Warehouse("INSERT INTO mart.kpis SELECT * FROM mart.kpis WHERE day = DATE '2024-01-02' AND region = 'apac'");

        var e = await Assert.ThrowsAsync<ActivationException>(() => project.RunAsync("kpis"));

        Assert.Contains("key day=2024-01-02, region=apac appears 2 times in the result", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LeavesNoRunDatabaseAttachedToTheWarehouse()
    {
        // A server keeps the warehouse open across runs: each run's in-memory database must go with the run, failed or not.
        Activation("upsert");
        using var held = Nagare.Runtime.Connections.Warehouse.Open(project.Project.PathOf(".nagare/warehouse.duckdb"));
        await project.RunAsync("kpis");
        project.Warehouse("INSERT INTO mart.kpis SELECT * FROM mart.kpis WHERE day = DATE '2024-01-02'");
        await Assert.ThrowsAsync<ActivationException>(() => project.RunAsync("kpis"));
        await project.PlanAsync("kpis").ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal(0L, held.ExecuteScalar<long>("SELECT count(*) FROM duckdb_databases() WHERE database_name LIKE '_nagare_activation_run_%'"));
        Assert.Equal(1000L, held.ExecuteScalar<long>("SELECT count(*) FROM _nagare_activations.kpis__snapshot"));
    }

    [Fact]
    public async Task Mirror_HostileTableAndColumnNames_AreQuotedEverywhere()
    {
        var weird = "we\"ird; drop table x; --";
        project.Warehouse($"CREATE TABLE mart.\"{weird.Replace("\"", "\"\"", StringComparison.Ordinal)}\" AS SELECT CAST(i AS INTEGER) AS \"Id \"\"q\"\"\", 'v' || i AS \"sel ect\" FROM range(10) t(i)");
        project.Write("activations/weird.yml", $$"""
            query: 'select * from mart."{{weird.Replace("\"", "\"\"", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal)}}"'
            destination:
              connection: app
              table: { schema: "{{pg.Schema}}", name: "Tab \"le\"; --" }
              mode: mirror
              key: ['Id "q"']
            columns: { 'Id "q"': 'Id "q"', "Val.ue": "sel ect" }
            """);
        await project.RunAsync("weird");
        project.Warehouse($"DELETE FROM mart.\"{weird.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WHERE \"Id \"\"q\"\"\" < 3");
        var result = await project.RunAsync("weird");

        Assert.Equal(3, result.Deleted);
        Assert.Equal<string>(["3|v3", "9|v9"], (await pg.QueryAsync($"SELECT \"Id \"\"q\"\"\", \"Val.ue\" FROM \"{pg.Schema}\".\"Tab \"\"le\"\"; --\" WHERE \"Id \"\"q\"\"\" IN (3, 9) ORDER BY 1")).Select(TempProject.FormatRow));
    }

    private async Task<bool> TableExistsAsync() =>
        (bool)(await pg.ScalarAsync($"SELECT to_regclass('{pg.Schema}.daily_kpis') IS NOT NULL"))!;
}
