using Nagare.DuckDb;

namespace Nagare.Cli.Tests;

/// <summary>The generated dwh layer of examples/generate builds: <c>nagare generate</c> then <c>nagare build</c> over lake tables.</summary>
public sealed class GenerateBuildTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nagare-cli-genbuild-" + Guid.NewGuid().ToString("N")[..12]);

    public GenerateBuildTests()
    {
        BuildCommandTests.CopyDirectory(Path.Combine(BuildCommandTests.RepositoryRoot(), "examples", "generate"), _dir);
        File.WriteAllText(Path.Combine(_dir, "nagare.yml"), "name: generated\nwarehouse: warehouse.duckdb\n");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left behind in /tmp is harmless.
        }
    }

    [Fact]
    public async Task Build_GeneratedExample_CastsConvertsMasksAndDeduplicates()
    {
        var generate = await CliRun.RunAsync("generate", "--project", _dir, "--catalog", Path.Combine(_dir, "catalog.csv"), "--rules", Path.Combine(_dir, "rules"));
        Assert.True(generate.ExitCode == 0, generate.Out + generate.Error);
        CreateLakeTables();

        var build = await CliRun.RunAsync("build", "--project", _dir);

        Assert.True(build.ExitCode == 0, build.Out + build.Error);
        using var db = Open();
        // Customer 1 was loaded twice; the later row wins.
        Assert.Equal(2L, Scalar(db, "select count(*) from dwh_app.customers"));
        Assert.Equal(
            "1:3a115c1ed0035cb37d11dc30ac7aa7cbaf78e284c693a2f7f4ace6178e27b740:1990-04-01:2026-01-02 09:30:00,"
            + "2:3df36ef44a86ba6433126b5899410e5cd481163a0f05fa83eef3edf60abe58ac:1985-12-31:2026-01-03 00:15:00",
            Scalar(db, "select string_agg(customer_id || ':' || email || ':' || birthday || ':' || strftime(updated_at, '%Y-%m-%d %H:%M:%S'), ',' order by customer_id) from dwh_app.customers"));
        Assert.Null(Scalar(db, "select name from dwh_app.customers where customer_id = 1"));
        Assert.Equal(
            "1:Hanako:hanako@example.com,2:Taro:taro@example.com",
            Scalar(db, "select string_agg(customer_id || ':' || name || ':' || email, ',' order by customer_id) from dwh_app_secret.customers"));

        Assert.Equal("DATE", Scalar(db, "select data_type from information_schema.columns where table_schema = 'dwh_app' and table_name = 'orders' and column_name = 'order_date'"));
        Assert.Equal(
            "10:2026-01-05:2026-01-05 09:00:00:30.00:shipped,11::2026-01-06 08:59:59:12.50:placed",
            Scalar(db, "select string_agg(order_id || ':' || coalesce(order_date::varchar, '') || ':' || strftime(ordered_at, '%Y-%m-%d %H:%M:%S') || ':' || amount || ':' || status, ',' order by order_id) from dwh_app.orders"));

        // Items deduplicate on the composite key; load times stay in UTC.
        Assert.Equal(
            "10/1:3:2026-01-05 00:10:00,10/2:1:2026-01-05 00:00:00,11/1::2026-01-06 00:00:00",
            Scalar(db, "select string_agg(order_id || '/' || line_no || ':' || coalesce(quantity::varchar, '') || ':' || strftime(loaded_at, '%Y-%m-%d %H:%M:%S'), ',' order by order_id, line_no) from dwh_app.order_items"));

        Assert.Equal(
            "3a115c1ed0035cb37d11dc30ac7aa7cbaf78e284c693a2f7f4ace6178e27b740:mobile:hanako@example.com",
            Scalar(db, "select l.user_email || ':' || l.\"Device Type\" || ':' || s.user_email from dwh_logs.access_logs l join dwh_logs_secret.access_logs s using (log_id)"));
    }

    private void CreateLakeTables()
    {
        using var db = Open();
        foreach (var sql in new[]
        {
            "create schema lake_app",
            "create schema lake_logs",
            "create table lake_app.customers (customer_id bigint not null, name varchar, email varchar, phone varchar, birthday varchar, company_id integer not null, created_at timestamp, updated_at timestamp)",
            "insert into lake_app.customers values "
                + "(1, 'Hanako Old', 'old@example.com', '090-0000-0000', '19900401', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00'), "
                + "(1, 'Hanako', 'hanako@example.com', '090-1111-1111', '19900401', 1, '2026-01-01 00:00:00', '2026-01-02 00:30:00'), "
                + "(2, 'Taro', 'taro@example.com', '090-2222-2222', '19851231', 1, '2026-01-02 00:00:00', '2026-01-02 15:15:00')",
            "create table lake_app.orders (order_id bigint not null, customer_id bigint not null, company_id integer not null, order_date varchar, ordered_at timestamp, amount decimal(12,2), status varchar, updated_at timestamp)",
            "insert into lake_app.orders values "
                + "(10, 1, 1, '20260105', '2026-01-05 00:00:00', 30.00, 'placed', '2026-01-05 00:00:00'), "
                + "(10, 1, 1, '20260105', '2026-01-05 00:00:00', 30.00, 'shipped', '2026-01-05 06:00:00'), "
                + "(11, 2, 1, 'not a date', '2026-01-05 23:59:59', 12.50, 'placed', '2026-01-06 00:00:00')",
            "create table lake_app.order_items (order_id bigint not null, line_no integer not null, company_id integer not null, product_code varchar, quantity varchar, loaded_at timestamp)",
            "insert into lake_app.order_items values "
                + "(10, 1, 1, 'A', '2', '2026-01-05 00:00:00'), "
                + "(10, 1, 1, 'A', '3', '2026-01-05 00:10:00'), "
                + "(10, 2, 1, 'B', '1', '2026-01-05 00:00:00'), "
                + "(11, 1, 1, 'C', 'many', '2026-01-06 00:00:00')",
            "create table lake_logs.access_logs (log_id bigint not null, user_email varchar, path varchar, \"Device Type\" varchar, \"select\" varchar, logged_at timestamptz)",
            "insert into lake_logs.access_logs values (1, 'hanako@example.com', '/cart', 'mobile', 'x', '2026-01-05 00:00:00+00')",
        })
        {
            using var command = db.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    private DuckDbConnection Open()
    {
        var db = new DuckDbConnection($"Data Source={Path.Combine(_dir, "warehouse.duckdb")}");
        db.Open();
        return db;
    }

    private static object? Scalar(DuckDbConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }
}
