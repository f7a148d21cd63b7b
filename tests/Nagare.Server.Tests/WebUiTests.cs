using System.Net;

namespace Nagare.Server.Tests;

/// <summary>The built web UI at /: its files as they are, index.html for page addresses, nothing outside its folder.</summary>
public sealed class WebUiTests : IAsyncLifetime
{
    private readonly string web = Path.Combine(Path.GetTempPath(), "nagare-web-" + Guid.NewGuid().ToString("N")[..10]);
    private ServerHarness harness = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(web, "assets"));
        await File.WriteAllTextAsync(Path.Combine(web, "index.html"), "<!doctype html><title>Nagare</title><div id=root></div>");
        await File.WriteAllTextAsync(Path.Combine(web, "assets", "index-abc123.js"), "console.log('nagare');");
        await File.WriteAllTextAsync(Path.Combine(web, ".hidden"), "secret");
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(web)!, Path.GetFileName(web) + "-outside.txt"), "outside");
        harness = await ServerHarness.StartAsync(configure: o => o with { WebRoot = web });
    }

    public async Task DisposeAsync()
    {
        await harness.DisposeAsync();
        Directory.Delete(web, recursive: true);
        File.Delete(Path.Combine(Path.GetDirectoryName(web)!, Path.GetFileName(web) + "-outside.txt"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/runs/42")]
    [InlineData("/connections/app%20db")]
    public async Task PageAddresses_AnswerIndexHtml_WithASecurityPolicyAndNoCache(string path)
    {
        using var response = await harness.Anonymous().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<div id=root>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.StartsWith("default-src 'self'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task Assets_AreServedWithTheirTypeAndCachedForever()
    {
        using var response = await harness.Anonymous().GetAsync("/assets/index-abc123.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("console.log('nagare');", await response.Content.ReadAsStringAsync());
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
    }

    [Theory]
    [InlineData("/assets/missing.js")]
    [InlineData("/missing.png")]
    [InlineData("/.hidden")]
    [InlineData("/assets/..%2F.hidden")]
    public async Task MissingOrHiddenFiles_Are404_NotThePage(string path)
    {
        using var response = await harness.Anonymous().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("secret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathsOutsideTheFolder_AnswerThePage_NeverTheFile()
    {
        var outside = Path.GetFileName(web) + "-outside";
        using var response = await harness.Anonymous().GetAsync($"/..%2F{outside}");

        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("outside", body.Replace(outside, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheApi_IsNotShadowedByTheUi()
    {
        using var unknown = await harness.Anonymous().GetAsync("/api/v1/nope");
        using var health = await harness.Anonymous().GetAsync("/api/v1/health");
        using var post = await harness.Anonymous().PostAsync("/runs", ServerHarness.Json("{}"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
    }
}

/// <summary>Without a built UI, / says how to build it and the API still answers.</summary>
public sealed class WebUiNotBuiltTests : IAsyncLifetime
{
    private ServerHarness harness = null!;

    public async Task InitializeAsync() => harness = await ServerHarness.StartAsync(configure: o => o with { WebRoot = null });

    public Task DisposeAsync() => harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Root_SaysHowToBuildTheUi()
    {
        using var response = await harness.Anonymous().GetAsync("/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("scripts/bootstrap --web", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
