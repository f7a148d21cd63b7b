using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Nagare.Server.Tests;

/// <summary>A person's way in: an admin makes the user, the user signs in, makes a token, changes their password.</summary>
public sealed class SessionApiTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task NewUser_SignsIn_MakesAToken_TheTokenActsAsThem()
    {
        var created = await harness.As("admin").PostAsync("/api/v1/users", ServerHarness.Json("""{"name":"hanako","role":"analyst","password":"hanako's long password"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var (client, cookies, csrf) = await SignInAsync("hanako", "hanako's long password");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens") { Content = ServerHarness.Json("""{"name":"ci","scopes":["query"],"expires_in_days":30}""") };
        request.Headers.Add("Cookie", cookies);
        request.Headers.Add("X-CSRF-Token", csrf);
        var token = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, token.StatusCode);
        var body = await token.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["query"], body.GetProperty("token").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var me = JsonDocument.Parse(await harness.Client(body.GetProperty("secret").GetString()).GetStringAsync("/api/v1/session")).RootElement;
        Assert.Equal("hanako (token ci)", me.GetProperty("name").GetString());
        Assert.Equal("analyst", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task ChangePassword_OldOneStopsWorking_NewOneWorks()
    {
        var (client, cookies, csrf) = await SignInAsync("analyst-user", ServerHarness.UserPassword);
        var change = new HttpRequestMessage(HttpMethod.Put, "/api/v1/session/password") { Content = ServerHarness.Json($$"""{"current_password":"{{ServerHarness.UserPassword}}","new_password":"a brand new passphrase"}""") };
        change.Headers.Add("Cookie", cookies);
        change.Headers.Add("X-CSRF-Token", csrf);

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(change)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await harness.Anonymous().PostAsync("/api/v1/session", ServerHarness.Json($$"""{"name":"analyst-user","password":"{{ServerHarness.UserPassword}}"}"""))).StatusCode);
        await SignInAsync("analyst-user", "a brand new passphrase");
    }

    [Fact]
    public async Task DisabledUser_CannotSignIn_AndItsTokenStops()
    {
        var admin = harness.As("admin");
        var users = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/users")).RootElement.GetProperty("items");
        var viewer = users.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "viewer-user");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{viewer.GetProperty("id").GetInt64()}") { Content = ServerHarness.Json("""{"disabled":true}""") };
        patch.Headers.IfMatch.ParseAdd($"\"{viewer.GetProperty("version").GetInt64()}\"");

        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(patch)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await harness.Anonymous().PostAsync("/api/v1/session", ServerHarness.Json($$"""{"name":"viewer-user","password":"{{ServerHarness.UserPassword}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await harness.As("viewer").GetAsync("/api/v1/runs")).StatusCode);
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_EvenTheRightOneWaits()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await harness.Anonymous().PostAsync("/api/v1/session", ServerHarness.Json("""{"name":"editor-user","password":"guess guess guess"}"""))).StatusCode);
        }

        var right = await harness.Anonymous().PostAsync("/api/v1/session", ServerHarness.Json($$"""{"name":"editor-user","password":"{{ServerHarness.UserPassword}}"}"""));
        var other = await harness.Anonymous().PostAsync("/api/v1/session", ServerHarness.Json($$"""{"name":"analyst-user","password":"{{ServerHarness.UserPassword}}"}"""));

        Assert.Equal((HttpStatusCode)429, right.StatusCode);
        Assert.True(right.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    private async Task<(HttpClient Client, string Cookies, string Csrf)> SignInAsync(string name, string password)
    {
        var client = harness.Anonymous();
        var signIn = await client.PostAsync("/api/v1/session", ServerHarness.Json(JsonSerializer.Serialize(new { name, password })));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var cookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith("nagare_session=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        var csrf = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("csrf_token").GetString()!;
        return (client, string.Join("; ", cookies.Select(c => c.Split(';')[0])), csrf);
    }
}
