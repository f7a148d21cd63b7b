using Nagare.DuckDb;
using Nagare.Runtime.Activations;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Connections;

namespace Nagare.Runtime.Tests.Activations;

/// <summary>Activations into SQLite and DuckDB files: each mode through the connection's own writer.</summary>
public sealed class SqliteDuckDbActivationTests : IDisposable
{
    private readonly ActivationProject project = new();

    public SqliteDuckDbActivationTests()
    {
        project.Write("connections/app.yml", "type: sqlite\npath: app.db\n");
        project.Write("connections/files_db.yml", "type: duckdb\npath: serving.duckdb\n");
        project.Warehouse("CREATE SCHEMA mart; CREATE TABLE mart.users AS SELECT CAST(i AS BIGINT) AS id, 'user ' || i AS name, i % 3 = 0 AS vip FROM range(50) t(i)");
    }

    public void Dispose() => project.Dispose();

    private void Activation(string connection, string mode, string table) => project.Write($"activations/u_{connection}.yml", $"""
        query: select id, name, vip from mart.users
        destination: {"{"} connection: {connection}, table: "{table}", mode: {mode}, key: [id] {"}"}
        """);

    [Theory]
    [InlineData("app", "users")]
    [InlineData("files_db", "srv.users")]
    public async Task Mirror_DeletesOnlyWhatItSent_AndUpsertsChanges(string connection, string table)
    {
        Activation(connection, "mirror", table);
        await project.RunAsync($"u_{connection}");
        Execute(connection, $"INSERT INTO {table} (id, name, vip) VALUES (1000, 'someone else', false)");
        project.Warehouse("DELETE FROM mart.users WHERE id < 5; UPDATE mart.users SET name = 'renamed' WHERE id = 10");

        var result = await project.RunAsync($"u_{connection}");

        Assert.Equal((0L, 1L, 5L), (result.Inserted, result.Updated, result.Deleted));
        Assert.Equal<string>(["46|5|1000", "renamed"], [.. Query(connection, $"SELECT count(*), min(id), max(id) FROM {table}"), .. Query(connection, $"SELECT name FROM {table} WHERE id = 10")]);
    }

    [Theory]
    [InlineData("app", "users")]
    [InlineData("files_db", "srv.users")]
    public async Task ReplaceAndInsert_WriteTheWholeResultThenOnlyNewKeys(string connection, string table)
    {
        Activation(connection, "replace", table);
        await project.RunAsync($"u_{connection}");
        project.Warehouse("DELETE FROM mart.users WHERE id >= 40");
        await project.RunAsync($"u_{connection}");
        Assert.Equal<string>(["40"], Query(connection, $"SELECT count(*) FROM {table}"));

        Activation(connection, "insert", table + "_log");
        await project.RunAsync($"u_{connection}");
        project.Warehouse("INSERT INTO mart.users VALUES (100, 'new', true); UPDATE mart.users SET name = 'changed' WHERE id = 1");
        var second = await project.RunAsync($"u_{connection}");
        Assert.Equal((1L, 0L), (second.Inserted, second.Updated));
        Assert.Equal<string>(["41|user 1"], Query(connection, $"SELECT count(*), max(CASE WHEN id = 1 THEN name END) FROM {table}_log"));
    }

    [Fact]
    public async Task Send_ChecksBesideFail_CommitsNothingEvenAfterEveryRecordWasWritten()
    {
        // The destination waits for the checks running beside the send before it commits, however late they fail.
        Activation("app", "upsert", "users");
        var config = ProjectLoader.Load(project.Project.Root);
        var activation = config.GetActivation("u_app");
        var connection = (Core.Connectors.IDestination)ConnectorRegistry.Default.Create(config, "app", TimeProvider.System);
        await using var target = new DatabaseTarget((DatabaseDestination)activation.Destination, connection);
        var types = await target.DescribeAsync(CancellationToken.None);
        using var warehouse = Nagare.Runtime.Connections.Warehouse.Open(project.Project.PathOf(".nagare/warehouse.duckdb"));
        using var diff = ActivationDiff.Prepare(warehouse, activation, "select id, name, vip from mart.users", types, checkKeyValues: false);
        var plan = diff.Plan(full: true, sampleSize: 0);
        var checks = new TaskCompletionSource();
        var delivery = new ActivationDelivery(activation, plan, diff, new Dictionary<string, object?>()) { Checked = checks.Task };
        checks.SetException(new ActivationException("a check failed"));

        var e = await Assert.ThrowsAsync<ActivationException>(() => target.SendAsync(delivery, CancellationToken.None));

        Assert.Equal("a check failed", e.Message);
        Assert.Equal<string>(["0"], Query("app", "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'users'"));
    }

