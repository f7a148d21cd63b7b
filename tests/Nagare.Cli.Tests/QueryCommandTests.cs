namespace Nagare.Cli.Tests;

public sealed class QueryCommandTests
{
    [Fact]
    public async Task Version_Flag_PrintsVersion()
    {
        var run = await CliRun.RunAsync("--version");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("0.1.0\nDuckDB v1.5.", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_CsvFormat_PrintsHeaderAndQuotedRows()
    {
        var run = await CliRun.RunAsync("query", "SELECT 1 AS a, 'x,y' AS b, NULL AS c UNION ALL SELECT 2, 'say \"hi\"', 3.5 ORDER BY a", "--db", ":memory:", "--format", "csv");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("a,b,c\n1,\"x,y\",\n2,\"say \"\"hi\"\"\",3.5\n", run.Out);
    }

    [Fact]
    public async Task Query_JsonFormat_KeepsTypesAndNesting()
    {
        var run = await CliRun.RunAsync("query", "SELECT 42::BIGINT AS n, 'ä' AS s, [1, 2] AS l, {'k': true} AS st, NULL AS z", "--db", ":memory:", "--format", "json");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("[\n{\"n\":42,\"s\":\"ä\",\"l\":[1,2],\"st\":{\"k\":true},\"z\":null}\n]\n", run.Out);
    }

    [Fact]
    public async Task Query_TableFormat_ShowsValuesAndRowCount()
    {
        var run = await CliRun.RunAsync("query", "SELECT 'tokyo' AS city, 1400 AS n", "--db", ":memory:");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("city", run.Out, StringComparison.Ordinal);
        Assert.Contains("tokyo", run.Out, StringComparison.Ordinal);
        Assert.Contains("1400", run.Out, StringComparison.Ordinal);
        Assert.Contains("1 row", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_InvalidSql_ExitsOneWithDuckDbMessageAndNoStackTrace()
    {
        var run = await CliRun.RunAsync("query", "SELEC 1", "--db", ":memory:");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("syntax error", run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_MissingTable_ExitsOneNamingTheTable()
    {
        var run = await CliRun.RunAsync("query", "SELECT * FROM no_such_table", "--db", ":memory:");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no_such_table", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_MissingDatabaseFile_ExitsOneWithHint()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nagare-missing-{Guid.NewGuid():N}.duckdb");

        var run = await CliRun.RunAsync("query", "SELECT 1", "--db", path);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"No database at '{path}'", run.Error, StringComparison.Ordinal);
        Assert.Contains("hint:", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Query_ProjectWithWarehouseInNagareYml_QueriesThatWarehouse()
    {
        var dir = Directory.CreateTempSubdirectory("nagare-query-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "nagare.yml"), "name: q\nwarehouse: data/wh.duckdb\n");
            Directory.CreateDirectory(Path.Combine(dir, "data"));
            using (var warehouse = new Nagare.DuckDb.DuckDbConnection($"Data Source={Path.Combine(dir, "data", "wh.duckdb")}"))
            {
                warehouse.Open();
                warehouse.ExecuteNonQuery("CREATE TABLE t AS SELECT 7 AS n");
            }

            var run = await CliRun.RunAsync("query", "SELECT n FROM t", "--project", dir, "--format", "csv");

            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Equal("n\n7\n", run.Out);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Query_UnknownFormat_ExitsOneListingChoices()
    {
        var run = await CliRun.RunAsync("query", "SELECT 1", "--format", "xml");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("xml", run.Error, StringComparison.Ordinal);
        Assert.Contains("csv", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_OnQuery_DescribesOptions()
    {
        var run = await CliRun.RunAsync("query", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--format", run.Out, StringComparison.Ordinal);
        Assert.Contains("--db", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv", "at,b,d,x\n2024-01-02T03:04:05.123456Z,\\x00ff,1.50,NaN\n")]
    [InlineData("json", "[\n{\"at\":\"2024-01-02T03:04:05.123456Z\",\"b\":\"AP8=\",\"d\":1.50,\"x\":\"NaN\"}\n]\n")]
    public async Task Query_TimestampTzBytesDecimalAndNaN_WritesCanonicalForms(string format, string expected)
    {
        var run = await CliRun.RunAsync(
            "query", "SELECT TIMESTAMPTZ '2024-01-02 03:04:05.123456+00' AS at, '\\x00\\xFF'::BLOB AS b, 1.50::DECIMAL(10,2) AS d, 'NaN'::DOUBLE AS x",
            "--db", ":memory:", "--format", format);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected, run.Out);
    }
}
