using System.Net;
using System.Text.Json;

namespace Nagare.Server.Tests;

/// <summary>Dataset grants through the API: ad-hoc SQL, previews and the dataset list, each audited.</summary>
public sealed class QueryAccessTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly ServerHarness harness = fixture.Harness;

    [Fact]
    public async Task Query_GrantedDataset_ReturnsRows()
    {
        var response = await harness.As("analyst").PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT region, sum(amount) AS total FROM mart_sales.orders GROUP BY region ORDER BY region"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["region", "total"], result.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("""[["osaka",250],["tokyo",150]]""", result.GetProperty("rows").GetRawText().Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal));
        Assert.Equal(2, result.GetProperty("row_count").GetInt32());
        Assert.False(result.GetProperty("truncated").GetBoolean());
    }

    [Theory]
    [InlineData("SELECT * FROM dwh_secret.customers")]
    [InlineData("SELECT o.id FROM mart_sales.orders o JOIN dwh_secret.customers c ON c.id = o.id")]
    [InlineData("SELECT * FROM mart_sales.leak")]
    [InlineData("WITH x AS (SELECT * FROM \"DWH_SECRET\".\"CUSTOMERS\") SELECT * FROM x")]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')")]
    [InlineData("ATTACH '/tmp/other.duckdb' AS other")]
    public async Task Query_ForbiddenForAnalyst_403AndAuditedAsDenied(string sql)
    {
        var response = await harness.As("analyst").PostAsync("/api/v1/query", ServerHarness.Json(JsonSerializer.Serialize(new { sql })));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ServerHarness.ProblemAsync(response);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        var audit = JsonDocument.Parse(await harness.As("admin").GetStringAsync("/api/v1/audit?action=query")).RootElement.GetProperty("items");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("outcome").GetString() == "denied" && e.GetProperty("target").GetString() == sql && e.GetProperty("actor").GetString()!.StartsWith("analyst-user", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Query_Admin_ReadsTheSecretDataset()
    {
        var response = await harness.As("admin").PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT email FROM dwh_secret.customers"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("hanako@example.com", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_Viewer_RefusedAdHocSql()
    {
        var response = await harness.As("viewer").PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT 1"}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Query_CsvAndLimit_TruncatesAtLimit()
    {
        var response = await harness.As("analyst").PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT id, region FROM mart_sales.orders ORDER BY id","format":"csv","limit":2}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("id,region\r\n1,tokyo\r\n2,osaka\r\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Query_Parquet_DownloadsAFileDuckDbReads()
    {
        var response = await harness.As("analyst").PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT id, amount FROM mart_sales.orders","format":"parquet"}"""));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("PAR1"u8.ToArray(), bytes[..4]);
        var file = Path.Combine(harness.Root, "result.parquet");
        await File.WriteAllBytesAsync(file, bytes);
        var sum = await harness.As("admin").PostAsync("/api/v1/query", ServerHarness.Json(JsonSerializer.Serialize(new { sql = $"SELECT sum(amount) FROM read_parquet('{file}')" })));
        Assert.Contains("400", await sum.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_Timeout_408AndTheServerStillAnswers()
    {
        var response = await harness.As("analyst").PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT count(*) FROM range(100000000000) a","timeout_seconds":1}"""));

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.Equal("$.timeout_seconds", (await ServerHarness.ProblemAsync(response)).GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.OK, (await harness.As("analyst").PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT 1"}"""))).StatusCode);
    }

    [Fact]
    public async Task Datasets_ListsOnlyReadableOnes()
    {
        static async Task<string[]> NamesAsync(HttpClient client) =>
            [.. JsonDocument.Parse(await client.GetStringAsync("/api/v1/datasets")).RootElement.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("name").GetString()!)];

        Assert.DoesNotContain("dwh_secret", await NamesAsync(harness.As("analyst")));
        Assert.Contains("mart_sales", await NamesAsync(harness.As("analyst")));
        Assert.Equal(["mart_sales"], await NamesAsync(harness.As("viewer")));
        Assert.Contains("dwh_secret", await NamesAsync(harness.As("admin")));
        Assert.Contains("main", await NamesAsync(harness.As("admin")));
    }

    [Fact]
    public async Task Dataset_Detail_TablesColumnsAndRowCounts()
    {
        var detail = JsonDocument.Parse(await harness.As("viewer").GetStringAsync("/api/v1/datasets/mart_sales")).RootElement;

        var orders = detail.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "orders");
        Assert.Equal(3, orders.GetProperty("rows").GetInt64());
        Assert.Equal(["id", "region", "amount"], orders.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await harness.As("viewer").GetAsync("/api/v1/datasets/dwh_secret")).StatusCode);
    }

    [Fact]
    public async Task Preview_GrantedTable_Rows_ViewOverSecret_Refused()
    {
        var preview = await harness.As("viewer").GetAsync("/api/v1/datasets/mart_sales/tables/orders/preview?limit=2");
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await preview.Content.ReadAsStringAsync()).RootElement.GetProperty("row_count").GetInt32());

        var leak = await harness.As("viewer").GetAsync("/api/v1/datasets/mart_sales/tables/leak/preview");
        Assert.Equal(HttpStatusCode.Forbidden, leak.StatusCode);
        Assert.DoesNotContain("hanako", await leak.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var secret = await harness.As("analyst").GetAsync("/api/v1/datasets/dwh_secret/tables/customers/preview");
        Assert.Equal(HttpStatusCode.NotFound, secret.StatusCode);
    }

    [Fact]
    public async Task RoleWithMaskAndRowFilter_QueryAndPreviewSeeOnlyWhatItMay()
    {
        var role = await harness.As("admin").PostAsync("/api/v1/roles", ServerHarness.Json("""
            {"name":"partner","level":"analyst","grants":[{"pattern":"mart_sales","privilege":"read"}],
             "masks":[{"table":"mart_sales.orders","column":"region","with":"redact"}],
             "row_filters":[{"table":"mart_sales.orders","where":"amount >= 100"}]}
            """));
        Assert.Equal(HttpStatusCode.Created, role.StatusCode);
        var partner = await harness.NewUserAsync("acme", "partner");

        var query = await partner.PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT id, region, amount FROM mart_sales.orders ORDER BY id","format":"csv"}"""));
        var preview = await partner.GetAsync("/api/v1/datasets/mart_sales/tables/orders/preview");
        var leak = await partner.PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT count(*) FROM mart_sales.leak"}"""));

        Assert.Equal("id,region,amount\r\n1,***,100\r\n2,***,250\r\n", await query.Content.ReadAsStringAsync());
        var rows = JsonDocument.Parse(await preview.Content.ReadAsStringAsync()).RootElement.GetProperty("rows");
        Assert.Equal(2, rows.GetArrayLength());
        Assert.All(rows.EnumerateArray(), r => Assert.Equal("***", r[1].GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, leak.StatusCode);

        // A failing condition may run on rows the filter drops; its message would quote them.
        var failing = await partner.PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT * FROM mart_sales.orders WHERE CAST(amount::VARCHAR || 'x' AS INTEGER) = 1"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, failing.StatusCode);
        var detail = (await ServerHarness.ProblemAsync(failing)).GetProperty("detail").GetString();
        Assert.Contains("details are not shown", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("50x", detail, StringComparison.Ordinal);
    }
}
