using System.IO.Compression;
using System.Text;
using Nagare.Connectors.ObjectStorage;
using Nagare.Runtime.Configuration;
using Nagare.Runtime.Tests.Infrastructure;
using Nagare.Testing;

namespace Nagare.Runtime.Tests.Replication;

/// <summary>A files connection on <c>s3://</c> as users write it: JSON access logs in a bucket synced into the warehouse file by file.</summary>
[Trait("Category", "Integration")]
public sealed class FilesS3SyncTests : IDisposable
{
    private const string Sync = """
        name: s
        source: logs
        target_schema: lake
        streams:
          - select: access
            mode: incremental
            cursor: _file_modified
        """;

    private readonly TempProject project = new();

    public void Dispose() => project.Dispose();

    [S3Fact]
    public async Task Incremental_NewObjectsOnly_AreReadIntoTheWarehouse()
    {
        await using var server = await S3rverServer.StartAsync("logs");
        using var store = new S3ObjectStore(server.Options("logs"), TimeProvider.System);
        project.Write("nagare.yml", "name: t\n").Write("connections/logs.yml", $"""
            type: files
            path: s3://logs/app
            endpoint: {server.Endpoint}
            access_key_id: {S3rverServer.Credential}
            secret_access_key: {S3rverServer.Credential}
            streams:
              access: "access/**/*.json.gz"
            """);
        await store.PutAsync("app/access/2024/01/01.json.gz", Gzip("{\"path\":\"/a\",\"status\":200}\n{\"path\":\"/b\",\"status\":404}\n"), "application/gzip", CancellationToken.None);

        var first = await project.SyncAsync(Sync);
        await store.PutAsync("app/access/2024/01/02.json.gz", Gzip("{\"path\":\"/c\",\"status\":500}\n"), "application/gzip", CancellationToken.None);
        var second = await project.SyncAsync(Sync);
        var third = await project.SyncAsync(Sync);

        Assert.True(second.Succeeded, second.Streams[0].Message);
        Assert.Equal([2L, 1L, 0L], new[] { first, second, third }.Select(s => s.Streams[0].RowsWritten));
        Assert.Equal(["/a|200|access/2024/01/01.json.gz", "/b|404|access/2024/01/01.json.gz", "/c|500|access/2024/01/02.json.gz"],
            project.QueryWarehouse("SELECT path, status, _file FROM lake.access ORDER BY path"));
    }

    [Theory]
    [InlineData("path: s3://logs/app\naccess_key_id: x", "connections/logs.yml:3:16: secret_access_key:", "access_key_id and secret_access_key go together")]
    [InlineData("path: s3://logs/app\nendpoint: ftp://x", "connections/logs.yml:3:11: endpoint:", "'ftp://x' is not an http:// or https:// address")]
    [InlineData("path: s3:///app", "connections/logs.yml:2:7: path:", "s3://")]
    [InlineData("path: inbox\nendpoint: http://127.0.0.1:9000", "connections/logs.yml:3:11: endpoint:", "applies to s3:// paths only")]
    public void Load_BadObjectStorageSettings_NameTheFileLineAndKey(string settings, string where, string problem)
    {
        project.Write("nagare.yml", "name: t\n").Write("connections/logs.yml", "type: files\n" + settings + "\n");

        var e = Assert.ThrowsAny<Exception>(() => Nagare.Runtime.Connections.ConnectorRegistry.Default.Create(ProjectLoader.Load(project.Root), "logs", TimeProvider.System, TimeSpan.Zero));

        Assert.Contains(where, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
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
