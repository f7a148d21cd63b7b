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

    [Fact]
    public async Task FirstAdmin_PasswordChangeRequired_UntilTheyChangeIt()
    {
        var signIn = await harness.Anonymous().PostAsync("/api/v1/session", ServerHarness.Json(JsonSerializer.Serialize(new { name = "admin", password = harness.AdminPassword })));
        Assert.True((await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password_change_required").GetBoolean());
        var (client, cookies, csrf) = await SignInAsync("admin", harness.AdminPassword);
        var before = await SessionAsync(client, cookies);
        Assert.Equal(("admin", "admin", "session", true), (before.GetProperty("name").GetString(), before.GetProperty("role").GetString(), before.GetProperty("via").GetString(), before.GetProperty("password_change_required").GetBoolean()));
        // Nothing is refused meanwhile: the UI asks, the API does not lock the admin out.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/api/v1/users", cookies, null, null)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await ChangePasswordAsync(client, cookies, csrf, harness.AdminPassword, "the admin's own passphrase")).StatusCode);

        Assert.False((await SessionAsync(client, cookies)).GetProperty("password_change_required").GetBoolean());
        var again = await harness.Anonymous().PostAsync("/api/v1/session", ServerHarness.Json("""{"name":"admin","password":"the admin's own passphrase"}"""));
        Assert.False((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password_change_required").GetBoolean());
    }

    [Fact]
    public async Task UserMadeByAnAdmin_PasswordChangeRequiredUntilTheyChangeIt_AgainAfterAnAdminResetsIt()
    {
        var admin = harness.As("admin");
        var created = await admin.PostAsync("/api/v1/users", ServerHarness.Json("""{"name":"taro","role":"viewer","password":"a password the admin knows"}"""));
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(user.GetProperty("password_change_required").GetBoolean());

        var (client, cookies, csrf) = await SignInAsync("taro", "a password the admin knows");
        Assert.True((await SessionAsync(client, cookies)).GetProperty("password_change_required").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await ChangePasswordAsync(client, cookies, csrf, "a password the admin knows", "taro's very own passphrase")).StatusCode);
        Assert.False((await SessionAsync(client, cookies)).GetProperty("password_change_required").GetBoolean());

        var id = user.GetProperty("id").GetInt64();
        var listed = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/users/{id}")).RootElement;
        Assert.False(listed.GetProperty("password_change_required").GetBoolean());
        var roleOnly = await PatchAsync(admin, id, listed.GetProperty("version").GetInt64(), """{"role":"analyst"}""");
        Assert.False(roleOnly.GetProperty("password_change_required").GetBoolean());
        var reset = await PatchAsync(admin, id, roleOnly.GetProperty("version").GetInt64(), """{"password":"a reset the admin knows"}""");
        Assert.True(reset.GetProperty("password_change_required").GetBoolean());
        var (_, newCookies, _) = await SignInAsync("taro", "a reset the admin knows");
        Assert.True((await SessionAsync(client, newCookies)).GetProperty("password_change_required").GetBoolean());
    }

    [Fact]
    public async Task UserWhoChoseTheirPassword_TokenSession_NoChangeRequired()
    {
        var me = JsonDocument.Parse(await harness.As("analyst").GetStringAsync("/api/v1/session")).RootElement;

        Assert.Equal(("analyst-user (token analyst-token)", "token", false), (me.GetProperty("name").GetString(), me.GetProperty("via").GetString(), me.GetProperty("password_change_required").GetBoolean()));
    }

    private static async Task<JsonElement> SessionAsync(HttpClient client, string cookies)
    {
        var response = await SendAsync(client, HttpMethod.Get, "/api/v1/session", cookies, null, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<HttpResponseMessage> ChangePasswordAsync(HttpClient client, string cookies, string csrf, string current, string next) =>
        SendAsync(client, HttpMethod.Put, "/api/v1/session/password", cookies, csrf, JsonSerializer.Serialize(new { current_password = current, new_password = next }));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string cookies, string? csrf, string? json)
    {
        var request = new HttpRequestMessage(method, path) { Content = json is null ? null : ServerHarness.Json(json) };
        request.Headers.Add("Cookie", cookies);
        if (csrf is not null)
        {
            request.Headers.Add("X-CSRF-Token", csrf);
        }

        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> PatchAsync(HttpClient admin, long id, long version, string json)
    {
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{id}") { Content = ServerHarness.Json(json) };
        patch.Headers.IfMatch.ParseAdd($"\"{version}\"");
        var response = await admin.SendAsync(patch);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
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
