using System.Net;
using System.Text.Json;
using Nagare.Testing;
using Npgsql;

namespace Nagare.Server.Tests;

/// <summary>
/// <c>GET /connections/{name}/streams/{stream}/sample</c> against a real PostgreSQL (<c>NAGARE_TEST_PG</c>, started by
/// scripts/test): the first rows of one table, for editors only, with errors that never carry the connection's secret.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ConnectionSampleApiTests : IAsyncLifetime
{
    private const string Password = "pg-sample-Pa55word-never-shown-41c9";

    private readonly string schema = "srv_sample_" + Guid.NewGuid().ToString("N")[..10];
    private NpgsqlDataSource database = null!;
    private ServerHarness harness = null!;

    public async Task InitializeAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("NAGARE_TEST_PG") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("These tests need a PostgreSQL server: set NAGARE_TEST_PG (an Npgsql connection string) or run scripts/test, which starts one.");
        database = NpgsqlDataSource.Create(connectionString);
        await PostgresCommands.ExecuteAsync(database, $"""
            CREATE SCHEMA {schema};
            CREATE TABLE {schema}.users (id int PRIMARY KEY, email text NOT NULL, score numeric(6,2), joined timestamptz);
            INSERT INTO {schema}.users
            SELECT g, 'user' || g || '@example.com', g + 0.5, timestamptz '2024-05-01 09:00:00+00' + g * interval '1 day' FROM generate_series(1, 300) g;
            CREATE TABLE {schema}."odd/name" (id int);
            INSERT INTO {schema}."odd/name" VALUES (42);
            """);
        harness = await ServerHarness.StartAsync();
        harness.Secrets.Add(Password);
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var body = JsonSerializer.Serialize(new
        {
            type = "postgres",
            settings = new { host = settings.Host, port = settings.Port, database = settings.Database, user = settings.Username, schemas = new[] { schema } },
            secrets = new { password = Password },
        });
        var created = await harness.As("editor").PutAsync("/api/v1/connections/app_pg", ServerHarness.Json(body));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public async Task DisposeAsync()
    {
        await harness.DisposeAsync();
        await PostgresCommands.ExecuteAsync(database, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        await database.DisposeAsync();
    }

    [Fact]
    public async Task Sample_Table_ReturnsItsColumnsAndFirstRowsAndIsAudited()
    {
        var response = await harness.As("editor").GetAsync(SamplePath("app_pg", $"{schema}.users"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sample = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal($"{schema}.users", sample.GetProperty("stream").GetString());
        Assert.Equal(
            [("id", "int32"), ("email", "string"), ("score", "decimal(6,2)"), ("joined", "timestamptz")],
            sample.GetProperty("columns").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("type").GetString())));
        var rows = sample.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(20, rows.Count);
        foreach (var row in rows)
        {
            var id = row[0].GetInt32();
            Assert.Equal($"user{id}@example.com", row[1].GetString());
            Assert.Equal(id + 0.5m, row[2].GetDecimal());
            Assert.Equal(new DateTimeOffset(2024, 5, 1, 9, 0, 0, TimeSpan.Zero).AddDays(id), row[3].GetDateTimeOffset());
        }

        await harness.Server.Context.Audit.FlushAsync(CancellationToken.None);
        var audit = JsonDocument.Parse(await harness.As("admin").GetStringAsync("/api/v1/audit?action=connection.sample")).RootElement.GetProperty("items");
        var entry = Assert.Single(audit.EnumerateArray());
        Assert.Equal(($"app_pg {schema}.users", "allowed", "20 row(s)"), (entry.GetProperty("target").GetString(), entry.GetProperty("outcome").GetString(), entry.GetProperty("detail").GetString()));
        Assert.DoesNotContain("@example.com", entry.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_Limit_HonouredWithinOneToTwoHundred()
    {
        var editor = harness.As("editor");

        Assert.Equal(7, await RowCountAsync(editor, "limit=7"));
        Assert.Equal(200, await RowCountAsync(editor, "limit=200"));
        foreach (var bad in new[] { "limit=0", "limit=201", "limit=ten" })
        {
            var refused = await editor.GetAsync(SamplePath("app_pg", $"{schema}.users") + "?" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("limit", (await ServerHarness.ProblemAsync(refused)).GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Sample_StreamIdWithASlash_UrlEncodedInThePath()
    {
        var sample = JsonDocument.Parse(await harness.As("editor").GetStringAsync(SamplePath("app_pg", $"{schema}.odd/name"))).RootElement;

        Assert.Equal($"{schema}.odd/name", sample.GetProperty("stream").GetString());
        Assert.Equal(42, Assert.Single(sample.GetProperty("rows").EnumerateArray())[0].GetInt32());
    }

    [Fact]
    public async Task Sample_UnknownStreamOrConnection_404NamingIt()
    {
        var editor = harness.As("editor");

        var stream = await editor.GetAsync(SamplePath("app_pg", $"{schema}.nobody"));
        Assert.Equal(HttpStatusCode.NotFound, stream.StatusCode);
        Assert.Contains($"{schema}.nobody", (await ServerHarness.ProblemAsync(stream)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var connection = await editor.GetAsync(SamplePath("no_such_db", $"{schema}.users"));
        Assert.Equal(HttpStatusCode.NotFound, connection.StatusCode);
        Assert.Contains("no_such_db", (await ServerHarness.ProblemAsync(connection)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_BelowEditor_Refused403()
    {
        foreach (var role in new[] { "viewer", "analyst" })
        {
            var response = await harness.As(role).GetAsync(SamplePath("app_pg", $"{schema}.users"));

            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.DoesNotContain("@example.com", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sample_SourceFails_502WithoutTheSecret()
    {
        // The driver names the database it could not open; here the database's name is the secret itself.
        var settings = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("NAGARE_TEST_PG"));
        var body = JsonSerializer.Serialize(new
        {
            type = "postgres",
            settings = new { host = settings.Host, port = settings.Port, database = Password, user = settings.Username },
            secrets = new { password = Password },
        });
        var editor = harness.As("editor");
        Assert.Equal(HttpStatusCode.Created, (await editor.PutAsync("/api/v1/connections/leaky", ServerHarness.Json(body))).StatusCode);

        var response = await editor.GetAsync(SamplePath("leaky", "public.users"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var detail = (await ServerHarness.ProblemAsync(response)).GetProperty("detail").GetString()!;
        Assert.Contains("***", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, detail, StringComparison.Ordinal);
        await harness.Server.Context.Audit.FlushAsync(CancellationToken.None);
        var audit = await harness.As("admin").GetStringAsync("/api/v1/audit?action=connection.sample");
        Assert.Contains("leaky public.users", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Log, l => l.Contains(Password, StringComparison.Ordinal));
    }

    private static string SamplePath(string connection, string stream) =>
        $"/api/v1/connections/{connection}/streams/{Uri.EscapeDataString(stream)}/sample";

    private async Task<int> RowCountAsync(HttpClient client, string query)
    {
        var sample = JsonDocument.Parse(await client.GetStringAsync(SamplePath("app_pg", $"{schema}.users") + "?" + query)).RootElement;
        return sample.GetProperty("rows").GetArrayLength();
    }
}
