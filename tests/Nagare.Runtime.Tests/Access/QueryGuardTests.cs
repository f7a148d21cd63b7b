using Nagare.DuckDb;
using Nagare.Runtime.Access;

namespace Nagare.Runtime.Tests.Access;

public sealed class QueryGuardTests : IClassFixture<GuardedWarehouse>
{
    private static readonly AccessPolicy Analyst = new(new RoleRecord("analyst", RoleLevel.Analyst, [new DatasetGrant("mart_*", Privilege.Read)]));

    private static readonly AccessPolicy AllButSecret = new(new RoleRecord(
        "auditor", RoleLevel.Analyst, [new DatasetGrant("*", Privilege.Read), new DatasetGrant("dwh_secret", Privilege.None)]));

    private static readonly AccessPolicy Admin = new(new RoleRecord("admin", RoleLevel.Admin, []));

    private readonly GuardedWarehouse warehouse;

    public QueryGuardTests(GuardedWarehouse warehouse)
    {
        this.warehouse = warehouse;
    }

    /// <summary>Each pair: a way to reach dwh_secret.orders that must be refused, and the same shape on a granted table.</summary>
    public static TheoryData<string, string, string> Reaches => new()
    {
        { "direct", "SELECT * FROM dwh_secret.orders", "SELECT * FROM mart_sales.orders" },
        { "join", "SELECT * FROM mart_sales.orders o JOIN dwh_secret.orders s USING (id)", "SELECT * FROM mart_sales.orders o JOIN mart_sales.customers c ON c.id = o.customer_id" },
        { "where subquery", "SELECT * FROM mart_sales.orders WHERE id IN (SELECT id FROM dwh_secret.orders)", "SELECT * FROM mart_sales.orders WHERE id IN (SELECT id FROM mart_sales.customers)" },
        { "select subquery", "SELECT (SELECT max(token) FROM dwh_secret.orders) FROM mart_sales.orders", "SELECT (SELECT max(name) FROM mart_sales.customers) FROM mart_sales.orders" },
        { "exists", "SELECT EXISTS (SELECT 1 FROM dwh_secret.orders WHERE token LIKE 'a%')", "SELECT EXISTS (SELECT 1 FROM mart_sales.customers WHERE name LIKE 'a%')" },
        { "cte", "WITH t AS (SELECT * FROM dwh_secret.orders) SELECT * FROM t", "WITH t AS (SELECT * FROM mart_sales.orders) SELECT * FROM t" },
        { "recursive cte", "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t, dwh_secret.orders WHERE n < 3) SELECT * FROM t", "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t, mart_sales.orders WHERE n < 3) SELECT * FROM t" },
        { "union", "SELECT id FROM mart_sales.orders UNION SELECT id FROM dwh_secret.orders", "SELECT id FROM mart_sales.orders UNION SELECT id FROM mart_sales.customers" },
        { "quoted upper case", "SELECT * FROM \"DWH_SECRET\".\"ORDERS\"", "SELECT * FROM \"MART_SALES\".\"ORDERS\"" },
        { "catalog qualified", "SELECT * FROM warehouse.dwh_secret.orders", "SELECT * FROM warehouse.mart_sales.orders" },
        { "lateral", "SELECT * FROM mart_sales.orders o, LATERAL (SELECT token FROM dwh_secret.orders s WHERE s.id = o.id)", "SELECT * FROM mart_sales.orders o, LATERAL (SELECT name FROM mart_sales.customers c WHERE c.id = o.id)" },
        { "view", "SELECT * FROM mart_sales.leak", "SELECT * FROM mart_sales.big_orders" },
        { "view quoted", "SELECT token FROM \"MART_SALES\".\"LEAK\"", "SELECT amount FROM \"MART_SALES\".\"BIG_ORDERS\"" },
        { "view optimised away", "SELECT * FROM mart_sales.leak WHERE false", "SELECT * FROM mart_sales.big_orders WHERE false" },
        { "view in limit 0", "SELECT (SELECT count(*) FROM (SELECT * FROM mart_sales.leak LIMIT 0))", "SELECT (SELECT count(*) FROM (SELECT * FROM mart_sales.big_orders LIMIT 0))" },
        { "scalar macro", "SELECT mart_sales.secret_token()", "SELECT mart_sales.top_name()" },
        { "window and qualify", "SELECT id, row_number() OVER (ORDER BY token) r FROM mart_sales.leak QUALIFY r = 1", "SELECT id, row_number() OVER (ORDER BY amount) r FROM mart_sales.orders QUALIFY r = 1" },
        { "standard pivot", "SELECT * FROM mart_sales.leak PIVOT (count(*) FOR id IN (1, 2))", "SELECT * FROM mart_sales.orders PIVOT (sum(amount) FOR id IN (1, 2))" },
        { "unpivot", "SELECT * FROM (UNPIVOT (SELECT id, token AS t FROM mart_sales.leak) ON t INTO NAME k VALUE v)", "SELECT * FROM (UNPIVOT mart_sales.customers ON name INTO NAME k VALUE v)" },
        { "second statement", "SELECT 1; SELECT * FROM mart_sales.leak;", "SELECT 1; SELECT * FROM mart_sales.big_orders;" },
    };

