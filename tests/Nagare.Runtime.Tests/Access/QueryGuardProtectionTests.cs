using Nagare.DuckDb;
using Nagare.Runtime.Access;

namespace Nagare.Runtime.Tests.Access;

/// <summary>Column masks and row filters: the SQL to run reads protected tables through them, however the query names the table.</summary>
public sealed class QueryGuardProtectionTests : IClassFixture<GuardedWarehouse>
{
    private static readonly AccessPolicy Partner = new(new RoleRecord("partner", RoleLevel.Analyst, [new DatasetGrant("mart_*", Privilege.Read)])
    {
        Masks = [new ColumnMask("mart_sales.customers", "name", MaskKind.Hash)],
        RowFilters = [new RowFilter("mart_sales.orders", "customer_id = 1")],
    });

    private readonly GuardedWarehouse warehouse;

    public QueryGuardProtectionTests(GuardedWarehouse warehouse)
    {
        this.warehouse = warehouse;
    }

    [Theory]
    [InlineData("SELECT count(*) FROM mart_sales.orders", "1")]
    [InlineData("SELECT count(*) FROM \"MART_SALES\".\"ORDERS\" o", "1")]
    [InlineData("SELECT count(*) FROM mart_sales.orders a JOIN mart_sales.orders b USING (id)", "1")]
    [InlineData("WITH x AS (SELECT * FROM mart_sales.orders) SELECT count(*) FROM x", "1")]
    [InlineData("SELECT count(*) FROM mart_sales.orders WHERE id IN (SELECT id FROM mart_sales.orders)", "1")]
    [InlineData("SELECT sum(amount) FROM mart_sales.orders", "9.50")]
    public async Task RowFilter_EveryWayOfNamingTheTable_SeesOnlyItsRows(string sql, string expected)
    {
        var decision = await QueryGuard.CheckAsync(warehouse.Connection, sql, Partner, CancellationToken.None);

        Assert.True(decision.Allowed, decision.Reason);
        Assert.NotEqual(sql, decision.Sql);
        Assert.Equal(expected, Scalar(decision.Sql!));
    }

    [Fact]
    public async Task Mask_ColumnReadsAsItsHash_OtherColumnsAsTheyAre()
    {
        var decision = await QueryGuard.CheckAsync(warehouse.Connection, "SELECT c.id, c.name FROM mart_sales.customers AS c WHERE c.id = 1", Partner, CancellationToken.None);

        Assert.True(decision.Allowed, decision.Reason);
        var hash = Scalar("SELECT sha256('ann')");
        using var command = warehouse.Connection.CreateCommand();
        command.CommandText = decision.Sql!;
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(1, reader.GetInt32(0));
        Assert.Equal(hash, reader.GetString(1));
    }

    [Fact]
    public async Task ProtectedTable_ReadThroughAView_Refused()
    {
        var decision = await QueryGuard.CheckAsync(warehouse.Connection, "SELECT count(*) FROM mart_sales.big_orders", Partner, CancellationToken.None);

        Assert.False(decision.Allowed);
        Assert.Contains("mart_sales.orders", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("through a view or macro", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnprotectedQuery_RunsAsWritten()
    {
        const string Sql = "SELECT 42";

        var decision = await QueryGuard.CheckAsync(warehouse.Connection, Sql, Partner, CancellationToken.None);

        Assert.True(decision.Allowed, decision.Reason);
        Assert.Equal(Sql, decision.Sql);
    }

    [Fact]
    public async Task Admin_ReadsEverythingAsItIs()
    {
        var admin = new AccessPolicy(new RoleRecord("admin", RoleLevel.Admin, []) { RowFilters = [new RowFilter("mart_sales.orders", "false")] });

        var decision = await QueryGuard.CheckAsync(warehouse.Connection, "SELECT count(*) FROM mart_sales.orders", admin, CancellationToken.None);

        Assert.Equal("2", Scalar(decision.Sql!));
    }

    [Fact]
    public async Task BrokenFilter_RefusedNamingTheRole()
    {
        var broken = new AccessPolicy(new RoleRecord("broken", RoleLevel.Analyst, [new DatasetGrant("mart_*", Privilege.Read)]) { RowFilters = [new RowFilter("mart_sales.orders", "customer_id = = 1")] });

        var decision = await QueryGuard.CheckAsync(warehouse.Connection, "SELECT * FROM mart_sales.orders", broken, CancellationToken.None);

        Assert.False(decision.Allowed);
        Assert.Contains("role 'broken'", decision.Reason, StringComparison.Ordinal);
    }

    private string Scalar(string sql)
    {
        using var command = warehouse.Connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
