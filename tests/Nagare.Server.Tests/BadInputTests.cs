using System.Net;
using System.Text.Json;

namespace Nagare.Server.Tests;

/// <summary>Bad requests get a problem answer naming the field at fault, and change nothing.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Theory]
    [InlineData("""{"name":"r1","level":"viewer","grants":[""", "$.grants[0]")]
    [InlineData("""{"name":"r1","level":"viewer","grants":[{"pattern":"x","privilege":"sometimes"}]}""", "$.grants[0].privilege")]
    [InlineData("""{"name":"r1","level":7,"grants":[]}""", "$.level")]
    [InlineData("""{"name":"r1","level":"viewer","grants":[],"colour":"red"}""", "$.colour")]
    [InlineData("""{"level":"viewer","grants":[]}""", "$.name")]
    [InlineData("""{"name":"r1; DROP TABLE users","level":"viewer","grants":[]}""", "$.name")]
    [InlineData("""{"name":"r1","level":"viewer","grants":[{"pattern":"mart'--","privilege":"read"}]}""", "$.grants[0].pattern")]
    public async Task CreateRole_BadBody_ProblemNamingTheField_NothingCreated(string body, string field)
    {
        var response = await harness.As("admin").PostAsync("/api/v1/roles", ServerHarness.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ServerHarness.ProblemAsync(response);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var roles = JsonDocument.Parse(await harness.As("admin").GetStringAsync("/api/v1/roles")).RootElement.GetProperty("items");
        Assert.Equal(["admin", "analyst", "editor", "viewer"], roles.EnumerateArray().Select(r => r.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Body_NotJson_415()
    {
        var response = await harness.As("admin").PostAsync("/api/v1/roles", new StringContent("name=x"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("Content-Type", (await ServerHarness.ProblemAsync(response)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Body_Huge_413_AndTheServerStillAnswers()
    {
        var huge = "{\"sql\":\"" + new string('x', 3 << 20) + "\"}";

        var response = await harness.As("analyst").PostAsync("/api/v1/query", ServerHarness.Json(huge));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await harness.As("analyst").GetAsync("/api/v1/runs")).StatusCode);
    }

    [Fact]
    public async Task UpdateRole_WithoutIfMatch_428_StaleVersion_412_NothingChanged()
    {
        var admin = harness.As("admin");
        var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/roles/viewer") { Content = ServerHarness.Json("""{"level":"viewer","grants":[{"pattern":"*","privilege":"read"}]}""") };
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await admin.SendAsync(put)).StatusCode);

        var current = await admin.GetAsync("/api/v1/roles/viewer");
        var etag = current.Headers.ETag!;
        var first = new HttpRequestMessage(HttpMethod.Put, "/api/v1/roles/viewer") { Content = ServerHarness.Json("""{"level":"viewer","grants":[{"pattern":"mart_*","privilege":"read"}],"description":"first"}""") };
        first.Headers.IfMatch.Add(etag);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(first)).StatusCode);
        var second = new HttpRequestMessage(HttpMethod.Put, "/api/v1/roles/viewer") { Content = ServerHarness.Json("""{"level":"viewer","grants":[{"pattern":"*","privilege":"read"}],"description":"second"}""") };
        second.Headers.IfMatch.Add(etag);
        var stale = await admin.SendAsync(second);

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var role = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/roles/viewer")).RootElement;
        Assert.Equal("first", role.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Limit_NotANumber_ProblemNamingTheParameter()
    {
        var response = await harness.As("viewer").GetAsync("/api/v1/runs?limit=lots");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("limit", (await ServerHarness.ProblemAsync(response)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task UnknownRoute_404Problem()
    {
        var response = await harness.As("viewer").GetAsync("/api/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("openapi.json", (await ServerHarness.ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongPassword_401_Audited()
    {
        var response = await harness.Anonymous().PostAsync("/api/v1/session", ServerHarness.Json("""{"name":"admin","password":"not it at all"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var audit = JsonDocument.Parse(await harness.As("admin").GetStringAsync("/api/v1/audit?action=sign-in")).RootElement.GetProperty("items");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("actor").GetString() == "admin" && e.GetProperty("outcome").GetString() == "denied");
    }
}
