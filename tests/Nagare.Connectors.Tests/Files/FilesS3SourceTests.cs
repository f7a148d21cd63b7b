using System.IO.Compression;
using System.Text;
using Nagare.Connectors.Files;
using Nagare.Connectors.ObjectStorage;
using Nagare.Core.Connectors;
using Nagare.Testing;

namespace Nagare.Connectors.Tests.Files;

/// <summary>A files connection on <c>s3://bucket/prefix</c> against a real s3rver: discovery, globs, reads, file cursors, a missing bucket.</summary>
[Trait("Category", "Integration")]
public sealed class FilesS3SourceTests
{
    [S3Fact]
    public async Task DiscoverAndRead_ObjectsUnderThePrefix_AreStreamsLikeFilesInAFolder()
    {
        await using var server = await SeededAsync();
        await using var files = new FilesConnection("logs", new FilesConnectorOptions("s3") { ObjectStorage = server.Options("logs", "app") });

        var streams = new List<string>();
        await foreach (var stream in files.DiscoverAsync(new DiscoverRequest(), CancellationToken.None))
        {
            streams.Add(stream.Id.Name + ":" + string.Join(",", stream.Columns.Select(c => c.Name)));
        }

        Assert.Equal<string>(["access:path,status,_file,_file_modified", "users:id,name,_file,_file_modified"], streams);
        var access = await FilesTestKit.StreamAsync(files, "access");
        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(access, [access.Find("path")!, access.Find("status")!, access.Find("_file")!]), CancellationToken.None));
        Assert.Equal<string>(
            ["/a|200|access/2024/01/01.json.gz", "/b|404|access/2024/01/01.json.gz", "/c|500|access/2024/01/02.json.gz"],
            rows.Select(r => string.Join("|", r)).Order(StringComparer.Ordinal));
        var users = await FilesTestKit.StreamAsync(files, "users");
        Assert.Equal(["1|アン", "2|Bob"], (await FilesTestKit.ReadAllAsync(files.ReadAsync(new ReadRequest(users, [users.Find("id")!, users.Find("name")!]), CancellationToken.None))).Select(r => string.Join("|", r)));
    }

    [S3Fact]
    public async Task Read_AConfiguredGlobAndAFileCursor_DownloadOnlyTheNewMatchingObjects()
    {
        await using var server = await SeededAsync();
        await using var files = new FilesConnection("logs", new FilesConnectorOptions("s3")
        {
            ObjectStorage = server.Options("logs", "app"),
            Streams = new Dictionary<string, string> { ["january"] = "access/2024/01/*.json.gz" },
        });
        var stream = await FilesTestKit.StreamAsync(files, "january");

        var rows = await FilesTestKit.ReadAllAsync(files.ReadAsync(
            new ReadRequest(stream, [stream.Find("path")!, stream.Find("_file")!], Cursor: new CursorRange("_file", "access/2024/01/01.json.gz")), CancellationToken.None));

        Assert.Equal<string>(["/c|access/2024/01/02.json.gz"], rows.Select(r => string.Join("|", r)));
    }

    [S3Fact]
    public async Task Test_ABucketThatDoesNotExist_NamesTheLocation()
    {
        await using var server = await SeededAsync();
        await using var missing = new FilesConnection("logs", new FilesConnectorOptions("s3") { ObjectStorage = server.Options("nope", "app") });
        await using var files = new FilesConnection("logs", new FilesConnectorOptions("s3") { ObjectStorage = server.Options("logs", "app") });

        var listing = await Assert.ThrowsAsync<ConnectorException>(() => missing.TestAsync(CancellationToken.None));
        var writing = await Assert.ThrowsAsync<ConnectorException>(() => missing.OpenWriterAsync(
            new WriteRequest("s", "out", new Core.Schema.StreamId(null, "out"), [new Core.Schema.ColumnSchema("id", Core.Types.ColumnType.Int64)], WriteMode.Append, []), CancellationToken.None));

        Assert.StartsWith("Connection 'logs': s3://nope/app/ cannot be listed:", listing.Message, StringComparison.Ordinal);
        Assert.StartsWith("s3://nope/app/: listing of app/.nagare-* failed: NoSuchBucket (HTTP 404)", writing.Message, StringComparison.Ordinal);
        Assert.Equal("Create the bucket 'nope', or check bucket:, endpoint: and region:.", writing.Hint);
        Assert.Equal(("s3://logs/app/", "s3://logs/app/"), (files.Root, (await files.TestAsync(CancellationToken.None)).Details["location"]));
    }

    /// <summary>
    /// Bucket <c>logs</c>: two gzip NDJSON access logs in dated folders, a CSV at the prefix's top, and what is never a
    /// file of a stream (the connector's state folder, a folder marker, an object outside the prefix).
    /// </summary>
    private static async Task<S3rverServer> SeededAsync()
    {
        var server = await S3rverServer.StartAsync("logs");
        using var store = new S3ObjectStore(server.Options("logs"), TimeProvider.System);
        await store.PutAsync("app/access/2024/01/01.json.gz", Gzip("{\"path\":\"/a\",\"status\":200}\n{\"path\":\"/b\",\"status\":404}\n"), "application/gzip", CancellationToken.None);
        await store.PutAsync("app/access/2024/01/02.json.gz", Gzip("{\"path\":\"/c\",\"status\":500}\n"), "application/gzip", CancellationToken.None);
        await store.PutAsync("app/users.csv", Encoding.UTF8.GetBytes("id,name\n1,アン\n2,Bob\n"), "text/csv", CancellationToken.None);
        await store.PutAsync("app/_nagare_state/sync.json", Encoding.UTF8.GetBytes("{}"), "application/json", CancellationToken.None);
        await store.PutAsync("app/empty/", Array.Empty<byte>(), "application/x-directory", CancellationToken.None);
        await store.PutAsync("other/elsewhere.csv", Encoding.UTF8.GetBytes("x\n1\n"), "text/csv", CancellationToken.None);
        return server;
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return buffer.ToArray();
    }
}
