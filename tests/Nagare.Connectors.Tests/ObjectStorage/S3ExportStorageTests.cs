using System.Security.Cryptography;
using Nagare.Connectors.Files;
using Nagare.Connectors.ObjectStorage;
using Nagare.Core.Connectors;
using Nagare.Testing;

namespace Nagare.Connectors.Tests.ObjectStorage;

/// <summary>Publishing export files to s3rver: every file before the manifest, and no manifest after a failure.</summary>
[Trait("Category", "Integration")]
public sealed class S3ExportStorageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nagare-s3-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [S3Fact]
    public async Task PublishAsync_ManyFiles_TheManifestIsWrittenAfterEveryFileCompleted()
    {
        await using var server = await S3rverServer.StartAsync("exports");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        using var storage = Storage(server, proxy, parallelUploads: 3);
        var work = storage.CreateWorkFolder();
        var files = Enumerable.Range(1, 6).Select(i => File(work, $"part_{i}.bin", i == 3 ? (6 << 20) + 1 : 1000 * i)).ToList();

        await storage.PublishAsync(files, "manifest.json", "{}"u8.ToArray(), CancellationToken.None);

        foreach (var file in files)
        {
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(await server.DownloadAsync("exports", "daily/" + file.RelativePath))));
        }

        var requests = proxy.Requests;
        var manifest = Assert.Single(requests, r => r.Method == "PUT" && r.Path.EndsWith("/daily/manifest.json", StringComparison.Ordinal));
        var writes = requests.Where(r => r != manifest && r.Method is "PUT" or "POST").ToList();
        Assert.Equal(5 + 4, writes.Count); // five single puts; the start, two parts and the completion of one multipart upload
        Assert.All(writes, w => Assert.True(w.Ended < manifest.Started, $"{w.Method} {w.Url} ended at {w.Ended}, the manifest started at {manifest.Started}"));
        storage.DeleteWorkFolder(work);
        Assert.False(Directory.Exists(work));
    }

    [S3Fact]
    public async Task PublishAsync_ServerGoesAwayMidway_WritesNoManifestAndSaysWhatIsLeft()
    {
        await using var server = await S3rverServer.StartAsync("exports");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        using var storage = Storage(server, proxy, parallelUploads: 1);
        var work = storage.CreateWorkFolder();
        var files = Enumerable.Range(1, 5).Select(i => File(work, $"part_{i}.bin", 2000)).ToList();
        proxy.FailFrom = 3; // the manifest's deletion and two files get through

        var e = await Assert.ThrowsAsync<ConnectorException>(() => storage.PublishAsync(files, "manifest.json", "{}"u8.ToArray(), CancellationToken.None));

        Assert.Contains("No manifest was written", e.Message, StringComparison.Ordinal);
        Assert.Contains("could not be deleted", e.Message, StringComparison.Ordinal);
        Assert.Contains("daily/part_1.bin, daily/part_2.bin", e.Message, StringComparison.Ordinal);
        Assert.True(e.IsTransient);
        Assert.Equal(["daily/part_1.bin", "daily/part_2.bin"], await server.KeysAsync("exports"));
    }

    [S3Fact]
    public async Task PublishAsync_AFileFails_DeletesTheFilesItUploadedAndTheOldManifest()
    {
        await using var server = await S3rverServer.StartAsync("exports");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        using var storage = Storage(server, proxy, parallelUploads: 1, retries: 0);
        var work = storage.CreateWorkFolder();
        var files = Enumerable.Range(1, 4).Select(i => File(work, $"part_{i}.bin", 2000)).ToList();
        await storage.PublishAsync(files, "manifest.json", "{}"u8.ToArray(), CancellationToken.None);
        proxy.FailOnce((method, url) => method == "PUT" && url.Contains("part_3", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<ConnectorException>(() => storage.PublishAsync(files, "manifest.json", "{}"u8.ToArray(), CancellationToken.None));

        Assert.Contains("upload of daily/part_3.bin failed: InternalError (HTTP 500)", e.Message, StringComparison.Ordinal);
        Assert.Contains("the 2 file(s) of this run already uploaded were deleted", e.Message, StringComparison.Ordinal);
        Assert.Equal(["daily/part_3.bin", "daily/part_4.bin"], await server.KeysAsync("exports")); // the first run's, not replaced
    }

    [S3Fact]
    public async Task PublishAsync_CancelledDuringAMultipartUpload_LeavesNoObject()
    {
        await using var server = await S3rverServer.StartAsync("exports");
        await using var proxy = new S3FaultProxy(server.Endpoint);
        using var storage = Storage(server, proxy, parallelUploads: 1);
        var work = storage.CreateWorkFolder();
        var files = new[] { File(work, "part_1.bin", 1000), File(work, "part_2.bin", 11 << 20) };
        using var cancel = new CancellationTokenSource();
        proxy.OnRequest = (method, url) =>
        {
            if (url.Contains("partNumber=2", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.PublishAsync(files, "manifest.json", "{}"u8.ToArray(), cancel.Token));

        Assert.Empty(await server.KeysAsync("exports"));
        Assert.Contains(proxy.Requests, r => r.Method == "DELETE" && r.Url.Contains("uploadId=", StringComparison.Ordinal));
    }

    private S3ExportStorage Storage(S3rverServer server, S3FaultProxy proxy, int parallelUploads, int retries = 1) =>
        new(new S3ObjectStore(server.Options("exports", "daily") with { Endpoint = proxy.Endpoint, ParallelUploads = parallelUploads, Retries = retries, PartSize = 5 << 20 }, TimeProvider.System), _folder, TimeProvider.System);

    private static ExportedFile File(string work, string name, int size)
    {
        var path = Path.Combine(work, name);
        var bytes = new byte[size];
        new Random(size + name.Length).NextBytes(bytes);
        System.IO.File.WriteAllBytes(path, bytes);
        return new ExportedFile(name, path, 1, size, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
