using System.Net;
using System.Text.Json;

namespace Nagare.Server.Tests;

/// <summary>Passwords, their hashes and token secrets appear in no answer and no log line (but the one each is made in).</summary>
public sealed class SecretsTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync();

    public async Task DisposeAsync() => await harness.DisposeAsync();

    [Fact]
    public async Task EveryAnswerAndLogLine_HoldsNoSecret()
    {
        var admin = harness.As("admin");
        foreach (var path in new[] { "/api/v1/users", "/api/v1/users/1", "/api/v1/tokens", "/api/v1/roles", "/api/v1/audit?limit=1000", "/api/v1/session", "/metrics", "/api/v1/openapi.json", "/api/v1/health" })
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(path)).StatusCode);
        }

        await harness.Anonymous().PostAsync("/api/v1/session", ServerHarness.Json($$"""{"name":"admin","password":"{{harness.AdminPassword}}x"}"""));
        await admin.PostAsync("/api/v1/query", ServerHarness.Json("""{"sql":"SELECT * FROM no_such_table"}"""));
        var patch = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/users/2") { Content = ServerHarness.Json("""{"password":"short"}""") };
        patch.Headers.IfMatch.ParseAdd("\"1\"");
        await admin.SendAsync(patch);

        var texts = harness.Answers.Concat(harness.Log.Where(l => !l.Contains("created the user 'admin'", StringComparison.Ordinal))).ToList();
        Assert.NotEmpty(texts);
        foreach (var secret in harness.Secrets)
        {
            Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(texts, t => t.Contains("pbkdf2", StringComparison.OrdinalIgnoreCase) || t.Contains("password_hash", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenList_ShowsPrefixNeverTheSecret()
    {
        var tokens = JsonDocument.Parse(await harness.As("analyst").GetStringAsync("/api/v1/tokens")).RootElement.GetProperty("items");

        var only = Assert.Single(tokens.EnumerateArray());
        Assert.StartsWith(only.GetProperty("prefix").GetString()!, harness.Tokens["analyst"], StringComparison.Ordinal);
        Assert.NotEqual(harness.Tokens["analyst"], only.GetProperty("prefix").GetString());
    }

    [Fact]
    public async Task ServerFile_OwnerOnly_AndRemovedOnStop()
    {
        var path = ServerFile.PathIn(harness.Root);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        await harness.Server.DisposeAsync();
        Assert.False(File.Exists(path));
    }
}
