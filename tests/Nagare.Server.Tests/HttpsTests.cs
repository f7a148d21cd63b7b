using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nagare.Server.Tests;

/// <summary>With a certificate the server speaks HTTPS only, and its session cookies are Secure.</summary>
public sealed class HttpsTests : IAsyncLifetime
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "nagare-tls-" + Guid.NewGuid().ToString("N")[..10]);
    private ServerHarness harness = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddDays(1));
        var pfx = Path.Combine(folder, "server.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx password"));
        harness = await ServerHarness.StartAsync(configure: o => o with { Certificate = pfx, CertificateKey = "pfx password" }, trustedThumbprint: certificate.Thumbprint);
    }

    public async Task DisposeAsync()
    {
        await harness.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Https_AnswersAndSetsSecureCookies_PlainHttpRefused()
    {
        Assert.Equal("https", harness.Server.Address.Scheme);

        var signIn = await harness.Anonymous().PostAsync("/api/v1/session", ServerHarness.Json($$"""{"name":"admin","password":"{{harness.AdminPassword}}"}"""));

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.All(signIn.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        using var plain = new HttpClient { BaseAddress = new UriBuilder(harness.Server.Address) { Scheme = "http" }.Uri };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetStringAsync("/api/v1/health"));
    }
}
