using System.Globalization;
using Nagare.DuckDb;

namespace Nagare.Cli.Tests;

/// <summary>The dbt compatibility check: examples/dbt_shop, an ordinary dbt-duckdb project, built by nagare inside its folder.</summary>
public sealed class BuildCommandTests : IDisposable
{
    private readonly string _dir;

    public BuildCommandTests()
    {
        _dir = Path.Combine(Path.GetTempPath(), "nagare-dbt-shop-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(Path.Combine(RepositoryRoot(), "examples", "dbt_shop"), _dir);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Build_SelectingANameThatIsNoModel_FailsWithDidYouMean()
    {
        var run = await CliRun.RunAsync("build", "-p", _dir, "-s", "custmers");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--select: 'custmers' matches no model, seed or snapshot (did you mean 'customers'?)", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("OK=", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_Quiet_PrintsOnlyTheFinalLine()
    {
        var run = await CliRun.RunAsync("seed", "-p", _dir, "--quiet");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Matches(@"^Done in [0-9.]+s on target 'dev': OK=\d+\n$", run.Out);
    }

    [Fact]
    public async Task Compile_TargetFolderCannotBeWritten_IsAUserErrorNamingThePath()
    {
        File.WriteAllText(Path.Combine(_dir, "target"), "a file where the target folder should be");

        var run = await CliRun.RunAsync("compile", "--project-dir", _dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(Path.Combine(_dir, "target"), run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_DbtShop_ProducesTheTablesDbtWouldAndGrowsIncrementally()
    {
        var first = await CliRun.RunAsync("build", "--project", _dir);

        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        Assert.Contains("OK=9", first.Out, StringComparison.Ordinal);
        var log = File.ReadAllLines(Assert.Single(Directory.GetFiles(Path.Combine(_dir, ".nagare", "logs"), "*-build.log")));
        Assert.Equal("2026-11-20T03:00:00.000Z nagare build", log[0]);
        Assert.Contains(log, l => l.StartsWith("2026-11-20T03:00:00.000Z OK    model customers · ", StringComparison.Ordinal));
        Assert.Contains("OK=9", log[^1], StringComparison.Ordinal);
        Assert.Contains("PASS=17", log[^1], StringComparison.Ordinal);
        Assert.Contains("PASS=17", first.Out, StringComparison.Ordinal);
        using (var db = Open())
        {
            Assert.Equal(8L, Scalar(db, "select count(*) from main_raw.raw_orders"));
            Assert.Equal("DATE", Scalar(db, "select data_type from information_schema.columns where table_schema = 'main_raw' and table_name = 'raw_orders' and column_name = 'order_date'"));
            Assert.Equal("VIEW", Scalar(db, "select table_type from information_schema.tables where table_schema = 'main' and table_name = 'stg_payments'"));
            Assert.Equal("BASE TABLE", Scalar(db, "select table_type from information_schema.tables where table_schema = 'main' and table_name = 'customers'"));
            Assert.Equal(0L, Scalar(db, "select count(*) from information_schema.tables where table_name = 'int_order_payments'"));
            Assert.Equal(167.00m, Scalar(db, "select sum(amount) from main.orders"));
            Assert.Equal(20.00m, Scalar(db, "select amount from main.orders where order_id = 3"));
            Assert.Equal(15.00m, Scalar(db, "select credit_card_amount from main.orders where order_id = 3"));
            Assert.Equal("1:40.00:3:2,2:32.00:2:1,3:25.00:1:0,4:30.00:1:1,5:40.00:1:1", Scalar(db,
                "select string_agg(customer_id || ':' || lifetime_value || ':' || number_of_orders || ':' || completed_orders, ',' order by customer_id) from main.customers"));
            Assert.Equal(8L, Scalar(db, "select count(*) from main.fct_order_events where _batch = 1"));
        }

        var loadedBefore = LoadedAt();
        File.AppendAllText(Path.Combine(_dir, "seeds", "raw_orders.csv"), "9,3,2024-01-09,completed\n10,2,2024-01-10,placed\n");
        File.AppendAllText(Path.Combine(_dir, "seeds", "raw_payments.csv"), "11,9,credit_card,5000\n12,10,coupon,800\n");

        var second = await CliRun.RunAsync("build", "--project", _dir, "--vars", "{batch: 2}");

        Assert.True(second.ExitCode == 0, second.Out + second.Error);
        using (var db = Open())
        {
            Assert.Equal(10L, Scalar(db, "select count(*) from main.fct_order_events"));
            Assert.Equal("1:8,2:2", Scalar(db, "select string_agg(_batch || ':' || n, ',' order by _batch) from (select _batch, count(*) as n from main.fct_order_events group by _batch)"));
            Assert.Equal("9,10", Scalar(db, "select string_agg(order_id::varchar, ',' order by order_id) from main.fct_order_events where _batch = 2"));
            Assert.Equal(225.00m, Scalar(db, "select sum(amount) from main.orders"));
            Assert.Equal("75.00:2", Scalar(db, "select lifetime_value || ':' || number_of_orders from main.customers where customer_id = 3"));
        }

        var loadedAfter = LoadedAt();
        Assert.Equal(8, loadedBefore.Count);
        foreach (var (orderId, loadedAt) in loadedBefore)
        {
            Assert.Equal(loadedAt, loadedAfter[orderId]);
        }
    }

    [Fact]
    public async Task Build_FailingTest_SkipsOnlyTheDescendantsAndExitsOne()
    {
        // A payment method outside the accepted list fails stg_payments' test: its children skip, the rest builds.
        File.AppendAllText(Path.Combine(_dir, "seeds", "raw_payments.csv"), "11,8,paypal,100\n");

        var run = await CliRun.RunAsync("build", "--project", _dir, "--threads", "3");

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"FAIL accepted_values_stg_payments_p_[0-9a-f]{32}: Got 1 failing row", run.Out);
        Assert.Contains("paypal", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"model orders\s+SKIP", run.Out);
        Assert.Matches(@"model customers\s+SKIP", run.Out);
        Assert.Matches(@"model stg_customers\s+OK", run.Out);
        using var db = Open();
        Assert.Equal(0L, Scalar(db, "select count(*) from information_schema.tables where table_name = 'orders'"));
        Assert.Equal(5L, Scalar(db, "select count(*) from main.stg_customers"));
    }

    [Fact]
    public async Task Build_CiTarget_WritesIntoItsOwnDatabaseAndSchemas()
    {
        var run = await CliRun.RunAsync("build", "--project", _dir, "--target", "ci", "--select", "+orders", "+customers", "--exclude", "fct_order_events");

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.False(File.Exists(Path.Combine(_dir, "dbt_shop.duckdb")));
        using var db = new DuckDbConnection($"Data Source={Path.Combine(_dir, "dbt_shop_ci.duckdb")}");
        db.Open();
        Assert.Equal(167.00m, Scalar(db, "select sum(amount) from ci.orders"));
        Assert.Equal(10L, Scalar(db, "select count(*) from ci_raw.raw_payments"));
        Assert.Equal(5L, Scalar(db, "select count(*) from ci.customers"));
        Assert.Equal(0L, Scalar(db, "select count(*) from information_schema.tables where table_name = 'fct_order_events'"));
    }

    private Dictionary<long, object> LoadedAt()
    {
        using var db = Open();
        using var command = db.CreateCommand();
        command.CommandText = "select order_id, _loaded_at from main.fct_order_events where _batch = 1";
        using var reader = command.ExecuteReader();
        var result = new Dictionary<long, object>();
        while (reader.Read())
        {
            result[Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture)] = reader.GetValue(1);
        }

        return result;
    }

    private DuckDbConnection Open()
    {
        var db = new DuckDbConnection($"Data Source={Path.Combine(_dir, "dbt_shop.duckdb")}");
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

    internal static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Directory.Build.props")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Repository root not found.");
        }

        return dir;
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(from, file);
            if (rel.StartsWith("target", StringComparison.Ordinal) || rel.EndsWith(".duckdb", StringComparison.Ordinal) || rel.EndsWith(".wal", StringComparison.Ordinal))
            {
                continue;
            }

            var dest = Path.Combine(to, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
    }
}
