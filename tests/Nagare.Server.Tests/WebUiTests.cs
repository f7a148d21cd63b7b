using System.IO.Compression;
using System.Net;
using System.Text;

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
        await WriteCompressedAsync(Path.Combine(web, "assets", "page-def456.js"), Bundle);
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
    [InlineData("br, gzip", "br")]
    [InlineData("gzip, deflate", "gzip")]
    [InlineData("br;q=0, gzip", "gzip")]
    [InlineData("identity", null)]
    [InlineData(null, null)]
    public async Task CompressedCopies_AreSentToBrowsersThatAcceptThem(string? accept, string? expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/assets/page-def456.js");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", accept);
        }

        using var response = await harness.Anonymous().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentEncoding.SingleOrDefault());
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        await using var body = await response.Content.ReadAsStreamAsync();
        await using Stream decoded = expected switch
        {
            "br" => new BrotliStream(body, CompressionMode.Decompress),
            "gzip" => new GZipStream(body, CompressionMode.Decompress),
            _ => body,
        };
        using var reader = new StreamReader(decoded, Encoding.UTF8);
        Assert.Equal(Bundle, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task AFileWithoutCompressedCopies_IsSentAsItIs_EvenToBrowsersAcceptingCompression()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/assets/index-abc123.js");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");

        using var response = await harness.Anonymous().SendAsync(request);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("console.log('nagare');", await response.Content.ReadAsStringAsync());
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

    private static string Bundle => string.Concat(Enumerable.Range(0, 200).Select(i => $"export const value{i} = {i};\n"));

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> with the .br and .gz copies the UI build writes beside it.</summary>
    private static async Task WriteCompressedAsync(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await File.WriteAllBytesAsync(path, bytes);
        foreach (var (suffix, open) in new (string, Func<Stream, Stream>)[]
        {
            (".br", s => new BrotliStream(s, CompressionLevel.Optimal)),
            (".gz", s => new GZipStream(s, CompressionLevel.Optimal)),
        })
        {
            await using var file = File.Create(path + suffix);
            await using var compressor = open(file);
            await compressor.WriteAsync(bytes);
        }
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
