using Nagare.Runtime.Activations;
using Nagare.Runtime.Tests.Infrastructure;
using Nagare.Testing;

namespace Nagare.Runtime.Tests.Activations;

/// <summary>Activations from the warehouse into a real MariaDB: upsert by a composite text key, mirror, replace.</summary>
[Trait("Category", "Integration")]
public sealed class MySqlActivationTests : IAsyncLifetime
{
    private readonly ActivationProject project = new();
    private TestMySql mysql = null!;

    public async Task InitializeAsync()
    {
        if (MySqlFactAttribute.Unavailable is not null)
        {
            return;
        }

        mysql = await TestMySql.CreateAsync("act_my");
        project.Write("connections/app.yml", mysql.ConnectionYaml("app"));
        project.Warehouse("""
            CREATE SCHEMA mart;
            CREATE TABLE mart.kpis AS
            SELECT DATE '2024-01-01' + CAST(i // 2 AS INTEGER) AS day, CASE WHEN i % 2 = 0 THEN 'apac' ELSE 'APAC' END AS region, CAST(i * 100 AS BIGINT) AS revenue_jpy
            FROM range(200) t(i);
            """);
    }

    public async Task DisposeAsync()
    {
        if (mysql is not null)
        {
            await mysql.DisposeAsync();
        }

        project.Dispose();
    }

    [MySqlFact]
    public async Task Upsert_ChangedRows_UpdatesByKeyAndKeysDifferingInCaseStayApart()
    {
        Activation("upsert");
        var first = await RunAsync();
        project.Warehouse("UPDATE mart.kpis SET revenue_jpy = -1 WHERE day = DATE '2024-01-05'; INSERT INTO mart.kpis VALUES (DATE '2025-01-01', 'emea', 7)");

        var second = await RunAsync();

        Assert.Equal((200L, 0L), (first.Inserted, first.Updated));
        Assert.Equal((1L, 2L, 0L), (second.Inserted, second.Updated, second.Deleted));
        Assert.Equal(
            ["201|-2|2"],
            await mysql.QueryAsync("SELECT COUNT(*), SUM(CASE WHEN revenue < 0 THEN revenue END), COUNT(DISTINCT CASE WHEN day = '2024-01-05' THEN BINARY region END) FROM daily_kpis"));
    }

    [MySqlFact]
    public async Task Mirror_RowsGoneFromTheQuery_AreDeletedInTheSameTransaction()
    {
        Activation("mirror");
        await RunAsync();
        await mysql.ExecuteAsync("INSERT INTO daily_kpis (day, region, revenue) VALUES ('2030-01-01', 'other', 1)");
        project.Warehouse("DELETE FROM mart.kpis WHERE day < DATE '2024-01-11'");

        var result = await RunAsync();

        Assert.Equal(20, result.Deleted);
        Assert.Equal(["181|2024-01-11"], await mysql.QueryAsync("SELECT COUNT(*), DATE_FORMAT(MIN(day), '%Y-%m-%d') FROM daily_kpis"));
    }

    [MySqlFact]
    public async Task Replace_SecondRun_SwapsTheWholeTable()
    {
        Activation("replace");
        await RunAsync();
        project.Warehouse("DELETE FROM mart.kpis WHERE region = 'APAC'");

        await RunAsync();

        Assert.Equal(["100|0"], await mysql.QueryAsync("SELECT COUNT(*), SUM(BINARY region = 'APAC') FROM daily_kpis"));
        Assert.Empty(await mysql.QueryAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE '\\_nagare\\_s\\_%'"));
    }

    private void Activation(string mode) => project.Write("activations/kpis.yml", $"""
        name: kpis
        query: select * from mart.kpis
        destination:
          connection: app
          table: {mysql.Database}.daily_kpis
          mode: {mode}
          key: [day, region]
        columns: {"{"} day: day, region: region, revenue: revenue_jpy {"}"}
        """);

    private Task<ActivationResult> RunAsync() =>
        project.Service(new Dictionary<string, string> { ["MYSQL_TEST_PASSWORD"] = mysql.Password })
            .RunAsync("kpis", new ActivationRunOptions(new DateOnly(2026, 12, 1)), CancellationToken.None);
}