    [Fact]
    public async Task DestinationUnreachable_AndQueryFailing_ReportsTheDestination()
    {
        // The destination is described while the query runs; when both fail, the destination's failure is the one told, as
        // when the destination was described first.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        project.Write("connections/down.yml", $"type: postgres\nhost: 127.0.0.1\nport: {port}\ndatabase: app\nuser: app\n");
        ActivationProject.Sqlite(project.Project.PathOf("app.db"), "CREATE TABLE other (id INTEGER)");
        project.Write("activations/plans.yml", """
            source: app
            query: select id from no_such_table
            destination: { connection: down, table: public.plans, mode: upsert, key: [id] }
            """);

        var error = await Assert.ThrowsAnyAsync<Core.NagareException>(() => project.RunAsync("plans"));

        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("no_such_table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASourceOtherThanTheWarehouse_IsReadIntoTheWarehouse_AndOnlyItsChangesAreSent()
    {
        ActivationProject.Sqlite(project.Project.PathOf("app.db"), "CREATE TABLE plans (id INTEGER PRIMARY KEY, name TEXT, seats INTEGER); INSERT INTO plans VALUES (1, 'free', 1), (2, 'team', 10), (3, 'business', 50)");
        project.Write("activations/plans.yml", """
            source: app
            query: select id, name, seats * 2 as seats from plans
            destination: { connection: files_db, table: srv.plans, mode: mirror, key: [id] }
            """);

        var first = await project.RunAsync("plans");
        ActivationProject.Sqlite(project.Project.PathOf("app.db"), "UPDATE plans SET seats = 20 WHERE id = 2; DELETE FROM plans WHERE id = 3; INSERT INTO plans VALUES (4, 'enterprise', 500)");
        var second = await project.RunAsync("plans");

        Assert.Equal((3L, 0L, 0L), (first.Inserted, first.Updated, first.Deleted));
        Assert.Equal((1L, 1L, 1L), (second.Inserted, second.Updated, second.Deleted));
        Assert.Equal<string>(["1|free|2", "2|team|40", "4|enterprise|1000"], Query("files_db", "SELECT id, name, seats FROM srv.plans ORDER BY id"));
        Assert.Equal(0, (await project.RunAsync("plans")).Sent);
    }

    [Fact]
    public async Task ASourceQueryThatFails_NamesTheActivationAndTheConnection_AndSendsNothing()
    {
        project.Write("activations/plans.yml", """
            source: app
            query: select id from no_such_table
            destination: { connection: files_db, table: srv.plans, mode: upsert, key: [id] }
            """);

        var e = await Assert.ThrowsAsync<Nagare.Runtime.Activations.ActivationException>(() => project.RunAsync("plans"));

        Assert.StartsWith("Activation 'plans' (", e.Message, StringComparison.Ordinal);
        Assert.Contains("activations/plans.yml", e.Message, StringComparison.Ordinal);
        Assert.Contains("the query on 'app' failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_table", e.Message, StringComparison.Ordinal);
    }

    private List<string> Query(string connection, string sql)
    {
        if (connection == "app")
        {
            return ActivationProject.Sqlite(project.Project.PathOf("app.db"), sql);
        }

        using var db = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = project.Project.PathOf("serving.duckdb") }.ConnectionString);
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        return Infrastructure.TempProject.Rows(reader);
    }

    private void Execute(string connection, string sql)
    {
        if (connection == "app")
        {
            ActivationProject.Sqlite(project.Project.PathOf("app.db"), sql);
            return;
        }

        using var db = new DuckDbConnection(new DuckDbConnectionStringBuilder { DataSource = project.Project.PathOf("serving.duckdb") }.ConnectionString);
        db.Open();
        db.ExecuteNonQuery(sql);
    }
}