    [Theory]
    [MemberData(nameof(Reaches))]
    public async Task CheckAsync_ReachingSecretTable_RefusedNamingIt(string shape, string refused, string allowed)
    {
        var denial = await CheckAsync(refused, Analyst);
        var grant = await CheckAsync(allowed, Analyst);

        Assert.False(denial.Allowed, shape);
        Assert.Contains("may not read", denial.Reason, StringComparison.Ordinal);
        Assert.Contains("dwh_secret.orders", denial.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("(dataset dwh_secret)", denial.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.True(grant.Allowed, $"{shape}: {grant.Reason}");
        Assert.NotEmpty(grant.Tables);
        Assert.All(grant.Tables, table => Assert.StartsWith("mart_sales.", table, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckAsync_AllowedJoin_ListsBothTables()
    {
        var decision = await CheckAsync("SELECT c.name, sum(o.amount) FROM mart_sales.orders o JOIN mart_sales.customers c ON c.id = o.customer_id GROUP BY ALL ORDER BY 2 DESC LIMIT 10", Analyst);

        Assert.True(decision.Allowed, decision.Reason);
        Assert.Equal(["mart_sales.customers", "mart_sales.orders"], decision.Tables.ToArray());
        Assert.Empty(decision.Functions);
    }

    [Fact]
    public async Task CheckAsync_ViewOverGrantedTable_ListsTableBehindIt()
    {
        var decision = await CheckAsync("SELECT * FROM mart_sales.big_orders", Analyst);

        Assert.True(decision.Allowed, decision.Reason);
        Assert.Equal(["mart_sales.orders"], decision.Tables.ToArray());
    }

    [Fact]
    public async Task CheckAsync_TableMacroOverSecretTable_Refused()
    {
        var decision = await CheckAsync("SELECT * FROM mart_sales.m()", Analyst);

        Assert.False(decision.Allowed);
        Assert.Contains("Table function m()", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT * FROM secret_main")]
    [InlineData("SELECT * FROM main.secret_main")]
    [InlineData("SELECT * FROM warehouse.secret_main")]
    public async Task CheckAsync_MainSchemaNotGranted_RefusedAfterBinding(string sql)
    {
        var analyst = await CheckAsync(sql, Analyst);
        var auditor = await CheckAsync(sql, AllButSecret);

        Assert.False(analyst.Allowed);
        Assert.Equal("Role 'analyst' may not read main.secret_main (dataset main).", analyst.Reason);
        Assert.True(auditor.Allowed, auditor.Reason);
        Assert.Equal(["main.secret_main"], auditor.Tables.ToArray());
    }

    [Theory]
    [InlineData("SELECT * FROM dwh_secret.customers")]
    [InlineData("SELECT * FROM \"Dwh_Secret\".orders")]
    [InlineData("SELECT * FROM mart_sales.leak")]
    [InlineData("SELECT * FROM mart_sales.orders o JOIN main.secret_main s USING (id), dwh_secret.orders")]
    public async Task CheckAsync_WildcardGrantWithSecretExcluded_RefusesSecret(string sql)
    {
        var decision = await CheckAsync(sql, AllButSecret);

        Assert.False(decision.Allowed);
        Assert.Contains("(dataset dwh_secret)", decision.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("SELECT * FROM read_csv('{missing}')", "read_csv")]
    [InlineData("SELECT * FROM read_csv_auto('{missing}')", "read_csv_auto")]
    [InlineData("SELECT * FROM read_parquet('{missing}')", "read_parquet")]
    [InlineData("SELECT * FROM read_json('{missing}')", "read_json")]
    [InlineData("SELECT * FROM read_text('{missing}')", "read_text")]
    [InlineData("SELECT * FROM parquet_scan('{missing}')", "parquet_scan")]
    [InlineData("SELECT * FROM sniff_csv('{missing}')", "sniff_csv")]
    [InlineData("SELECT * FROM glob('{folder}/*')", "glob")]
    [InlineData("SELECT * FROM mart_sales.orders WHERE id IN (SELECT 1 FROM read_csv('{missing}'))", "read_csv")]
    [InlineData("SELECT * FROM query('SELECT * FROM dwh_secret.orders')", "query")]
    [InlineData("SELECT * FROM query_table('dwh_secret.orders')", "query_table")]
    [InlineData("SELECT * FROM duckdb_tables()", "duckdb_tables")]
    [InlineData("SELECT * FROM duckdb_settings()", "duckdb_settings")]
    [InlineData("SELECT * FROM pragma_table_info('dwh_secret.orders')", "pragma_table_info")]
    [InlineData("SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))", "json_execute_serialized_sql")]
    public async Task CheckAsync_TableFunctionOffAllowlist_RefusedBeforeBinding(string template, string function)
    {
        var missing = Path.Combine(warehouse.Folder, "missing", "nothing-here.csv");
        var decision = await CheckAsync(template.Replace("{missing}", missing, StringComparison.Ordinal).Replace("{folder}", warehouse.Folder, StringComparison.Ordinal), Analyst);

        // DuckDB binding the function would have said "No files found"; the guard refuses before that.
        Assert.False(decision.Allowed);
        Assert.StartsWith($"Table function {function}() is not allowed for role 'analyst'", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT * FROM '{missing}'")]
    [InlineData("SELECT * FROM \"{missing}\"")]
    [InlineData("SELECT * FROM 'https://example.com/data.parquet'")]
    public async Task CheckAsync_FileInFrom_RefusedBeforeBinding(string template)
    {
        var missing = Path.Combine(warehouse.Folder, "missing.csv");
        var decision = await CheckAsync(template.Replace("{missing}", missing, StringComparison.Ordinal), Analyst);

        Assert.False(decision.Allowed);
        Assert.Contains("looks like a file or URL", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT * FROM range(3)", "range")]
    [InlineData("SELECT * FROM generate_series(1, 3) g JOIN mart_sales.orders o ON o.id = g.generate_series", "generate_series")]
    [InlineData("SELECT * FROM unnest([1, 2, 3])", "unnest")]
    public async Task CheckAsync_AllowedTableFunction_AllowedAndListed(string sql, string function)
    {
        var decision = await CheckAsync(sql, Analyst);

        Assert.True(decision.Allowed, decision.Reason);
        Assert.Contains(function, decision.Functions);
    }

    [Theory]
    [InlineData("SELECT * FROM information_schema.tables", "information_schema")]
    [InlineData("SELECT * FROM INFORMATION_SCHEMA.\"COLUMNS\"", "INFORMATION_SCHEMA")]
    [InlineData("SELECT * FROM pg_catalog.pg_class", "pg_catalog")]
    [InlineData("SELECT * FROM warehouse.information_schema.schemata", "information_schema")]
    public async Task CheckAsync_CatalogSchemas_RefusedPointingToDatasetsApi(string sql, string schema)
    {
        var decision = await CheckAsync(sql, Analyst);

        Assert.False(decision.Allowed);
        Assert.Equal($"{schema} is not available to role 'analyst'; use the datasets API to list datasets, tables and columns.", decision.Reason);
    }

    [Theory]
    [InlineData("SELECT * FROM duckdb_tables")]
    [InlineData("SELECT * FROM pg_tables")]
    [InlineData("SELECT * FROM sqlite_master")]
    public async Task CheckAsync_CatalogViewsOnSearchPath_RefusedAfterBinding(string sql)
    {
        var decision = await CheckAsync(sql, AllButSecret);

        Assert.False(decision.Allowed);
        Assert.Contains("is not allowed for role 'auditor'", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT * FROM system.main.duckdb_tables", "system")]
    [InlineData("SELECT * FROM temp.main.anything", "temp")]
    [InlineData("SELECT * FROM other_db.main.t", "other_db")]
    public async Task CheckAsync_OtherCatalog_Refused(string sql, string catalog)
    {
        var decision = await CheckAsync(sql, AllButSecret);

        Assert.False(decision.Allowed);
        Assert.StartsWith($"{catalog}.", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("is in another database", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT current_setting('home_directory')", "current_setting")]
    [InlineData("SELECT id FROM mart_sales.orders WHERE current_setting('home_directory') IS NOT NULL", "current_setting")]
    [InlineData("SELECT getvariable('x')", "getvariable")]
    [InlineData("SELECT nextval('dwh_secret.seq')", "nextval")]
    [InlineData("SELECT setseed(0.5)", "setseed")]
    [InlineData("SELECT pg_get_viewdef(1)", "pg_get_viewdef")]
    [InlineData("SELECT has_table_privilege('dwh_secret.orders', 'select')", "has_table_privilege")]
    [InlineData("SELECT sum(amount) FILTER (WHERE CURRENT_SETTING('threads') = '1') FROM mart_sales.orders", "current_setting")]
    public async Task CheckAsync_ScalarFunctionReachingOutside_Refused(string sql, string function)
    {
        var decision = await CheckAsync(sql, Analyst);

        Assert.False(decision.Allowed);
        Assert.StartsWith($"Function {function}() is not allowed for role 'analyst'", decision.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("COPY mart_sales.orders TO '/tmp/out.csv'", "COPY")]
    [InlineData("ATTACH '/tmp/other.duckdb' AS other", "ATTACH")]
    [InlineData("INSTALL httpfs", "INSTALL")]
    [InlineData("LOAD httpfs", "LOAD")]
    [InlineData("SET threads = 1", "SET")]
    [InlineData("PRAGMA disable_optimizer", "PRAGMA")]
    [InlineData("CREATE TABLE mart_sales.copy AS SELECT * FROM dwh_secret.orders", "CREATE")]
    [InlineData("DROP TABLE mart_sales.orders", "DROP")]
    [InlineData("DELETE FROM mart_sales.orders", "DELETE")]
    [InlineData("  -- a comment; then\n/* another */ insert into mart_sales.orders values (3, 3, 1)", "INSERT")]
    [InlineData("EXPLAIN SELECT * FROM dwh_secret.orders", "EXPLAIN")]
    [InlineData("EXPLAIN ANALYZE SELECT * FROM mart_sales.orders", "EXPLAIN")]
    [InlineData("CALL duckdb_tables()", "CALL")]
    [InlineData("EXPORT DATABASE '/tmp/dump'", "EXPORT")]
    [InlineData("SELECT 1; DROP TABLE mart_sales.orders", "DROP")]
    [InlineData("SELECT ';'; DETACH warehouse;", "DETACH")]
    public async Task CheckAsync_NotSelect_RefusedNamingStatement(string sql, string kind)
    {
        var decision = await CheckAsync(sql, Analyst);

        Assert.False(decision.Allowed);
        Assert.Equal($"Only SELECT queries may be run by role 'analyst'; {kind} needs the admin role.", decision.Reason);
        Assert.Equal(2L, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM mart_sales.orders"));
    }

    [Fact]
    public async Task CheckAsync_PivotInsideSelect_RefusedAsNotPlainSelect()
    {
        // DuckDB runs a query while binding a PIVOT to find its columns, and cannot serialise it; it needs the admin role.
        var decision = await CheckAsync("SELECT * FROM (PIVOT mart_sales.big_orders ON id USING count(*))", Analyst);

        Assert.False(decision.Allowed);
        Assert.Equal("Only SELECT queries may be run by role 'analyst'; other statements need the admin role.", decision.Reason);
    }

    [Theory]
    [InlineData("DESCRIBE dwh_secret.orders")]
    [InlineData("DESCRIBE mart_sales.orders")]
    [InlineData("SUMMARIZE dwh_secret.orders")]
    [InlineData("SHOW TABLES")]
    [InlineData("SHOW ALL TABLES")]
    public async Task CheckAsync_DescribeSummarizeShow_Refused(string sql)
    {
        var decision = await CheckAsync(sql, Analyst);

        Assert.False(decision.Allowed);
        Assert.Contains("DESCRIBE, SUMMARIZE and SHOW are not available", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_ParseError_RefusedWithDuckDbMessage()
    {
        var decision = await CheckAsync("SELEC * FROM mart_sales.orders", Analyst);

        Assert.False(decision.Allowed);
        Assert.StartsWith("Parser Error: syntax error at or near \"SELEC\"", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ; ")]
    public async Task CheckAsync_NoStatement_Refused(string sql)
    {
        var decision = await CheckAsync(sql, Analyst);

        Assert.False(decision.Allowed);
        Assert.Equal("There is no statement to run.", decision.Reason);
    }

    [Fact]
    public async Task CheckAsync_UnknownColumnOfUnknownTable_ErrorDoesNotSuggestSecretTables()
    {
        var decision = await CheckAsync("SELECT * FROM mart_sales.orders, orderz", Analyst);

        Assert.False(decision.Allowed);
        Assert.Contains("orderz does not exist", decision.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("dwh_secret", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_ColumnOfSecretTable_RefusedBeforeDuckDbNamesItsColumns()
    {
        var decision = await CheckAsync("SELECT tokn FROM dwh_secret.orders", Analyst);

        Assert.False(decision.Allowed);
        Assert.Equal("Role 'analyst' may not read dwh_secret.orders (dataset dwh_secret).", decision.Reason);
    }

    [Fact]
    public async Task CheckAsync_MultipleSelects_AllowedWithEveryTable()
    {
        var decision = await CheckAsync("SELECT count(*) FROM mart_sales.orders; SELECT ';' AS semicolon, name FROM mart_sales.customers;", Analyst);

        Assert.True(decision.Allowed, decision.Reason);
        Assert.Equal(["mart_sales.customers", "mart_sales.orders"], decision.Tables.ToArray());
    }

    [Fact]
    public async Task CheckAsync_AdminReadsFile_AllowedListingFunction()
    {
        var file = Path.Combine(warehouse.Folder, "people.csv");
        await File.WriteAllTextAsync(file, "id,name\n1,ann\n");

        var decision = await CheckAsync($"SELECT * FROM read_csv('{file}') p JOIN dwh_secret.orders o USING (id)", Admin);

        Assert.True(decision.Allowed, decision.Reason);
        Assert.Null(decision.Reason);
        Assert.Equal(["dwh_secret.orders"], decision.Tables.ToArray());
        Assert.Equal(["read_csv"], decision.Functions.ToArray());
    }

    [Theory]
    [InlineData("DROP TABLE mart_sales.orders")]
    [InlineData("SELECT 1; DROP TABLE mart_sales.orders")]
    [InlineData("ATTACH '/tmp/other.duckdb' AS other")]
    [InlineData("SELECT * FROM information_schema.tables")]
    public async Task CheckAsync_AdminAnyStatement_AllowedWithoutRunningIt(string sql)
    {
        var decision = await CheckAsync(sql, Admin);

        Assert.True(decision.Allowed);
        Assert.Equal(2L, warehouse.Connection.ExecuteScalar<long>("SELECT count(*) FROM mart_sales.orders"));
    }

    [Fact]
    public async Task CheckAsync_AfterCheck_OptimizerIsBackOn()
    {
        await CheckAsync("SELECT * FROM mart_sales.orders WHERE false", Analyst);
        await CheckAsync("SELECT * FROM mart_sales.leak WHERE false", Analyst);

        using var command = warehouse.Connection.CreateCommand();
        command.CommandText = "EXPLAIN (FORMAT JSON) SELECT * FROM mart_sales.orders WHERE false";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Contains("EMPTY_RESULT", reader.GetString(1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_Cancelled_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => QueryGuard.CheckAsync(warehouse.Connection, "SELECT * FROM mart_sales.orders", Analyst, cancellation.Token));
    }

    private Task<GuardDecision> CheckAsync(string sql, AccessPolicy policy) =>
        QueryGuard.CheckAsync(warehouse.Connection, sql, policy, CancellationToken.None);
}
