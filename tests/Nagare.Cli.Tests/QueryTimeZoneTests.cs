namespace Nagare.Cli.Tests;

/// <summary><c>nagare query</c> shows TIMESTAMPTZ values in the session's time zone.</summary>
public sealed class QueryTimeZoneTests : IDisposable
{
    private const string Instant = "SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' AS t";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nagare-cli-tz-" + Guid.NewGuid().ToString("N")[..12]);

    public QueryTimeZoneTests() => Directory.CreateDirectory(_dir);

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

    [Theory]
    [InlineData("csv", "t\n2024-01-01T09:00:00+09:00\n")]
    [InlineData("json", "[\n{\"t\":\"2024-01-01T09:00:00+09:00\"}\n]\n")]
    public async Task Query_SetTimeZoneInSql_ShowsLocalTimeWithOffset(string format, string expected)
    {
        var run = await CliRun.RunAsync("query", "SET TimeZone = 'Asia/Tokyo'; " + Instant, "--db", ":memory:", "--format", format);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(expected, run.Out);
    }

    [Fact]
    public async Task Query_SetTimeZoneInSql_TableShowsLocalTime()
    {
        var run = await CliRun.RunAsync("query", "SET TimeZone = 'Asia/Tokyo'; " + Instant, "--db", ":memory:");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("2024-01-01T09:00:00+09:00", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ProjectTimeZoneAndOverride_OptionWins()
    {
        File.WriteAllText(Path.Combine(_dir, "nagare.yml"), "name: shop\ntimezone: Asia/Tokyo\n");

        var project = await CliRun.RunAsync("query", Instant + ", TIMESTAMP '2024-01-01 09:00:00'::TIMESTAMPTZ AS naive", "--project", _dir, "--db", ":memory:", "--format", "csv");
        var option = await CliRun.RunAsync("query", Instant, "--project", _dir, "--db", ":memory:", "--format", "csv", "--timezone", "America/New_York");

        Assert.Equal("t,naive\n2024-01-01T09:00:00+09:00,2024-01-01T09:00:00+09:00\n", project.Out);
        Assert.Equal("t\n2023-12-31T19:00:00-05:00\n", option.Out);
    }

    [Fact]
    public async Task Query_ProjectTimeZoneUnknown_FailsNamingFileAndLine()
    {
        File.WriteAllText(Path.Combine(_dir, "nagare.yml"), "name: shop\ntimezone: Asia/Tokio\n");

        var run = await CliRun.RunAsync("query", Instant, "--project", _dir, "--db", ":memory:");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("nagare.yml:2:11: timezone: 'Asia/Tokio' is not an IANA time zone such as Asia/Tokyo", run.Error, StringComparison.Ordinal);
    }
}
