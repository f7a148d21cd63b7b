using System.Security.Cryptography;
using Nagare.Connectors.ObjectStorage;
using Nagare.Core.Connectors;
using Nagare.Testing;

namespace Nagare.Connectors.Tests.ObjectStorage;

/// <summary>Uploads, retries and errors of <see cref="S3ObjectStore"/> against a real s3rver.</summary>
[Trait("Category", "Integration")]
public sealed class S3ObjectStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nagare-s3-store-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [S3Fact]
    public async Task UploadFileAsync_FileLargerThanAPart_GoesUpInPartsAndArrivesIntact()
    {
        await using var server = await S3rverServer.StartAsync("data");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        var file = RandomFile("big.bin", (12 << 20) + 12345);
        using var store = new S3ObjectStore(server.Options("data", "in/x") with { Endpoint = proxy.Endpoint, ParallelUploads = 2, PartSize = 5 << 20 }, TimeProvider.System);

        var parts = await store.UploadFileAsync("in/x/big.bin", file, new Dictionary<string, string> { ["sha256"] = "abc" }, CancellationToken.None);

        Assert.Equal(3, parts);
        var downloaded = await server.DownloadAsync("data", "in/x/big.bin");
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(file)), SHA256.HashData(downloaded));
        var uploads = proxy.Requests.Where(r => r.Method == "PUT" && r.Url.Contains("partNumber=", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, uploads.Count);
        Assert.All(uploads, u => Assert.True(u.BodyBytes <= 5 << 20, $"{u.BodyBytes} bytes in one part"));
        Assert.Equal((12 << 20) + 12345, uploads.Sum(u => u.BodyBytes));
        using var client = server.CreateClient();
        var head = await client.GetObjectMetadataAsync("data", "in/x/big.bin");
        Assert.Equal("abc", head.Metadata["sha256"]);
    }

    [S3Fact]
    public async Task UploadFileAsync_SmallFile_GoesUpInOneRequest()
    {
        await using var server = await S3rverServer.StartAsync("data");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        var file = RandomFile("small.bin", 1000);
        using var store = new S3ObjectStore(server.Options("data") with { Endpoint = proxy.Endpoint }, TimeProvider.System);

        Assert.Equal(1, await store.UploadFileAsync("small.bin", file, null, CancellationToken.None));

        Assert.Equal(File.ReadAllBytes(file), await server.DownloadAsync("data", "small.bin"));
        var put = Assert.Single(proxy.Requests);
        Assert.Equal(("PUT", 1000L), (put.Method, put.BodyBytes));
    }

    [S3Fact]
    public async Task UploadFileAsync_APartFailsOnce_IsSentAgainAndTheFileArrivesIntact()
    {
        await using var server = await S3rverServer.StartAsync("data");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        proxy.FailOnce((method, url) => method == "PUT" && url.Contains("partNumber=2", StringComparison.Ordinal));
        var file = RandomFile("big.bin", 11 << 20);
        using var store = new S3ObjectStore(server.Options("data") with { Endpoint = proxy.Endpoint, PartSize = 5 << 20 }, TimeProvider.System);

        await store.UploadFileAsync("big.bin", file, null, CancellationToken.None);

        Assert.Equal(SHA256.HashData(File.ReadAllBytes(file)), SHA256.HashData(await server.DownloadAsync("data", "big.bin")));
        var second = proxy.Requests.Where(r => r.Url.Contains("partNumber=2", StringComparison.Ordinal)).Select(r => r.Status).ToList();
        Assert.Equal([500, 200], second);
    }

    [S3Fact]
    public async Task UploadFileAsync_MissingBucket_FailsNamingTheBucketWithAHint()
    {
        await using var server = await S3rverServer.StartAsync("data");
        var file = RandomFile("small.bin", 10);
        using var store = new S3ObjectStore(server.Options("nope"), TimeProvider.System);

        var e = await Assert.ThrowsAsync<ConnectorException>(() => store.UploadFileAsync("small.bin", file, null, CancellationToken.None));

        Assert.Contains("s3://nope/: upload of small.bin failed: NoSuchBucket", e.Message, StringComparison.Ordinal);
        Assert.Contains("Create the bucket 'nope'", e.Hint, StringComparison.Ordinal);
        Assert.False(e.IsTransient);
    }

    [S3Fact]
    public async Task UploadFileAsync_UnknownAccessKey_FailsWithoutShowingTheCredentials()
    {
        await using var server = await S3rverServer.StartAsync("data");
        var file = RandomFile("small.bin", 10);
        const string keyId = "AKIAUNKNOWN7F3A9C", secret = "wrong-secret-7f3a9c";
        var options = server.Options("data") with { AccessKeyId = keyId, SecretAccessKey = secret, SessionToken = "token-5e1d" };
        using var store = new S3ObjectStore(options, TimeProvider.System);

        var e = await Assert.ThrowsAsync<ConnectorException>(() => store.UploadFileAsync("small.bin", file, null, CancellationToken.None));

        Assert.Contains("InvalidAccessKeyId", e.Message, StringComparison.Ordinal);
        Assert.Contains("secret_access_key", e.Hint, StringComparison.Ordinal);
        foreach (var text in new[] { e.ToString(), e.Hint!, options.ToString() })
        {
            Assert.DoesNotContain(keyId, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("token-5e1d", text, StringComparison.Ordinal);
        }
    }

    [S3Fact]
    public async Task UploadFileAsync_ServerGone_FailsAsTransientAfterItsRetries()
    {
        await using var server = await S3rverServer.StartAsync("data");
        await using var proxy = new S3FaultProxy(server.Endpoint) { FailFrom = 0 };
        var file = RandomFile("small.bin", 10);
        using var store = new S3ObjectStore(server.Options("data") with { Endpoint = proxy.Endpoint, Retries = 2 }, TimeProvider.System);

        var e = await Assert.ThrowsAsync<ConnectorException>(() => store.UploadFileAsync("small.bin", file, null, CancellationToken.None));

        Assert.True(e.IsTransient);
        Assert.Contains("after 3 attempts", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, proxy.Requests.Count);
    }

    [S3Fact]
    public async Task UploadFileAsync_NothingListening_FailsAsTransientNamingTheEndpoint()
    {
        await using var server = await S3rverServer.StartAsync("data");
        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var closed = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)port.LocalEndpoint).Port}/");
        port.Stop();
        var file = RandomFile("small.bin", 10);
        using var store = new S3ObjectStore(server.Options("data") with { Endpoint = closed, Retries = 1 }, TimeProvider.System);

        var e = await Assert.ThrowsAsync<ConnectorException>(() => store.UploadFileAsync("small.bin", file, null, CancellationToken.None));

        Assert.True(e.IsTransient);
        Assert.Contains("after 2 attempts", e.Message, StringComparison.Ordinal);
        Assert.Contains($"the server at {closed} is running", e.Hint, StringComparison.Ordinal);
    }

    [S3Fact]
    public async Task ListAsync_MoreThanOnePage_ListsEveryObject()
    {
        await using var server = await S3rverServer.StartAsync("data");
        using var store = new S3ObjectStore(server.Options("data", "many") with { ParallelUploads = 8 }, TimeProvider.System);
        await Parallel.ForAsync(0, 1005, async (i, ct) => await store.PutAsync($"many/{i:D4}.txt", "x"u8.ToArray(), "text/plain", ct));

        var listed = new List<StoredObject>();
        await foreach (var item in store.ListAsync("many/", CancellationToken.None))
        {
            listed.Add(item);
        }

        Assert.Equal(1005, listed.Count);
        Assert.Equal("many/0000.txt", listed[0].Key);
        Assert.All(listed, o => Assert.Equal(1, o.Size));
    }

    [Fact]
    public void KeyOf_PathLeavingThePrefix_IsRefused()
    {
        var options = new ObjectStorageOptions { Bucket = "b", Prefix = "p" };

        Assert.Equal("p/a/b.csv", options.KeyOf("a/b.csv"));
        Assert.Throws<ConnectorException>(() => options.KeyOf("../x.csv"));
        Assert.Throws<ConnectorException>(() => options.KeyOf("/x.csv"));
    }

    [Fact]
    public void Parse_S3Address_GivesBucketAndPrefix()
    {
        var options = ObjectStorageOptions.Parse("s3://bucket/some/prefix/");

        Assert.Equal(("bucket", "some/prefix", "s3://bucket/some/prefix/"), (options.Bucket, options.Prefix, options.Display));
        Assert.Throws<FormatException>(() => ObjectStorageOptions.Parse("s3:///x"));
    }

    private string RandomFile(string name, int size)
    {
        var path = Path.Combine(_folder, name);
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
