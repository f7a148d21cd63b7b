using System.Net;
using Nagare.Server.Api;

namespace Nagare.Server.Tests;

/// <summary>
/// Every endpoint the server maps × every role: refused below the endpoint's level, let through at or above it. The
/// endpoints come from the running server, so a new endpoint is in the matrix the moment it is mapped.
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task EveryEndpoint_EveryRole_AllowedExactlyFromItsLevel()
    {
        var operations = harness.Server.Operations;
        Assert.True(operations.Count >= 25, $"only {operations.Count} operations mapped");
        var problems = new List<string>();
        foreach (var operation in operations)
        {
            var anonymous = await SendAsync(harness.Anonymous(), operation);
            if (operation.Access == ApiAccess.Anonymous)
            {
                Expect(problems, operation, "anonymous", anonymous, allowed: true);
            }
            else if (anonymous != HttpStatusCode.Unauthorized)
            {
                problems.Add($"{operation.Method} {operation.Route} anonymous: {(int)anonymous}, expected 401");
            }

            for (var level = 0; level < ServerHarness.Roles.Length; level++)
            {
                var role = ServerHarness.Roles[level];
                var status = await SendAsync(harness.As(role), operation);
                var allowed = operation.Access == ApiAccess.Anonymous || level >= (int)ApiScopes.LevelOf(operation.Access)!.Value;
                Expect(problems, operation, role, status, allowed);
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task ReadScopedToken_RefusedEveryChange_AllowedEveryRead()
    {
        var admin = harness.As("admin");
        var created = await admin.PostAsync("/api/v1/tokens", ServerHarness.Json("""{"name":"reader","scopes":["read"]}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString();
        var reader = harness.Client(secret);
        var problems = new List<string>();
        foreach (var operation in harness.Server.Operations.Where(o => o.Access != ApiAccess.Anonymous))
        {
            var status = await SendAsync(reader, operation);
            Expect(problems, operation, "read-scoped admin token", status, allowed: operation.Scope == ApiScopes.Read);
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task SessionCookie_ChangeWithoutAntiForgeryHeader_Refused()
    {
        var client = harness.Anonymous();
        var signIn = await client.PostAsync("/api/v1/session", ServerHarness.Json($$"""{"name":"admin","password":"{{harness.AdminPassword}}"}"""));
        signIn.EnsureSuccessStatusCode();
        var cookies = string.Join("; ", signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/roles") { Content = ServerHarness.Json("""{"name":"forged","level":"viewer","grants":[]}""") };
        request.Headers.Add("Cookie", cookies);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("X-CSRF-Token", (await ServerHarness.ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await harness.As("admin").GetAsync("/api/v1/roles/forged")).StatusCode);
    }

    [Fact]
    public async Task RevokedToken_Refused401()
    {
        var admin = harness.As("admin");
        var created = System.Text.Json.JsonDocument.Parse(await (await admin.PostAsync("/api/v1/tokens", ServerHarness.Json("""{"name":"short"}"""))).Content.ReadAsStringAsync()).RootElement;
        var client = harness.Client(created.GetProperty("secret").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/runs")).StatusCode);

        var revoke = await admin.DeleteAsync($"/api/v1/tokens/{created.GetProperty("token").GetProperty("id").GetInt64()}");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/runs")).StatusCode);
    }

    private static void Expect(List<string> problems, ApiOperation operation, string who, HttpStatusCode status, bool allowed)
    {
        var refused = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
        if (allowed == refused || status == HttpStatusCode.InternalServerError)
        {
            problems.Add($"{operation.Method} {operation.Route} as {who}: {(int)status}, expected {(allowed ? "allowed" : "403")}");
        }
    }

    /// <summary>Calls the operation with path values that name nothing (so nothing is changed) and an empty JSON object as the body.</summary>
    private static async Task<HttpStatusCode> SendAsync(HttpClient client, ApiOperation operation)
    {
        var path = operation.Route.Replace("{id}", "999999", StringComparison.Ordinal).Replace("{name}", "no_such_thing", StringComparison.Ordinal).Replace("{table}", "no_such_table", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
        if (operation.Request is not null)
        {
            request.Content = ServerHarness.Json("{}");
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
